/**
 * Group commit of bell events, the SQL half: a batch of waiting presses in ONE transaction of four round trips
 * whatever its size (begin; lock and read; write everything; commit), where one transaction per press took six to
 * nine. Under a slow database the alarm path's throughput is batch size / (round trips × latency), so the batch
 * grows with the backlog and the backlog drains. The decisions are bell-event-plan.ts's, made between the read
 * (under the row locks) and the write, inside the transaction: a press never joins an incident closed meanwhile.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { CLOSED_STATUSES } from '../contract/index.ts';
import type { Db } from './database.ts';
import { planBellEvents, readsFor, type BatchPlan, type LockedIncident, type StoredEventKey } from './bell-event-plan.ts';
import type { BellEventWrite, BellEventWriteResult } from './incident-store.ts';
import { rowsOf } from './rows-of.ts';
import { bellEvents, escalationSteps, incidents, notifications, timeline } from './schema.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Another process stored one of the batch's events between our read and our insert: the batch is decided again. */
class BatchRaced extends Error {
  constructor(expected: number, inserted: number) {
    super(`bell events raced: ${inserted} of ${expected} inserted`);
  }
}

const ATTEMPTS = 5;

/** Writes the batch in one transaction (all or nothing), deciding it again when another process raced it. */
export async function writeBatch(db: Db, writes: BellEventWrite[]): Promise<BellEventWriteResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction((tx) => writeInTransaction(tx, writes));
    } catch (err) {
      if (attempt < ATTEMPTS && isRace(err)) continue;
      throw driverError(err);
    }
  }
}

async function writeInTransaction(tx: Tx, writes: BellEventWrite[]): Promise<BellEventWriteResult[]> {
  const { locked, stored } = await lockAndRead(tx, writes);
  const plan = planBellEvents(writes, locked, stored);
  const written = await writePlan(tx, plan);
  if (written.events !== plan.events.length) throw new BatchRaced(plan.events.length, written.events);
  return plan.results.map(({ result, notificationIds, inserted }) => {
    const out = { ...result };
    if (notificationIds) out.firstAlertStored = notificationIds.filter((id) => written.notifications.has(id));
    const reference = inserted ? written.references.get(inserted) : undefined;
    if (reference) out.reference = reference;
    return out;
  });
}

/**
 * The closed statuses as literals, as the partial index of open incidents names them. With the ids and the events'
 * keys as arrays, whose lengths the planner sees, it reads the primary keys and that index. Written as subqueries
 * and records of JSON, the incidents' condition was no index's and every batch walked the whole table (15 ms at
 * 100,000 incidents, 64 ms before the table was analysed), and until bell_events was analysed the planner, guessing
 * a hundred keys, hashed the whole of it.
 */
const OPEN_ONLY = sql.raw(`(${CLOSED_STATUSES.map((s) => `'${s}'`).join(', ')})`);

/**
 * One round trip: locks (in id order, so two processes never deadlock on them) the incidents the batch names and
 * the open incidents of its bells, and reads which of its events are already stored.
 */
async function lockAndRead(tx: Tx, writes: BellEventWrite[]): Promise<{ locked: LockedIncident[]; stored: StoredEventKey[] }> {
  const result = await tx.execute(lockAndReadStatement(writes));
  const locked: LockedIncident[] = [];
  const stored: StoredEventKey[] = [];
  for (const r of rowsOf<{ kind: string; row: string }>(result)) {
    const row = JSON.parse(r.row) as Record<string, unknown>;
    if (r.kind === 'incident') locked.push({ ...(row as unknown as LockedIncident), closedAt: row.closedAt ? new Date(row.closedAt as string) : null });
    else stored.push({ ...(row as unknown as StoredEventKey), seq: Number(row.seq) });
  }
  return { locked, stored };
}

/** The statement of {@link lockAndRead} (exported for a test of its plan). */
export function lockAndReadStatement(writes: BellEventWrite[]): SQL {
  const reads = readsFor(writes);
  return sql`
    with locked as (
      select id, status, bell_id as "bellId", mode, revision, violence, severity, unconfirmed, closed_at as "closedAt"
      from incidents
      where id = any(${sql.param(reads.namedIds)}::text[])
         or (bell_id = any(${sql.param(reads.bellIds)}::text[]) and status not in ${OPEN_ONLY})
      order by id
      for update
    )
    select 'incident' as kind, row_to_json(locked)::text as row from locked
    union all
    select 'event', json_build_object('bellId', e.bell_id, 'epoch', e.epoch, 'seq', e.seq, 'incidentId', e.incident_id)::text
    from bell_events e
    join unnest(${sql.param(reads.events.map((k) => k.bellId))}::text[], ${sql.param(reads.events.map((k) => k.epoch))}::int[],
        ${sql.param(reads.events.map((k) => k.seq))}::bigint[]) as k(bell_id, epoch, seq)
      on e.bell_id = k.bell_id and e.epoch = k.epoch and e.seq = k.seq`;
}

