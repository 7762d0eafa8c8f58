/**
 * The short version of `npm run chaos`: a few bells, each fault of the one-process PostgreSQL rig held a couple of
 * seconds (real Mosquitto SIGKILLed, PostgreSQL cut, slowed and its alarm writes held behind a lock through a proxy,
 * Guardbell SIGKILLed, the SMS provider failing, unreachable, slow and timing out, and two combinations).
 * Not one press told `received` may be missing from the database, none may go unreceived, no SMS goes twice.
 * The other rigs' faults are in faults-short-takeover.test.ts (a process frozen or killed beside another, the
 * embedded default killed); the full disk, backup and restore and the clock have tests of their own (disk-full,
 * backup-restore, clock-jump).
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from './run.ts';

const FAULTS_SHORT = [
  'broker-kill', 'db-cut', 'db-slow', 'db-pool', 'guardbell-kill', 'sms-500', 'sms-down', 'sms-slow', 'sms-timeout',
  'broker-kill+db-cut', 'guardbell-kill+sms-500',
];

describe('faults, short: every press received, stored once and rung', () => {
  it('survives the broker, the database, Guardbell and the SMS provider failing, alone and together, without losing a press', async () => {
    const lines: string[] = [];
    const results = await runChaos({
      bells: 20,
      perSecond: 4,
      faults: FAULTS_SHORT,
      holdMs: {},
      defaultHoldMs: 2_000,
      settleMs: 1_000,
      afterMs: 2_000,
      drainMs: 60_000,
      log: (line) => lines.push(line),
    });
    expect(results.map((r) => r.fault)).toHaveLength(FAULTS_SHORT.length);
    for (const r of results) {
      expect(r.sent, r.fault).toBeGreaterThan(0);
      expect({ fault: r.fault, lost: r.lost, receivedNotStored: r.receivedNotStored, neverReceived: r.neverReceived, storedMoreThanOnce: r.storedMoreThanOnce }, lines.join('\n'))
        .toEqual({ fault: r.fault, lost: false, receivedNotStored: 0, neverReceived: 0, storedMoreThanOnce: 0 });
      expect(r.stored, r.fault).toBe(r.sent);
      expect(r.smsDuplicates, r.fault).toBe(0);
    }
  }, 600_000);
});
