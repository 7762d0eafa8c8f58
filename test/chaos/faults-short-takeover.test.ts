/**
 * The short version of `npm run chaos`'s other rigs: two Guardbell processes behind a shared subscription, one of
 * them frozen (SIGSTOP) and then one killed (SIGKILL) during presses, and one process on its embedded database and
 * broker killed during presses. The other process takes over: nothing told `received` is lost or held hostage, no
 * step stalls, every press rings on the survivor's console. (A file of its own so it runs beside faults-short.)
 */
import { describe, it } from 'vitest';
import { expectNothingLost, runShortFaults } from './short-run.ts';

// The embedded rig keeps DATA_DIR on a tmpfs of its own, which needs root (the CI machine and .ci/run have it).
const canMount = process.getuid?.() === 0;

describe('faults, short: a process frozen or killed beside another, and the embedded default killed', () => {
  it('the other process takes over every press and step; the embedded process loses nothing', async () => {
    const { results, log } = await runShortFaults(['guardbell-stop', 'guardbell-kill-two', ...(canMount ? ['embedded-kill'] : [])], 3_000);
    expectNothingLost(results, log);
  }, 600_000);
});
