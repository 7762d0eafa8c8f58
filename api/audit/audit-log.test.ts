import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { openDatabase, type Database } from '../store/database.ts';
import { auditHead } from '../store/schema.ts';
import { appendAudit, appendAuditEntries, appendAuditReads, auditPage, auditTrail, verifyAuditLog } from './audit-log.ts';
import { verifyChain } from './chain.ts';

describe.each(['pglite', 'postgres'] as const)('audit log on %s', (kind) => {
  let database: Database;
  let second: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    drop = pg?.drop;
    database = await openDatabase({ url: pg?.url, dataDir: 'memory://' });
    await database.migrate();
    // A second "process" on the same PostgreSQL: its own pool.
    if (pg) second = await openDatabase({ url: pg.url, dataDir: 'memory://' });
  });
  afterAll(async () => {
    await second?.close();
    await database?.close();
    await drop?.();
  });

  /** What a DBA who bypasses the append-only trigger can do. */
  async function asDba(statement: ReturnType<typeof sql>): Promise<void> {
    await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(statement);
    });
  }

  it('appends a chain that verifies; an entry inside a rolled-back transaction leaves no trace', async () => {
    expect(await verifyAuditLog(database.db)).toMatchObject({ ok: true, rows: 0 });
    await appendAudit(database.db, { actorId: 'legal-1', action: 'create', recordType: 'case', recordId: 'c1', detail: { title: '폭언 사건', z: 1, a: { y: [1, 2] } } });
    await appendAudit(database.db, { actorId: 'legal-1', action: 'read', recordType: 'case', recordId: 'c1' });
    await expect(database.db.transaction(async (tx) => {
      await appendAudit(tx, { actorId: 'legal-1', action: 'update', recordType: 'case', recordId: 'c1' });
      throw new Error('the change failed');
    })).rejects.toThrow('the change failed');
    await appendAudit(database.db, { actorId: 'auditor-1', action: 'download', recordType: 'evidence', recordId: 'e1', detail: { at: new Date('2026-11-23T00:00:00Z'), u: undefined } });
    const verdict = await verifyAuditLog(database.db);
    expect(verdict).toMatchObject({ ok: true, rows: 3, head: { seq: 3 } });
    const trail = await auditTrail(database.db, 'case', 'c1');
    expect(trail.map((r) => [r.seq, r.action])).toEqual([[1, 'create'], [2, 'read']]);
  });

  it('concurrent appends (two connections on PostgreSQL) never fork the chain', async () => {
    const other = second ?? database;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => appendAudit(i % 2 ? other.db : database.db, { actorId: `p${i}`, action: 'read', recordType: 'case', recordId: `c${i}` })),
    );
    const verdict = await verifyAuditLog(database.db, 7);
    expect(verdict).toMatchObject({ ok: true, rows: 43, head: { seq: 43 } });
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE of the log', async () => {
    const refusal = (statement: ReturnType<typeof sql>) =>
      database.db.execute(statement).then(() => 'allowed', (err: Error & { cause?: Error }) => String(err.cause?.message ?? err.message));
    expect(await refusal(sql`update audit_log set actor_id = 'x' where seq = 1`)).toMatch(/append-only/);
    expect(await refusal(sql`delete from audit_log where seq = 1`)).toMatch(/append-only/);
    expect(await refusal(sql`truncate audit_log`)).toMatch(/append-only/);
    expect((await verifyAuditLog(database.db)).ok).toBe(true);
  });

  it('an edit by someone bypassing the trigger is found and named', async () => {
    await asDba(sql`update audit_log set detail = '{"title":"changed"}' where seq = 1`);
    expect(await verifyAuditLog(database.db)).toMatchObject({ ok: false, break: { seq: 1, reason: 'edited' } });
    // Put it back (the detail jsonb as written): the chain verifies again, so the next test starts clean.
    await asDba(sql`update audit_log set detail = '{"title":"폭언 사건","z":1,"a":{"y":[1,2]}}' where seq = 1`);
    expect((await verifyAuditLog(database.db)).ok).toBe(true);
  });

  it('reordered rows (seqs swapped) are found and named', async () => {
    await asDba(sql`update audit_log set seq = -1 where seq = 10`);
    await asDba(sql`update audit_log set seq = 10 where seq = 11`);
    await asDba(sql`update audit_log set seq = 11 where seq = -1`);
    expect(await verifyAuditLog(database.db)).toMatchObject({ ok: false, break: { seq: 10, reason: 'reordered' } });
    expect(await verifyAuditLog(database.db, 3)).toMatchObject({ ok: false, break: { seq: 10, reason: 'reordered' } });
    await asDba(sql`update audit_log set seq = -1 where seq = 10`);
    await asDba(sql`update audit_log set seq = 10 where seq = 11`);
    await asDba(sql`update audit_log set seq = 11 where seq = -1`);
    expect((await verifyAuditLog(database.db)).ok).toBe(true);
  });

  it('a deleted row, in the middle or the newest, is found and named', async () => {
    await asDba(sql`delete from audit_log where seq = 43`);
    expect(await verifyAuditLog(database.db)).toMatchObject({ ok: false, break: { seq: 43, reason: 'deleted' } });
    expect(await verifyAuditLog(database.db, 6)).toMatchObject({ ok: false, break: { seq: 43, reason: 'deleted' } });
    await asDba(sql`delete from audit_log where seq = 20`);
    expect(await verifyAuditLog(database.db)).toMatchObject({ ok: false, break: { seq: 20, reason: 'deleted' } });
    // Page by page (small pages), the first break is named the same.
    expect(await verifyAuditLog(database.db, 4)).toMatchObject({ ok: false, break: { seq: 20, reason: 'deleted' } });
  });

  it('the reads of many records go in together, in order and chained, beside other appends', async () => {
    const other = second ?? database;
    const ids = Array.from({ length: 25 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    await Promise.all([
      appendAuditReads(database.db, { actorId: 'counselor-1', recordType: 'aftercare_record', recordIds: ids, detail: { list: true } }),
      ...Array.from({ length: 6 }, (_, i) => appendAudit(other.db, { actorId: `q${i}`, action: 'read', recordType: 'case', recordId: `d${i}` })),
    ]);
    const trail = (await Promise.all(ids.map((id) => auditTrail(database.db, 'aftercare_record', id)))).flat();
    expect(trail.map((r) => r.recordId)).toEqual(ids);
    // One batch: consecutive seqs, nothing of the other connection's between them.
    expect(trail.map((r) => r.seq - trail[0]!.seq)).toEqual(ids.map((_, i) => i));
    expect(trail.every((r) => r.action === 'read' && (r.detail as { list?: boolean }).list === true)).toBe(true);
    await appendAuditReads(database.db, { actorId: 'counselor-1', recordType: 'aftercare_record', recordIds: [], detail: {} });
    // Each entry of the batch is hashed and linked to the one before it, as single appends are.
    expect(verifyChain(trail, undefined, { seq: trail[0]!.seq - 1, hash: trail[0]!.prevHash }).ok).toBe(true);
  });

  it('appends more entries than one statement takes parameters for (a city\'s provisioning file) as one chained round', async () => {
    const headSeq = async () => (await database.db.select({ seq: auditHead.seq }).from(auditHead))[0]!.seq;
    const before = await headSeq();
    const ids = Array.from({ length: 8_000 }, (_, i) => `B-${String(i).padStart(5, '0')}`);
    await appendAuditEntries(database.db, ids.map((recordId) => ({ actorId: 'system', action: 'create' as const, recordType: 'bell', recordId, detail: { via: 'provisioning' } })));
    const rows = await auditPage(database.db, before, 10_000);
    expect(rows.map((r) => r.recordId)).toEqual(ids);
    expect(rows.map((r) => r.seq)).toEqual(ids.map((_, i) => before + 1 + i));
    expect(verifyChain(rows, undefined, { seq: before, hash: rows[0]!.prevHash }).ok).toBe(true);
    expect(await headSeq()).toBe(before + ids.length);
  });
});
