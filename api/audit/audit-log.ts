/**
 * The audit log of every read and write of case files, evidence and aftercare records (DESIGN.md principle 4):
 * append-only (a trigger refuses UPDATE, DELETE and TRUNCATE) and hash-chained (chain.ts), so that an edit, a
 * deletion or a reordering by someone who bypasses the trigger is still found by `guardbell audit verify`.
 *
 * Appends are serialised by a row lock on the one `audit_head` row (SELECT … FOR UPDATE), which also records the
 * newest seq and hash: several API processes on one PostgreSQL never fork the chain, and deleting the newest rows
 * is detected. Call `appendAudit` last in a transaction (after the change's own writes): the head stays locked
 * until the transaction ends.
 */
import { and, asc, eq, gt } from 'drizzle-orm';
import type { Db } from '../store/database.ts';
import { auditHead, auditLog } from '../store/schema.ts';
import { GENESIS_HASH, rowHash, verifyChain, type ChainHead, type ChainRow, type ChainVerdict } from './chain.ts';

export type AuditAction = 'read' | 'create' | 'update' | 'delete' | 'download' | 'export';
export const AUDIT_ACTIONS: readonly AuditAction[] = ['read', 'create', 'update', 'delete', 'download', 'export'];

export interface AuditEntry {
  actorId: string;
  action: AuditAction;
  recordType: string;
  recordId: string;
  detail?: Record<string, unknown>;
}

/** A transaction object of `Db` (drizzle's PgTransaction) passes as well as the database itself. */
export type AuditDb = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Nine parameters a row. */
const AUDIT_ROWS_PER_INSERT = 1_000;

export class AuditHeadMissing extends Error {
  constructor() {
    super('the audit log has no head row (audit_head id 1): the migrations were not applied, or it was deleted');
  }
}

/** Appends one entry to the hash chain; call it inside the same transaction as the change (or alone for reads). */
export async function appendAudit(db: AuditDb, entry: AuditEntry): Promise<void> {
  await appendAuditEntries(db, [entry]);
}

/**
 * Appends entries in order under one lock of the head and one insert: a list read of a hundred records is one
 * round of the chain, not a hundred.
 */
export async function appendAuditEntries(db: AuditDb, entries: readonly AuditEntry[]): Promise<void> {
  if (!entries.length) return;
  // On a transaction this is a savepoint; on the database, its own transaction.
  await (db as Db).transaction(async (tx) => {
    const [head] = await tx.select().from(auditHead).where(eq(auditHead.id, 1)).for('update');
    if (!head) throw new AuditHeadMissing();
    const at = new Date();
    let { seq, hash } = head;
    const rows = entries.map((entry) => {
      const row = {
        seq: seq + 1,
        at,
        actorId: entry.actorId,
        action: entry.action,
        recordType: entry.recordType,
        recordId: entry.recordId,
        // A plain detail: what JSON (and jsonb) keeps, so the hash computed now is the one verify recomputes.
        detail: JSON.parse(JSON.stringify(entry.detail ?? {})) as Record<string, unknown>,
        prevHash: hash,
      };
      seq = row.seq;
      hash = rowHash(row);
      return { ...row, hash };
    });
    // PostgreSQL takes at most 65,535 parameters in a statement: a provisioning file of ten thousand bells is more.
    for (let i = 0; i < rows.length; i += AUDIT_ROWS_PER_INSERT) await tx.insert(auditLog).values(rows.slice(i, i + AUDIT_ROWS_PER_INSERT));
    await tx.update(auditHead).set({ seq, hash }).where(eq(auditHead.id, 1));
  });
}

/** Reads of one or more records by one person: one entry each, appended together. */
export async function appendAuditReads(
  db: AuditDb,
  read: { actorId: string; recordType: string; recordIds: readonly string[]; detail: Record<string, unknown>; action?: AuditAction },
): Promise<void> {
  const { actorId, recordType, detail, action = 'read' } = read;
  await appendAuditEntries(db, read.recordIds.map((recordId) => ({ actorId, action, recordType, recordId, detail })));
}

export type AuditRow = ChainRow;

/** Every row of one record, oldest first: e.g. the chain of custody of one evidence item. */
export async function auditTrail(db: AuditDb, recordType: string, recordId: string): Promise<AuditRow[]> {
  return (db as Db)
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.recordType, recordType), eq(auditLog.recordId, recordId)))
    .orderBy(asc(auditLog.seq));
}

/** A page of the log in sequence order, for auditors. */
export async function auditPage(db: AuditDb, afterSeq: number, limit: number): Promise<AuditRow[]> {
  return (db as Db).select().from(auditLog).where(gt(auditLog.seq, afterSeq)).orderBy(asc(auditLog.seq)).limit(limit);
}

async function readHead(db: AuditDb): Promise<ChainHead | null> {
  const [head] = await (db as Db).select({ seq: auditHead.seq, hash: auditHead.hash }).from(auditHead).where(eq(auditHead.id, 1));
  return head ?? null;
}

/**
 * Verifies the log page by page against the head, holding one page at a time; at the first break it reads the
 * whole log once to name the break precisely (a reordering is only told apart with the rows around it). The head
 * is read first, so rows appended while verifying are past it and not judged.
 */
export async function verifyAuditLog(db: AuditDb, pageSize = 5_000): Promise<ChainVerdict> {
  const head = await readHead(db);
  if (!head) return { ok: false, rows: 0, break: { seq: 0, reason: 'deleted', message: new AuditHeadMissing().message } };
  let after: ChainHead = { seq: 0, hash: GENESIS_HASH };
  let rows = 0;
  for (;;) {
    const page = (await auditPage(db, after.seq, pageSize)).filter((r) => r.seq <= head.seq);
    if (!page.length) break;
    if (!verifyChain(page, undefined, after).ok) return verifyChain(await readAll(db, head, pageSize), head);
    rows += page.length;
    after = { seq: page.at(-1)!.seq, hash: page.at(-1)!.hash };
    if (page.length < pageSize || after.seq >= head.seq) break;
  }
  const end = verifyChain([], head, after);
  return end.ok ? { ok: true, rows, head: end.head } : verifyChain(await readAll(db, head, pageSize), head);
}

async function readAll(db: AuditDb, head: ChainHead, pageSize: number): Promise<ChainRow[]> {
  const rows: ChainRow[] = [];
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const page = await auditPage(db, after, pageSize);
    for (const r of page) if (r.seq <= head.seq) rows.push(r);
    if (page.length < pageSize) return rows;
    after = page.at(-1)!.seq;
  }
}
