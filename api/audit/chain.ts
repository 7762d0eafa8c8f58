/**
 * The audit log's hash chain, as pure functions over rows (no I/O): each row's `hash` is SHA-256 over the
 * canonical serialisation of its content and `prevHash`, the hash of the row before it. Verification walks the
 * rows in sequence order and names the first broken link: an edited row (its hash no longer matches its
 * content), a deleted row (a gap in the sequence, or rows missing after the last one the head records), or
 * reordered rows (a row whose content belongs at another place in the chain).
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainRow {
  seq: number;
  at: Date;
  actorId: string;
  action: string;
  recordType: string;
  recordId: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export type ChainContent = Omit<ChainRow, 'hash'>;

/** JSON with object keys sorted at every depth: the same value always gives the same text (jsonb reorders keys). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function rowHash(row: ChainContent): string {
  const text = canonicalJson([
    'guardbell-audit-v1', row.seq, row.at.toISOString(), row.actorId, row.action, row.recordType, row.recordId, row.detail ?? {}, row.prevHash,
  ]);
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

export interface ChainHead {
  seq: number;
  hash: string;
}

export type BreakReason = 'edited' | 'deleted' | 'reordered';

export interface ChainBreak {
  /** The sequence number where the chain breaks (for a deletion: the first missing one). */
  seq: number;
  reason: BreakReason;
  message: string;
}

export type ChainVerdict = { ok: true; rows: number; head: ChainHead } | { ok: false; rows: number; break: ChainBreak };

/**
 * Verifies rows (sorted by seq, as read) against the chain rules and, when given, the head row that each append
 * updates (so deleting the newest rows is detected too). `after` continues a chain verified up to it (pages). Pure.
 */
export function verifyChain(rows: readonly ChainRow[], head?: ChainHead, after?: ChainHead): ChainVerdict {
  const bad = (b: ChainBreak): ChainVerdict => ({ ok: false, rows: rows.length, break: b });
  const seqOfHash = new Map(rows.map((r) => [r.hash, r.seq]));
  let prev: ChainHead | null = after && after.seq > 0 ? after : null;
  for (const row of rows) {
    const expectedSeq = prev ? prev.seq + 1 : 1;
    const expectedPrev = prev ? prev.hash : GENESIS_HASH;
    if (row.seq < expectedSeq) {
      return bad({ seq: row.seq, reason: 'reordered', message: `seq ${row.seq} comes after seq ${prev?.seq ?? 0}: the rows are out of order` });
    }
    if (rowHash(row) !== row.hash) {
      const movedFrom = originalSeq(row, rows);
      if (movedFrom !== null && movedFrom !== row.seq) {
        return bad({ seq: row.seq, reason: 'reordered', message: `the row at seq ${row.seq} was written as seq ${movedFrom}: rows were reordered` });
      }
      return bad({ seq: row.seq, reason: 'edited', message: `the row at seq ${row.seq} does not match its hash: it was edited` });
    }
    if (row.seq > expectedSeq) {
      const last = row.seq - 1;
      const which = last === expectedSeq ? `seq ${expectedSeq} is` : `seq ${expectedSeq}–${last} are`;
      return bad({ seq: expectedSeq, reason: 'deleted', message: `${which} missing: deleted` });
    }
    if (row.prevHash !== expectedPrev) {
      const linked = seqOfHash.get(row.prevHash);
      if (linked !== undefined) {
        return bad({ seq: row.seq, reason: 'reordered', message: `seq ${row.seq} links to seq ${linked}, not to seq ${expectedSeq - 1}: rows were reordered` });
      }
      return bad({
        seq: expectedSeq - 1,
        reason: 'edited',
        message: `seq ${row.seq} links to a hash that seq ${expectedSeq - 1} no longer has: seq ${expectedSeq - 1} was edited and re-hashed (or replaced)`,
      });
    }
    prev = row;
  }
  const last = prev ? { seq: prev.seq, hash: prev.hash } : { seq: 0, hash: GENESIS_HASH };
  if (head) {
    if (head.seq > last.seq) {
      const which = head.seq === last.seq + 1 ? `seq ${head.seq} is` : `seq ${last.seq + 1}–${head.seq} are`;
      return bad({ seq: last.seq + 1, reason: 'deleted', message: `the head records seq ${head.seq} but ${which} missing: deleted` });
    }
    if (head.seq < last.seq) {
      return bad({ seq: head.seq + 1, reason: 'edited', message: `rows after seq ${head.seq} were added outside the audit log (the head records seq ${head.seq})` });
    }
    if (head.hash !== last.hash) {
      return bad({ seq: last.seq, reason: 'edited', message: `the row at seq ${last.seq} is not the one the head records: it was edited and re-hashed` });
    }
  }
  return { ok: true, rows: rows.length, head: last };
}

/** A row moved to another seq: its hash matches its content under another row's seq. */
function originalSeq(row: ChainRow, rows: readonly ChainRow[]): number | null {
  for (const other of rows) {
    if (other.seq !== row.seq && rowHash({ ...row, seq: other.seq }) === row.hash) return other.seq;
  }
  return null;
}
