/**
 * The short version of `npm run chaos`'s other rigs: two Guardbell processes behind a shared subscription, one of
 * them frozen (SIGSTOP) and then one killed (SIGKILL) during presses, and one process on its embedded database and
 * broker killed during presses. The other process takes over: nothing told `received` is lost or held hostage, no
 * step stalls, every press rings on the survivor's console. (A file of its own so it runs beside faults-short.)
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './run.ts';

// The embedded rig keeps DATA_DIR on a tmpfs of its own, which needs root (the CI machine and .ci/run have it).
const canMount = process.getuid?.() === 0;

describe('faults, short: a process frozen or killed beside another, and the embedded default killed', () => {
  it('the other process takes over every press and step; the embedded process loses nothing', async () => {
    const lines: string[] = [];
    const faults = ['guardbell-stop', 'guardbell-kill-two', ...(canMount ? ['embedded-kill'] : [])];
    const results = await runChaos({
      bells: 20,
      perSecond: 4,
      faults,
      holdMs: {},
      defaultHoldMs: 3_000,
      settleMs: 1_000,
      afterMs: 2_000,
      drainMs: 60_000,
      log: (line) => lines.push(line),
    });
    expect(results.map((r) => r.fault)).toHaveLength(faults.length);
    for (const r of results) {
      expect(r.sent, r.fault).toBeGreaterThan(0);
      expect({ fault: r.fault, lost: r.lost, receivedNotStored: r.receivedNotStored, neverReceived: r.neverReceived, storedMoreThanOnce: r.storedMoreThanOnce }, lines.join('\n'))
        .toEqual({ fault: r.fault, lost: false, receivedNotStored: 0, neverReceived: 0, storedMoreThanOnce: 0 });
      expect(r.stored, r.fault).toBe(r.sent);
    }
  }, 600_000);
});
