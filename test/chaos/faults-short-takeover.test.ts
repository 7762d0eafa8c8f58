/**
 * The short version of `npm run chaos`'s other rigs: two Guardbell processes behind a shared subscription, one of
 * them frozen (SIGSTOP) and then one killed (SIGKILL) during presses, and one process on its embedded database and
 * broker killed during presses. The other process takes over: nothing told `received` is lost or held hostage, no
 * step stalls, every press rings on the survivor's console. (A file of its own so it runs beside faults-short.)
 */
import { describe, expect, it } from 'vitest';
import { expectNothingLost, runShortFaults } from './short-run.ts';
import { FULL_HOLD_MS } from './run.ts';
import { FAULTS } from './faults.ts';
import { TAKEOVER_GRACE_MS } from './takeover-check.ts';

// The embedded rig keeps DATA_DIR on a tmpfs of its own, which needs root (the CI machine and .ci/run have it).
const canMount = process.getuid?.() === 0;

describe('faults, short: a process frozen or killed beside another, and the embedded default killed', () => {
  it('the other process takes over every press and step; the embedded process loses nothing', async () => {
    // The freeze is held as long as in the full run: a press counts as held hostage only if it was sent more than
    // TAKEOVER_GRACE_MS before the thaw, so a shorter hold would leave that check nothing to judge.
    const freezeMs = FULL_HOLD_MS['guardbell-stop']!;
    expect(freezeMs).toBeGreaterThan(TAKEOVER_GRACE_MS);
    const { results, log } = await runShortFaults(['guardbell-stop', 'guardbell-kill-two', ...(canMount ? ['embedded-kill'] : [])], 3_000, { 'guardbell-stop': freezeMs });
    // A press or step held hostage makes its fault `lost`.
    expectNothingLost(results, log);
    const frozen = results.find((r) => r.fault === FAULTS['guardbell-stop']!.name);
    expect(frozen?.pressesSentInHold, log).toBeGreaterThan(0);
  }, 600_000);
});
