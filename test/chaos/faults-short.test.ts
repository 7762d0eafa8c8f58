/**
 * The short version of `npm run chaos`: a few bells, each fault held a couple of seconds, on the same rig (real
 * Mosquitto SIGKILLed, PostgreSQL cut behind a proxy, Guardbell SIGKILLed, the SMS provider answering 500).
 * Not one press told `received` may be missing from the database, and none may go unreceived.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './run.ts';

describe('faults, short: every press received, stored once and rung', () => {
  it('survives a broker SIGKILL, a database cut, a Guardbell SIGKILL and SMS errors without losing a press', async () => {
    const lines: string[] = [];
    const results = await runChaos({
      bells: 20,
      perSecond: 4,
      faults: ['broker-kill', 'db-cut', 'guardbell-kill', 'sms-500'],
      holdMs: {},
      defaultHoldMs: 2_000,
      settleMs: 1_000,
      afterMs: 2_000,
      drainMs: 60_000,
      log: (line) => lines.push(line),
    });
    expect(results.map((r) => r.fault)).toHaveLength(4);
    for (const r of results) {
      expect(r.sent, r.fault).toBeGreaterThan(0);
      expect({ fault: r.fault, lost: r.lost, receivedNotStored: r.receivedNotStored, neverReceived: r.neverReceived, storedMoreThanOnce: r.storedMoreThanOnce }, lines.join('\n'))
        .toEqual({ fault: r.fault, lost: false, receivedNotStored: 0, neverReceived: 0, storedMoreThanOnce: 0 });
      expect(r.stored, r.fault).toBe(r.sent);
      expect(r.smsDuplicates, r.fault).toBe(0);
    }
  }, 600_000);
});
