import { describe, expect, it } from 'vitest';
import { classifyAfterRestore } from './restore-fault.ts';

describe('presses after a restore mid-run', () => {
  // B#1 acknowledged before the backup; B#2 stored and acknowledged after the backup's instant; B#3 stored after
  // it but not yet acknowledged at the stop (its bell sends it again); B#4 sent during the downtime.
  const backupStartedAt = 1_000;
  const base = {
    keys: ['B#1', 'B#2', 'B#3', 'B#4'],
    inOld: new Set(['B#1', 'B#2', 'B#3']),
    inBackup: new Set(['B#1']),
    backupStartedAt,
  };

  it('counts a press acknowledged after the backup and gone with the old database as lost by the restore, and a re-sent one as stored again', () => {
    const c = classifyAfterRestore({
      ...base,
      stored: new Map([['B#1', 1], ['B#3', 1], ['B#4', 1]]),
      received: new Map([['B#1', 900], ['B#2', 1_500], ['B#3', 9_000], ['B#4', 9_500]]),
    });
    expect(c).toEqual({ backupPressesMissing: 0, receivedBeforeBackupMissing: 0, lostByRestore: new Set(['B#2']), resent: 1 });
  });

  it('finds a press of the backup missing afterwards, and one acknowledged before the backup began that is not there', () => {
    const c = classifyAfterRestore({
      ...base,
      inBackup: new Set(),
      stored: new Map([['B#3', 1], ['B#4', 1]]),
      received: new Map([['B#1', 900], ['B#3', 9_000], ['B#4', 9_500]]),
    });
    expect(c.receivedBeforeBackupMissing).toBe(1);
    // B#1 is not in this backup, so it counts as gone with the old database too: both figures say so.
    expect(c.lostByRestore).toEqual(new Set(['B#1']));
    const missing = classifyAfterRestore({ ...base, stored: new Map([['B#3', 1]]), received: new Map([['B#3', 9_000]]) });
    expect(missing.backupPressesMissing).toBe(1);
  });

  it('does not excuse a press never acknowledged: its bell still owes it, so it is a loss elsewhere', () => {
    const c = classifyAfterRestore({ ...base, stored: new Map([['B#1', 1]]), received: new Map([['B#1', 900]]) });
    expect(c.lostByRestore).toEqual(new Set());
    expect(c.resent).toBe(0);
  });
});
