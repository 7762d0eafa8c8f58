/**
 * A restore in the middle of a run, on the embedded rig: `guardbell backup` while the fleet presses, Guardbell
 * stopped, `guardbell restore` into a fresh DATA_DIR, Guardbell started on it.
 *
 * What is expected: a restore goes back to the backup's instant. Every press in the backup is in the restored
 * database. A press stored after the backup was taken and before the stop is gone with the old database: if the
 * bell was told `received`, it never sends it again, and it is counted as lost by the restore (not hidden, not a
 * failure: it is what restoring means). A press not told `received` before the stop is retransmitted by its bell
 * until the restored Guardbell stores it. A press told `received` before the backup began must be there.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { verifyAuditLog } from '../../api/audit/audit-log.ts';
import { runBackupCommand } from '../../api/backup/index.ts';
import { configFromEnv } from '../../api/config.ts';
import { openDatabase } from '../../api/store/index.ts';
import type { Fault } from './faults.ts';
import type { Rig } from './rig.ts';

interface RestoreRun {
  file: string;
  backupStartedAt: number;
  backupDoneAt: number;
  stoppedAt: number;
  restoredAt: number;
  restartedAt: number;
  oldDataDir: string;
  /** Presses (bell#seq) in the old database at the stop, in the backup, and whether the restored audit chain verified. */
  inOld: Set<string>;
  inBackup: Set<string>;
  auditOk: boolean;
}

const PRESSES = "select bell_id || '#' || seq as k from bell_events where bell_id like 'CH-%'";

function quietOut(): { lines: string[]; log: (s: string) => void; error: (s: string) => void } {
  const lines: string[] = [];
  return { lines, log: (s) => lines.push(s), error: (s) => lines.push(s) };
}

/** The presses in a stopped server's embedded database (PGlite has one user: only with the server stopped). */
async function pressesIn(pgliteDir: string): Promise<Set<string>> {
  const db = await PGlite.create(pgliteDir);
  try {
    return new Set((await db.query<{ k: string }>(PRESSES)).rows.map((r) => r.k));
  } finally {
    await db.close();
  }
}

export interface RestoreEvidence {
  /** This run's presses (bell#seq). */
  keys: readonly string[];
  /** Presses in the old database at the stop, in the backup, and in the restored one at the end. */
  inOld: ReadonlySet<string>;
  inBackup: ReadonlySet<string>;
  stored: ReadonlyMap<string, number>;
  /** When each press was told `received`. */
  received: ReadonlyMap<string, number>;
  backupStartedAt: number;
}

/** Sorts the presses after a restore: what the backup held and lost, what went back in time, what came again. */
export function classifyAfterRestore(e: RestoreEvidence): {
  backupPressesMissing: number;
  receivedBeforeBackupMissing: number;
  lostByRestore: Set<string>;
  resent: number;
} {
  const afterBackup = e.keys.filter((k) => e.inOld.has(k) && !e.inBackup.has(k));
  return {
    backupPressesMissing: [...e.inBackup].filter((k) => !e.stored.has(k)).length,
    receivedBeforeBackupMissing: e.keys.filter((k) => (e.received.get(k) ?? Infinity) < e.backupStartedAt && !e.stored.has(k)).length,
    // Gone with the old database: stored after the backup's instant, and not sent again (its bell was told).
    lostByRestore: new Set(afterBackup.filter((k) => !e.stored.has(k) && e.received.has(k))),
    resent: afterBackup.filter((k) => e.stored.has(k)).length,
  };
}

export function restoreMidRun(): Fault {
  let run: Partial<RestoreRun> = {};
  let restores = 0;
  return {
    name: 'backup while pressing, Guardbell stopped, restored into a fresh DATA_DIR and started on it',
    backend: 'embedded',
    inject: async (rig) => {
      const file = join(rig.workDir, `restore-${++restores}.backup`);
      run = { file, oldDataDir: rig.embeddedDataDir };
      const out = quietOut();
      run.backupStartedAt = Date.now();
      const code = await runBackupCommand(['backup', file], configFromEnv({ DATA_DIR: rig.embeddedDataDir }), out);
      if (code !== 0) throw new Error(`guardbell backup failed: ${out.lines.join('\n')}`);
      run.backupDoneAt = Date.now();
      for (const c of rig.consoles) c?.close();
      await rig.systems[0]!.stop();
      run.stoppedAt = Date.now();
    },
    heal: async (rig) => {
      const r = run as RestoreRun;
      r.inOld = await pressesIn(join(r.oldDataDir, 'pglite'));
      const dataDir = rig.freshEmbeddedDataDir(`data-restored-${restores}`);
      // As an operator would: a new, empty, private DATA_DIR.
      mkdirSync(dataDir, { mode: 0o700 });
      const config = configFromEnv({ DATA_DIR: dataDir });
      const out = quietOut();
      const code = await runBackupCommand(['restore', r.file], config, out);
      if (code !== 0) throw new Error(`guardbell restore failed: ${out.lines.join('\n')}`);
      const restored = await openDatabase({ dataDir: config.embeddedDbDir });
      try {
        r.auditOk = (await verifyAuditLog(restored.db)).ok;
      } finally {
        await restored.close();
      }
      r.inBackup = await pressesIn(config.embeddedDbDir);
      // The old database is the past the restore left behind; its room on the small tmpfs is needed.
      rmSync(r.oldDataDir, { recursive: true, force: true });
      r.restoredAt = Date.now();
      await rig.startSystem(0);
      r.restartedAt = Date.now();
    },
    judge: async (rig, keys) => {
      const r = run as RestoreRun;
      const c = classifyAfterRestore({ keys, inOld: r.inOld, inBackup: r.inBackup, stored: await rig.stored(), received: rig.presses.received, backupStartedAt: r.backupStartedAt });
      return {
        figures: {
          backupMs: r.backupDoneAt - r.backupStartedAt,
          downtimeMs: r.restartedAt - r.stoppedAt,
          restoreMs: r.restoredAt - r.stoppedAt,
          pressesInBackup: r.inBackup.size,
          backupPressesMissing: c.backupPressesMissing,
          lostByRestore: c.lostByRestore.size,
          storedAfterBackupResent: c.resent,
          auditChainOk: r.auditOk,
        },
        excused: c.lostByRestore,
        failed: c.backupPressesMissing > 0 || c.receivedBeforeBackupMissing > 0 || !r.auditOk,
      };
    },
  };
}
