/**
 * `guardbell backup` / `guardbell restore`: an online backup taken while bells keep pressing, restored into a
 * fresh DATA_DIR (or an empty PostgreSQL database) and checked by row counts, the audit chain's head and the
 * evidence hashes.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBackupCommand, databaseSummary, type DatabaseSummary } from '../../api/backup/index.ts';
import { verifyAuditLog } from '../../api/audit/audit-log.ts';
import { configFromEnv, type Config } from '../../api/config.ts';
import { openDatabase } from '../../api/store/index.ts';
import { upload } from '../cases/fixture.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'gb-backup-'));
  dirs.push(d);
  return d;
}

function capture() {
  const lines: string[] = [];
  return { lines, log: (s: string) => lines.push(s), error: (s: string) => lines.push(s) };
}

/** Presses, a case file with evidence, and so audit entries: everything a restore must bring back. */
async function fill(t: TestSystem): Promise<void> {
  const bell = await t.bell('B-0301');
  for (let seq = 1; seq <= 5; seq++) {
    await bell.event(seq, 'press');
    await bell.waitForAck({ seq, state: 'received' });
  }
  const guard = await t.login('guard');
  const raised = await guard.post('/api/v1/incidents', { counterId: 'passport-3', siteId: 'site-a' });
  const legal = await t.login('legal');
  const opened = await legal.post('/api/v1/cases', { title: 'threats at the counter', incidentIds: [raised.body.id] });
  expect(opened.status, JSON.stringify(opened.body)).toBe(201);
  for (const name of ['cctv.bin', 'note.txt']) {
    const up = await upload(legal, opened.body.id, new Uint8Array(Array.from({ length: 4096 }, (_, i) => (i * 7 + name.length) % 251)), name);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
  }
}

/** Sessions are logins of the running server, not history: the rest must come back exactly. */
function comparable(s: DatabaseSummary) {
  const { sessions: _sessions, ...tables } = s.tables;
  return { ...s, tables };
}

describe('backup and restore of the embedded database (PGlite in DATA_DIR)', () => {
  it('an online backup, taken while a bell presses (and one with the server stopped), restores into a fresh DATA_DIR with every row, the audit head and the evidence', async () => {
    const dataDir = await tempDir();
    const t = await startTestSystem({ db: 'pglite', broker: 'aedes', env: { DATA_DIR: dataDir } });
    let before: DatabaseSummary;
    const file = path.join(await tempDir(), 'guardbell.backup');
    try {
      await fill(t);
      before = await databaseSummary(t.system.database.db);
      expect(before.evidence).toEqual({ items: 2, mismatched: [] });
      expect(before.auditHead!.seq).toBeGreaterThan(0);

      // A press during the backup rings the console at once; it is stored (and the bell told `received`) once the
      // engine is free again: the copy holds the embedded engine for its length, never the ring.
      const bell = await t.bell('B-0302');
      const stream = await (await t.login('guard')).stream();
      const out = capture();
      const backup = runBackupCommand(['backup', file], t.config, out);
      await bell.event(1, 'press');
      await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302');
      stream.close();
      await bell.waitForAck({ seq: 1, state: 'received' }, 60_000);
      expect(await backup).toBe(0);
      expect(out.lines.join('\n')).toMatch(/taken by the running server/);
    } finally {
      await t.close();
    }
    // With the server stopped, the command opens the folder and copies it itself.
    const offline = capture();
    expect(await runBackupCommand(['backup', `${file}.offline`], t.config, offline), offline.lines.join('\n')).toBe(0);
    expect(offline.lines.join('\n')).toMatch(/server not running/);
    expect(await runBackupCommand(['backup'], t.config, capture())).toBe(2);

    const fresh: Config = { ...configFromEnv({ DATA_DIR: await tempDir() }) };
    const out = capture();
    expect(await runBackupCommand(['restore', file], fresh, out), out.lines.join('\n')).toBe(0);
    expect(out.lines.join('\n')).toMatch(/restored from .*: \d+ incidents, .* 2 evidence items \(0 not matching/);
    const restored = await openDatabase({ dataDir: fresh.embeddedDbDir });
    try {
      const after = await databaseSummary(restored.db);
      // The press made during the backup may or may not be in it (it is in one instant or the other).
      const pressDuring = after.tables.bell_events! - before!.tables.bell_events!;
      expect([0, 1]).toContain(pressDuring);
      const strip = (s: DatabaseSummary) => {
        const c = comparable(s);
        return { ...c, tables: { ...c.tables, bell_events: 0, incidents: 0, timeline: 0, escalation_steps: 0, notifications: 0 } };
      };
      expect(strip(after)).toEqual(strip(before!));
      expect(after.tables.incidents! - before!.tables.incidents!).toBe(pressDuring);
      expect(await verifyAuditLog(restored.db)).toMatchObject({ ok: true, head: { seq: before!.auditHead!.seq, hash: before!.auditHead!.hash } });
    } finally {
      await restored.close();
    }

    // Never over a database that is there: the same DATA_DIR again is refused, and nothing is touched.
    const again = capture();
    expect(await runBackupCommand(['restore', file], fresh, again)).toBe(1);
    expect(again.lines.join('\n')).toMatch(/already holds a database: restore into a fresh DATA_DIR/);

    // A DATA_DIR that does not exist yet (a new machine) is made, private at once: folders 0700, files 0600.
    const newMachine: Config = { ...configFromEnv({ DATA_DIR: path.join(await tempDir(), 'srv', 'guardbell') }) };
    const made = capture();
    expect(await runBackupCommand(['restore', `${file}.offline`], newMachine, made), made.lines.join('\n')).toBe(0);
    const modes = new Set<string>();
    const walk = async (dir: string): Promise<void> => {
      modes.add(`d${((await stat(dir)).mode & 0o777).toString(8)}`);
      for (const e of await readdir(dir, { withFileTypes: true })) {
        if (e.isDirectory()) await walk(path.join(dir, e.name));
        else modes.add(`f${((await stat(path.join(dir, e.name))).mode & 0o777).toString(8)}`);
      }
    };
    await walk(newMachine.dataDir);
    expect([...modes].sort()).toEqual(['d700', 'f600']);
  }, 240_000);
});

describe('backup and restore on PostgreSQL (pg_dump / pg_restore)', () => {
  it('restores into an empty database with every row, the audit head and the evidence; refuses a database in use', async () => {
    const t = await startTestSystem({ db: 'postgres', broker: 'aedes' });
    const target = await createTestDatabase();
    const file = path.join(await tempDir(), 'guardbell.pgdump');
    try {
      await fill(t);
      const before = await databaseSummary(t.system.database.db);
      const out = capture();
      expect(await runBackupCommand(['backup', file], t.config, out), out.lines.join('\n')).toBe(0);

      const into: Config = { ...t.config, databaseUrl: target.url };
      expect(await runBackupCommand(['restore', file], into, out), out.lines.join('\n')).toBe(0);
      const restored = await openDatabase({ url: target.url, dataDir: 'memory://' });
      try {
        expect(comparable(await databaseSummary(restored.db))).toEqual(comparable(before));
        expect(await verifyAuditLog(restored.db)).toMatchObject({ ok: true, head: before.auditHead });
      } finally {
        await restored.close();
      }
      const refused = capture();
      expect(await runBackupCommand(['restore', file], t.config, refused)).toBe(1);
      expect(refused.lines.join('\n')).toMatch(/not empty: restore into a freshly created database/);
    } finally {
      await t.close();
      await target.drop();
    }
  }, 120_000);
});
