/**
 * The short version of `npm run chaos`: a few bells, each fault of the one-process PostgreSQL rig held a couple of
 * seconds (real Mosquitto SIGKILLed, PostgreSQL cut, slowed and its alarm writes held behind a lock through a proxy,
 * Guardbell SIGKILLed, the SMS provider failing, unreachable, slow and timing out, and two combinations).
 * Not one press told `received` may be missing from the database, none may go unreceived, no SMS goes twice.
 * The other rigs' faults are in faults-short-takeover.test.ts (a process frozen or killed beside another, the
 * embedded default killed); the full disk, backup and restore and the clock have tests of their own (disk-full,
 * backup-restore, clock-jump).
 */
import { describe, it } from 'vitest';
import { expectNothingLost, runShortFaults } from './short-run.ts';

const FAULTS_SHORT = [
  'broker-kill', 'db-cut', 'db-slow', 'db-pool', 'guardbell-kill', 'sms-500', 'sms-down', 'sms-slow', 'sms-timeout',
  'broker-kill+db-cut', 'guardbell-kill+sms-500',
];

describe('faults, short: every press received, stored once and rung', () => {
  it('survives the broker, the database, Guardbell and the SMS provider failing, alone and together, without losing a press', async () => {
    const { results, log } = await runShortFaults(FAULTS_SHORT, 2_000);
    expectNothingLost(results, log, { smsOnce: true });
  }, 600_000);
});