/**
 * One round trip: every insert and update of the batch as one statement (data-modifying CTEs; the foreign keys
 * are checked at its end, so the timeline may name an incident inserted beside it). The rows travel as JSON, one
 * parameter per table: a batch of hundreds stays far below the protocol's 65,535 parameters.
 */
async function writePlan(tx: Tx, plan: BatchPlan): Promise<{ events: number; references: Map<string, string>; notifications: Set<string> }> {
  const result = await tx.execute(sql`
    with ev as (${insertRows(bellEvents, plan.events, sql`on conflict do nothing returning 1`)}),
    inc as (${insertRows(incidents, plan.newIncidents, sql`returning id, reference`)}),
    upd as (
      update incidents i set status = x.status, revision = x.revision, violence = x.violence, severity = x.severity,
        unconfirmed = x.unconfirmed, closed_at = x.closed_at
      from jsonb_to_recordset(${JSON.stringify(plan.updates.map(updateRow))}::jsonb)
        as x(id text, status text, revision integer, violence boolean, severity text, unconfirmed boolean, closed_at timestamptz)
      where i.id = x.id
      returning 1
    ),
    tl as (${insertRows(timeline, plan.timeline.map((e) => ({ incidentId: e.incidentId, at: e.at, kind: e.kind, actorId: e.actorId, data: e.data })), sql`returning 1`)}),
    st as (${insertRows(escalationSteps, plan.steps, sql`returning 1`)}),
    nt as (${insertRows(notifications, plan.notifications, sql`on conflict do nothing returning id`)})
    select (select count(*) from ev)::int as events,
      (select coalesce(json_agg(json_build_array(id, reference)), '[]') from inc)::text as refs,
      (select coalesce(json_agg(id), '[]') from nt)::text as notes,
      (select count(*) from upd)::int + (select count(*) from tl)::int + (select count(*) from st)::int as others`);
  const [row] = rowsOf<{ events: number; refs: string; notes: string }>(result);
  if (!row) throw new Error('the batch write returned no row');
  return {
    events: Number(row.events),
    references: new Map((JSON.parse(row.refs) as [string, string | null][]).filter((r): r is [string, string] => r[1] !== null)),
    notifications: new Set(JSON.parse(row.notes) as string[]),
  };
}

function updateRow(i: LockedIncident) {
  return { id: i.id, status: i.status, revision: i.revision, violence: i.violence, severity: i.severity, unconfirmed: i.unconfirmed, closed_at: i.closedAt };
}

/**
 * `insert into table (columns) select … from the rows as JSON, in their order`, the columns being those any row
 * sets (the others take their defaults). Rows use the schema's property names; the column types are the schema's.
 */
function insertRows(table: PgTable, rows: readonly object[], tail: SQL): SQL {
  const columns = Object.entries(getTableColumns(table)).filter(([key]) => rows.some((r) => (r as Record<string, unknown>)[key] !== undefined));
  // No rows: an insert of none, on a column that is not generated.
  if (columns.length === 0) columns.push(Object.entries(getTableColumns(table)).find(([, c]) => !c.getSQLType().includes('serial'))!);
  const json = JSON.stringify(rows.map((r) => Object.fromEntries(columns.map(([key, c]) => [c.name, (r as Record<string, unknown>)[key] ?? null]))));
  const names = columns.map(([, c]) => `"${c.name}"`).join(', ');
  const types = columns.map(([, c]) => `"${c.name}" ${c.getSQLType()}`).join(', ');
  return sql`insert into ${table} (${sql.raw(names)})
    select ${sql.raw(columns.map(([, c]) => `x."${c.name}"`).join(', '))}
    from jsonb_array_elements(${json}::jsonb) with ordinality as a(j, n), jsonb_to_record(a.j) as x(${sql.raw(types)})
    order by a.n
    ${tail}`;
}

/**
 * The driver's error (its SQLSTATE, constraint and message) rather than drizzle's wrapper, whose message is the
 * whole statement with its parameters: a batch's JSON, hundreds of kilobytes in every retry's log line.
 */
function driverError(err: unknown): unknown {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof Error && typeof (cause as { code?: unknown }).code === 'string' ? cause : err;
}

/** A batch raced by another process (an event or a bell's open incident stored meanwhile), or a deadlock: decide again. */
export function isRace(err: unknown): boolean {
  for (let e = err as { code?: string; constraint?: string; message?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e instanceof BatchRaced) return true;
    if (e.code === '40P01' || e.code === '40001') return true;
    if (e.code === '23505' && (e.constraint === 'incidents_one_open_per_bell' || String(e.message).includes('incidents_one_open_per_bell'))) return true;
  }
  return false;
}
