/**
 * One claim of due escalation steps, given a transaction: the due steps no other process holds (FOR UPDATE SKIP
 * LOCKED), their incidents, timelines and step rows read in one statement each, decided by the pure
 * `escalationDecision`, and what was decided written in a few statements. Read and written incident by incident, a
 * claim of 50 steps was about 300 statements.
 *
 * The engine runs it in its own transaction on PostgreSQL. On PGlite it runs inside the engine's thread, as one
 * message (pglite-procedures.ts): driven from the main thread, the transaction held PGlite's one session across a
 * round trip per statement, each waiting for the busy main event loop, and the alarm writes waited behind it. There
 * the roster and places come from a copy the thread keeps (`ClaimContextCopy`).
 */
import { and, asc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import { escalationDecision, escalationView, policyOf, sparedFromStep, stepDueAt, type EscalationStep, type EscalationView } from '../domain/index.ts';
import type { Db } from '../store/database.ts';
import { recordFromRow, type IncidentRecord } from '../store/incident-records.ts';
import * as schema from '../store/schema.ts';
import { DirectoryStore, type CounterRow, type SiteRow } from '../store/directory-store.ts';
import type { Places } from '../core/places.ts';
import { notificationRow, planStep, reachesOnlyGuards, rosterAt, stepEntryData, type RosterRows, type RosterSnapshot } from './recipients.ts';
import { readRoster } from './roster-cache.ts';

const { escalationSteps, incidents, notifications, timeline } = schema;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** The reason kept on a step fired while its incident was unconfirmed: it reached only the guards. */
export const GUARDS_ONLY_UNCONFIRMED = 'guards_only_unconfirmed';

/** Steps claimed at most per claim. */
const CLAIM_LIMIT = 50;
/**
 * In the PGlite thread: the engine runs one statement at a time, and an alarm write that arrives during a claim waits
 * for all of it. With the main thread busy, such a write waited 41–60 ms at the median behind claims of 50 steps and
 * 20–22 ms behind claims of 10; a burst of steps goes out over more claims, each without round trips.
 */
export const EMBEDDED_CLAIM_LIMIT = 10;

/** Who is on duty and where, for the steps a claim fires. */
export interface ClaimContext {
  roster: RosterSnapshot;
  places: Pick<Places, 'site' | 'counter'>;
}

/** What a claim did, as plain data (it crosses the PGlite thread): the engine tells, remembers and measures it. */
export interface ClaimResult {
  /** Steps fired, skipped or moved. */
  handled: number;
  /** `[incidentId, siteId]` of incidents with a step fired: the outbox has notifications once this commits. */
  fired: [string, string][];
  /** New due times (epoch ms) of claimed steps that moved. */
  due: number[];
  /** Seconds each fired step was late against its due time. */
  lateness: number[];
}

/**
 * Claims up to `limit` due steps and runs them in `tx`. `context` is asked once, after a claim that took steps.
 */
export async function claimDueSteps(tx: Tx, now: Date, context: () => ClaimContext | Promise<ClaimContext>, limit = CLAIM_LIMIT): Promise<ClaimResult> {
  const result: ClaimResult = { handled: 0, fired: [], due: [], lateness: [] };
  const due = await tx
    .select()
    .from(escalationSteps)
    .where(and(eq(escalationSteps.status, 'pending'), isNotNull(escalationSteps.dueAt), lte(escalationSteps.dueAt, now)))
    .orderBy(asc(escalationSteps.dueAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (due.length === 0) return result;
  const byIncident = groupBy(due, (d) => d.incidentId);
  const ids = [...byIncident.keys()];
  const rows = new Map((await tx.select().from(incidents).where(inArray(incidents.id, ids))).map((r) => [r.id, r]));
  const entriesOf = groupBy(
    await tx.select({ incidentId: timeline.incidentId, kind: timeline.kind, at: timeline.at, actorId: timeline.actorId }).from(timeline)
      .where(inArray(timeline.incidentId, ids)).orderBy(asc(timeline.id)),
    (e) => e.incidentId,
  );
  const stepsOf = groupBy(await tx.select().from(escalationSteps).where(inArray(escalationSteps.incidentId, ids)), (s) => s.incidentId);
  const where = await context();
  const writes = new StepWrites();
  for (const [incidentId, claimed] of byIncident) {
    const row = rows.get(incidentId);
    if (row) runIncident(writes, result, recordFromRow(row), entriesOf.get(incidentId) ?? [], stepsOf.get(incidentId) ?? [], claimed, where, now);
  }
  await writes.apply(tx);
  return result;
}

/**
 * The roster and places as the PGlite thread holds them for its claims, which run where the main thread's caches
 * (RosterCache, Places) are not. Read again in a claim's transaction when those caches were read again since (their
 * versions, passed with each claim), so it is as fresh as they are; `undefined` reads it at every claim. Read at every
 * claim, its five statements took a claim of 10 steps from about 21 ms to about 31 ms.
 */
export class ClaimContextCopy {
  private version: string | undefined;
  private copy: { roster: RosterRows; sites: Map<string, SiteRow>; counters: Map<string, CounterRow> } | undefined;

  async at(tx: Tx, version: string | undefined, now: Date): Promise<ClaimContext> {
    if (!this.copy || version === undefined || version !== this.version) {
      const directory = new DirectoryStore(tx);
      const [roster, siteRows, counterRows] = [await readRoster(tx, now), await directory.sites(), await directory.counters()];
      this.copy = {
        // Only the active are ever reached.
        roster: { ...roster, people: roster.people.filter((p) => p.active) },
        sites: new Map(siteRows.map((r) => [r.id, r])),
        counters: new Map(counterRows.map((c) => [`${c.siteId}/${c.id}`, c])),
      };
      this.version = version;
    }
    const { roster, sites, counters } = this.copy;
    return {
      roster: rosterAt(roster, now),
      places: { site: (id) => sites.get(id), counter: (siteId, counterId) => counters.get(`${siteId}/${counterId}`) },
    };
  }
}

/** Decides an incident's claimed steps and notes what to write and what to tell. */
function runIncident(
  writes: StepWrites, result: ClaimResult, record: IncidentRecord, entries: { kind: string; at: Date; actorId: string | null }[],
  all: { stepId: string; status: string }[], claimed: { stepId: string; dueAt: Date | null }[], where: ClaimContext, now: Date,
): void {
  const incidentId = record.id;
  const view = escalationView(record, entries);
  const policy = policyOf(record);
  const done = new Set(all.filter((s) => s.status !== 'pending').map((s) => s.stepId));
  const decision = escalationDecision(view, policy, done, now);
  const claimedIds = new Set(claimed.map((c) => c.stepId));
  for (const { step, reason } of decision.skip.filter((s) => claimedIds.has(s.step.id))) {
    writes.settle(incidentId, step.id, { status: 'skipped', reason });
    result.handled++;
  }
  for (const step of decision.fire.filter((s) => claimedIds.has(s.id))) {
    const dueAt = claimed.find((c) => c.stepId === step.id)?.dueAt ?? now;
    const partial = fire(writes, record, step, view, where, now);
    writes.settle(incidentId, step.id, { status: 'fired', firedAt: now, ...(partial ? { reason: GUARDS_ONLY_UNCONFIRMED } : {}) });
    result.lateness.push(Math.max(0, now.getTime() - dueAt.getTime()) / 1000);
    result.handled++;
  }
  // Claimed but neither fired nor skipped: its due time moved (recomputed from the timeline).
  for (const c of claimed) {
    if (decision.fire.some((s) => s.id === c.stepId) || decision.skip.some((s) => s.step.id === c.stepId)) continue;
    const step = policy.steps.find((s) => s.id === c.stepId);
    const next = step ? stepDueAt(step, view) : null;
    writes.settle(incidentId, c.stepId, step ? { dueAt: next } : { status: 'skipped', reason: 'step not in the frozen policy' });
    if (next) result.due.push(next.getTime());
    result.handled++;
  }
  if (decision.fire.length > 0) result.fired.push([incidentId, record.siteId]);
}

/** Notes a fired step's notifications and timeline entry; true when it reached only the guards of an unconfirmed incident (the rest follow on confirmation). */
function fire(writes: StepWrites, record: IncidentRecord, step: EscalationStep, view: EscalationView, where: ClaimContext, now: Date): boolean {
  const site = where.places.site(record.siteId);
  if (!site) return false;
  const partial = reachesOnlyGuards(step, record);
  const spared = sparedFromStep(step, view);
  const planned = planStep(step, record, site, where.places.counter(record.siteId, record.counterId), where.roster, spared);
  writes.notifications.push(...planned.map((p) => notificationRow(p, record, now, 'queued')));
  const extra = spared.size > 0 ? { spared: [...spared] } : {};
  writes.entries.push({ incidentId: record.id, at: now, kind: 'escalation_step', actorId: null, data: stepEntryData(step, planned, record, extra) });
  return partial;
}

export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

type StepValues = Partial<Pick<typeof escalationSteps.$inferInsert, 'status' | 'reason' | 'firedAt' | 'dueAt'>>;

/** Rows per insert statement (their parameters stay far under PostgreSQL's 65,535). */
const ROWS_PER_INSERT = 1_000;

/** What a claim or a re-arm decided, written together: the steps with the same new values in one update, the inserts in one each. */
export class StepWrites {
  readonly notifications: (typeof notifications.$inferInsert)[] = [];
  readonly entries: (typeof timeline.$inferInsert)[] = [];
  private readonly settled = new Map<string, { values: StepValues; keys: { incidentId: string; stepId: string }[] }>();

  settle(incidentId: string, stepId: string, values: StepValues): void {
    const key = JSON.stringify(values, Object.keys(values).sort());
    const group = this.settled.get(key) ?? { values, keys: [] };
    group.keys.push({ incidentId, stepId });
    this.settled.set(key, group);
  }

  /** `onlyPending`: steps not claimed by this transaction, which another process may fire meanwhile, are written only while pending. */
  async apply(tx: Tx, opts: { onlyPending?: boolean } = {}): Promise<void> {
    for (let i = 0; i < this.notifications.length; i += ROWS_PER_INSERT) {
      await tx.insert(notifications).values(this.notifications.slice(i, i + ROWS_PER_INSERT)).onConflictDoNothing();
    }
    // The entries in the order decided: an incident's steps fired together keep their order in its timeline.
    for (let i = 0; i < this.entries.length; i += ROWS_PER_INSERT) await tx.insert(timeline).values(this.entries.slice(i, i + ROWS_PER_INSERT));
    for (const { values, keys } of this.settled.values()) {
      const incidentIds = keys.map((k) => k.incidentId);
      const stepIds = keys.map((k) => k.stepId);
      const named = sql`(${escalationSteps.incidentId}, ${escalationSteps.stepId}) in (select * from unnest(${sql.param(incidentIds)}::text[], ${sql.param(stepIds)}::text[]))`;
      await tx.update(escalationSteps).set(values).where(opts.onlyPending ? and(named, eq(escalationSteps.status, 'pending')) : named);
    }
  }
}
