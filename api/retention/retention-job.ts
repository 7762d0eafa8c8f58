/**
 * The retention job: expired records are deleted or anonymised in one transaction that writes what it did to
 * the audit chain, so the chain records its own pruning and stays verifiable (the audit log is never pruned).
 * The append-only tables allow it only inside this transaction (migration 0001).
 */
import { sql, type SQL } from 'drizzle-orm';
import { ulid } from '../ids.ts';
import { appendAudit } from '../audit/audit-log.ts';
import type { Db } from '../store/index.ts';
import { rowsOf } from '../store/rows-of.ts';
import { cutoff, type RetentionKind, type RetentionPolicy } from './policy.ts';

export type RetentionReport = Record<RetentionKind, { action: 'deleted' | 'anonymised'; before: string; rows: number }>;

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Incidents of a case file that is still open: on legal hold, kept whatever their age. */
const HELD = sql`(select ci.incident_id from case_incidents ci join cases c on c.id = ci.case_id where c.status <> 'closed')`;

export const RETENTION_ACTOR = 'system:retention';

export async function runRetention(db: Db, policy: RetentionPolicy, now: Date = new Date()): Promise<RetentionReport> {
  const before = (kind: RetentionKind) => cutoff(policy, kind, now);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('guardbell.retention', 'on', true)`);
    const count = async (statement: SQL) => rowsOf(await tx.execute(statement)).length;
    const report = {} as RetentionReport;
    const note = (kind: RetentionKind, action: 'deleted' | 'anonymised', rows: number) =>
      (report[kind] = { action, before: before(kind).toISOString(), rows });

    note('bellEvents', 'deleted', await count(sql`
      delete from bell_events where received_at < ${before('bellEvents')}
        and (incident_id is null or incident_id not in ${HELD}) returning 1`));

    note('notifications', 'anonymised', await count(sql`
      update notifications set "to" = '', last_error = null, provider_id = null
      where created_at < ${before('notifications')} and "to" <> '' and incident_id not in ${HELD} returning 1`));

    note('incidents', 'anonymised', await anonymiseIncidents(tx, before('incidents')));
    note('aftercare', 'deleted', await deleteAftercare(tx, before('aftercare'), count));
    note('caseFiles', 'deleted', await deleteClosedCases(tx, before('caseFiles'), count));

    const rows = Object.values(report).reduce((n, r) => n + r.rows, 0);
    if (rows > 0) {
      await appendAudit(tx, { actorId: RETENTION_ACTOR, action: 'delete', recordType: 'retention', recordId: `ret_${ulid()}`, detail: { report } });
    }
    return report;
  });
}

/**
 * An ended incident keeps its kind, times, site and counter (the statistics), and loses who did and said what:
 * timeline actors and details, the outcome text and the people who raised and acknowledged it.
 */
async function anonymiseIncidents(tx: Tx, before: Date): Promise<number> {
  const expired = rowsOf<{ id: string }>(await tx.execute(sql`
    select i.id from incidents i
    where i.status in ('closed', 'cancelled') and coalesce(i.closed_at, i.opened_at) < ${before}
      and i.id not in ${HELD}
      and (i.outcome is not null or i.raised_by is not null or i.acknowledged_by is not null
        or exists (select 1 from timeline t where t.incident_id = i.id and (t.actor_id is not null or t.data <> '{}'::jsonb)))`));
  if (expired.length === 0) return 0;
  const ids = sql.join(expired.map((e) => sql`${e.id}`), sql`, `);
  await tx.execute(sql`update timeline set actor_id = null, data = '{}'::jsonb where incident_id in (${ids}) and (actor_id is not null or data <> '{}'::jsonb)`);
  await tx.execute(sql`update incidents set outcome = null, raised_by = null, acknowledged_by = null where id in (${ids})`);
  return expired.length;
}

/** Aftercare records (with their notes and claims) untouched since `before`. */
async function deleteAftercare(tx: Tx, before: Date, count: (s: SQL) => Promise<number>): Promise<number> {
  const expired = sql`(select id from aftercare_records where updated_at < ${before} and incident_id not in ${HELD})`;
  await tx.execute(sql`delete from aftercare_entries where record_id in ${expired}`);
  await tx.execute(sql`delete from aftercare_claims where record_id in ${expired}`);
  return count(sql`delete from aftercare_records where id in ${expired} returning 1`);
}

/** Closed case files, with their statements, actions and evidence, last changed before `before`. */
async function deleteClosedCases(tx: Tx, before: Date, count: (s: SQL) => Promise<number>): Promise<number> {
  const expired = sql`(select id from cases where status = 'closed' and updated_at < ${before})`;
  for (const table of ['case_statements', 'case_actions', 'case_evidence', 'case_incidents']) {
    await tx.execute(sql`delete from ${sql.identifier(table)} where case_id in ${expired}`);
  }
  return count(sql`delete from cases where id in ${expired} returning 1`);
}
