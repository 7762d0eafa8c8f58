/**
 * What a backup must carry, read from a database: rows per table, the audit chain's head and whether every
 * evidence item's bytes still hash to the SHA-256 recorded when it was uploaded. A restore is proved by
 * comparing this before and after.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../store/index.ts';
import { rowsOf } from '../store/rows-of.ts';

export interface DatabaseSummary {
  tables: Record<string, number>;
  auditHead: { seq: number; hash: string } | null;
  evidence: { items: number; mismatched: string[] };
}

export async function databaseSummary(db: Db): Promise<DatabaseSummary> {
  const names = await db.execute(sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`);
  const tables: Record<string, number> = {};
  for (const { name } of rowsOf<{ name: string }>(names)) {
    const [row] = rowsOf<{ n: string | number }>(await db.execute(sql`select count(*) as n from ${sql.identifier(name)}`));
    tables[name] = Number(row?.n ?? 0);
  }
  const [head] = rowsOf<{ seq: string | number; hash: string }>(await db.execute(sql`select seq, hash from audit_head where id = 1`));
  const evidence = rowsOf<{ id: string; ok: boolean }>(
    await db.execute(sql`select id, encode(sha256(content), 'hex') = sha256 as ok from case_evidence order by id`),
  );
  return {
    tables,
    auditHead: head ? { seq: Number(head.seq), hash: head.hash } : null,
    evidence: { items: evidence.length, mismatched: evidence.filter((e) => !e.ok).map((e) => e.id) },
  };
}

/** One line for the operator: the figures a restore is checked by. */
export function formatSummary(s: DatabaseSummary): string {
  const t = s.tables;
  return (
    `${t.incidents ?? 0} incidents, ${t.bell_events ?? 0} bell events, ${t.notifications ?? 0} notifications, ` +
    `${t.cases ?? 0} case files, ${s.evidence.items} evidence items (${s.evidence.mismatched.length} not matching their SHA-256), ` +
    `audit head seq ${s.auditHead?.seq ?? 'none'}`
  );
}
