/**
 * The escalation engine: step rows with due times in the database (a restart resumes them), claimed with
 * FOR UPDATE SKIP LOCKED so that with several processes each step fires exactly once (step-claim.ts). What to do
 * is decided by the pure `escalationDecision`; this file arms steps and schedules the claims.
 */
import { and, asc, eq, inArray, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { ulid } from '../ids.ts';
import type { Histogram } from 'prom-client';
import { policyOf, escalationView, stepDueAt, stepStopped } from '../domain/index.ts';
import type { Database, Db, IncidentRecord } from '../store/index.ts';
import { recordFromRow, schema } from '../store/index.ts';
import { rowsOf } from '../store/rows-of.ts';
import type { Places } from '../core/places.ts';
import type { RosterSnapshot } from './recipients.ts';
import { claimDueSteps, groupBy, GUARDS_ONLY_UNCONFIRMED, StepWrites, type Tx } from './step-claim.ts';
import { CANCEL_NOTICE_STEP } from './outbox.ts';
import type { BusPort } from '../bus/index.ts';
import { CLOSED_STATUSES } from '../contract/index.ts';
import { nextLookMs } from './next-look.ts';

const { escalationSteps, incidents, notifications, timeline } = schema;

export interface EscalationEngineDeps {
  db: Db;
  places: Places;
  logger: Logger;
  lateness: Histogram;
  now?: () => Date;
  tickMs?: number;
  /** Claim loops run side by side (PostgreSQL: SKIP LOCKED splits the work; PGlite: 1, it runs one transaction at a time). */
  parallel?: number;
  /** PGlite: claims run inside the engine's thread (step-claim.ts), reading the roster and places there. */
  inEngine?: Database['inEngine'];
  /** Who is on duty, from memory (RosterCache): one read every few seconds, not one per claim. */
  roster: (now: Date) => RosterSnapshot;
  /**
   * Woken by `incident.*` events (escalation inputs changed here), `escalation.armed` (due times) and
   * `escalation.changed`; tells `escalation.fired` after the commit of a fired step (the outbox sends).
   */
  bus: BusPort;
}

export { policyOf } from '../domain/index.ts';


/** Open incidents re-armed in one transaction at start. */
const REARM_BATCH = 200;

/** The least time between two looks for due steps (a burst of due times is one claim, not one each). */
const MIN_LOOK_GAP_MS = 25;

export class EscalationEngine {
  private timer: NodeJS.Timeout | undefined;
  /** Due times this process armed, so an idle tick need not ask the database. */
  private knownDue: number[] = [];
  private lastPoll = 0;
  private touched = false;
  private running = false;
  private again = false;
  private stopped = false;
  private readonly now: () => Date;
  /** Incidents whose steps fired in the transaction under way: told once it commits. */
  private fired = new Map<string, string>();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: EscalationEngineDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Starts the clock and re-arms every open incident's steps (a restart resumes on time). The clock does not wait for
   * the re-arm: the step rows stored with each incident fire when due meanwhile, and a claim decides from the
   * incident's timeline, so a stored due time that moved is corrected there. Before, a process restarted with about
   * a thousand incidents open fired nothing until each was re-armed, one transaction each (11.7 s in one chaos run;
   * in another, beside a busy process, the whole start took 94 s).
   */
  async start(): Promise<void> {
    this.rearming = this.rearmOpen(1_000).then(() => this.schedule(0));
    const { bus } = this.deps;
    // The process that changed an incident re-arms it (the others see the new due times on their next poll).
    for (const type of ['incident.opened', 'incident.changed', 'incident.closed'] as const) {
      this.unsubscribe.push(bus.on(type, (e, meta) => {
        if (meta.local && e.escalation) this.touch(e.incident.id, CLOSED_STATUSES.includes(e.incident.status));
      }));
    }
    this.unsubscribe.push(
      bus.on('escalation.changed', (e, meta) => {
        if (meta.local) this.touch(e.incidentId);
      }),
      bus.on('escalation.armed', (e) => this.expectDue(e.due.map((d) => new Date(d)))),
    );
    this.schedule(0);
  }

  /** Resolves once the re-arm of the incidents open at start is done (tests). */
  rearmed(): Promise<void> {
    return this.rearming;
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.rearmTimer);
  }

  private rearmTimer: NodeJS.Timeout | undefined;
  private rearming: Promise<void> = Promise.resolve();

  /**
   * Re-arms open incidents; on the first failure (a busy or absent database) the rest are retried later with
   * backoff instead of failing the start: a restart after a crash, with many incidents open and the database
   * loaded, must come up. Their step rows were stored with each incident and fire when due meanwhile; only due
   * times moved by timeline entries wait for the re-arm.
   */
  private async rearmOpen(retryMs: number): Promise<void> {
    let ids: string[];
    try {
      ids = (await this.deps.db.select({ id: incidents.id }).from(incidents).where(notInArray(incidents.status, [...CLOSED_STATUSES]))).map((o) => o.id);
    } catch (err) {
      if (this.stopped) return;
      this.deps.logger.warn({ err, retryInMs: retryMs }, 'open incidents not read for re-arming yet; retrying');
      this.rearmLater(retryMs, (next) => this.rearmOpen(next));
      return;
    }
    await this.armAll(ids, retryMs);
  }

  private async armAll(ids: string[], retryMs: number): Promise<void> {
    for (let i = 0; i < ids.length; i += REARM_BATCH) {
      try {
        await this.armMany(ids.slice(i, i + REARM_BATCH));
      } catch (err) {
        if (this.stopped) return;
        const rest = ids.slice(i);
        this.deps.logger.warn({ err, incidents: rest.length, retryInMs: retryMs }, 'open incidents not re-armed yet; retrying');
        this.rearmLater(retryMs, (next) => this.armAll(rest, next));
        return;
      }
    }
  }

  /** Tries the re-arm again after `retryMs`, backing off to 30 s, and looks for due steps once it is done. */
  private rearmLater(retryMs: number, again: (nextRetryMs: number) => Promise<void>): void {
    this.rearmTimer = setTimeout(() => void again(Math.min(retryMs * 2, 30_000)).then(() => this.schedule(0)), retryMs);
    this.rearmTimer.unref();
  }

  /**
   * An incident changed: create its step rows if missing, recompute due times, and look now. An incident that `ended`
   * (closed or cancelled, as its event says) has nothing left to fire: its steps are settled in one statement.
   */
  touch(incidentId: string, ended = false): void {
    const rearm = async () => {
      if (ended && (await this.settleEnded(incidentId))) return;
      await this.arm(incidentId);
      this.touched = true;
      this.schedule(0);
    };
    rearm().catch((err: unknown) => this.deps.logger.warn({ err, incidentId }, 'escalation not armed yet; the next tick retries'));
  }

  /** Runs until no step is due; exposed for tests with a fake clock. */
  async runDue(): Promise<number> {
    let fired = 0;
    for (;;) {
      // A plain read first: most polls find nothing due, and need not open a transaction (on PGlite a
      // transaction holds the one session for every round trip).
      if (!(await this.anyDue())) return fired;
      let n: number;
      try {
        n = await this.claimAndRun();
      } finally {
        this.tellFired();
      }
      fired += n;
      if (n === 0) return fired;
    }
  }

  private async anyDue(): Promise<boolean> {
    const [due] = await this.deps.db
      .select({ incidentId: escalationSteps.incidentId })
      .from(escalationSteps)
      .where(and(eq(escalationSteps.status, 'pending'), isNotNull(escalationSteps.dueAt), lte(escalationSteps.dueAt, this.now())))
      .limit(1);
    return due !== undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      if (this.shouldPoll()) await Promise.all(Array.from({ length: this.deps.parallel ?? 1 }, () => this.runDue()));
    } catch (err) {
      this.deps.logger.error({ err }, 'escalation tick failed; retrying');
    } finally {
      this.running = false;
    }
    // A cheap poll: other processes may have armed steps, and due times pass. A step this process knows of is looked
    // for when it falls due, not at the tick after (which was most of a step's lateness: p99 about one tick).
    this.schedule(this.again ? 0 : nextLookMs(this.knownDue, this.now().getTime(), this.deps.tickMs ?? 250, MIN_LOOK_GAP_MS));
    this.again = false;
  }

  /**
   * Asks the database only when a step this process armed is due, after a change, or once a second for
   * steps armed by other processes (one that died leaves its steps to us: at most a second late).
   */
  private shouldPoll(): boolean {
    const now = this.now().getTime();
    const due = this.knownDue.some((d) => d <= now);
    if (!due && !this.touched && now - this.lastPoll < 1_000) return false;
    this.touched = false;
    this.lastPoll = now;
    if (due) this.knownDue = this.knownDue.filter((d) => d > now);
    return true;
  }

  /** Due times of steps stored elsewhere (a new incident's steps, stored with it): the clock looks then. */
  expectDue(due: Date[]): void {
    for (const d of due) this.remember(d);
  }

  private remember(due: Date | null): void {
    if (due && this.knownDue.length < 100_000) this.knownDue.push(due.getTime());
  }

  /**
   * Skips every pending step of an incident the database holds as ended, in one statement and without a transaction
   * (a cancel at the counter arms in full: its notices are written then). False when the full arm is needed: the
   * incident is not ended there (reopened since its event), its notices are due, or a step row is missing.
   */
  private async settleEnded(incidentId: string): Promise<boolean> {
    const ended = sql.join(CLOSED_STATUSES.map((s) => sql`${s}`), sql`, `);
    // The update runs though the select does not read it: PostgreSQL runs a data-modifying WITH once, to completion.
    const [row] = rowsOf<{ policy: unknown; steps: number; atCounter: boolean }>(await this.deps.db.execute(sql`
      with i as (select id, status, escalation_policy from incidents where id = ${incidentId} and status in (${ended})),
      skipped as (
        update escalation_steps s set status = 'skipped', reason = 'incident ' || i.status
        from i where s.incident_id = i.id and s.status = 'pending'
        returning s.step_id
      )
      select i.escalation_policy as policy,
        (select count(*) from escalation_steps s where s.incident_id = i.id)::int as steps,
        (i.status = 'cancelled' and exists (select 1 from timeline t where t.incident_id = i.id and t.kind = 'cancelled_at_counter')) as "atCounter"
      from i`));
    return row !== undefined && !row.atCounter && row.steps >= policyOf({ escalationPolicy: row.policy }).steps.length;
  }

  /** Creates missing step rows and updates the due time of pending ones from the incident's timeline. */
  async arm(incidentId: string): Promise<void> {
    try {
      await this.armInTransaction(incidentId);
    } finally {
      this.tellFired();
    }
  }

  /** After the commit: the outbox has notifications (a failed transaction told nothing new, but a kick is harmless). */
  private tellFired(): void {
    const fired = this.fired;
    if (fired.size === 0) return;
    this.fired = new Map();
    for (const [incidentId, siteId] of fired) this.deps.bus.emit('escalation.fired', { incidentId, siteId });
  }

  /**
   * Re-arms many incidents in one transaction: their incidents, timelines and steps read in one statement each, and
   * only the steps whose due time moved or that can no longer fire written. One at a time, a thousand open incidents
   * were a thousand transactions of three to five statements. An incident that needs more (a missing step row, steps
   * to run again on confirmation, a cancel's notices) is armed alone.
   */
  private async armMany(ids: string[]): Promise<void> {
    const alone: string[] = [];
    await this.deps.db.transaction(async (tx) => {
      const rows = await tx.select().from(incidents).where(inArray(incidents.id, ids));
      const entriesOf = groupBy(
        await tx.select({ incidentId: timeline.incidentId, kind: timeline.kind, at: timeline.at }).from(timeline).where(inArray(timeline.incidentId, ids)).orderBy(asc(timeline.id)),
        (e) => e.incidentId,
      );
      const stepsOf = groupBy(await tx.select().from(escalationSteps).where(inArray(escalationSteps.incidentId, ids)), (r) => r.incidentId);
      const writes = new StepWrites();
      for (const row of rows) {
        const record = recordFromRow(row);
        const entries = entriesOf.get(record.id) ?? [];
        const steps = stepsOf.get(record.id) ?? [];
        const plan = this.planArm(record, entries, steps);
        if (plan.missing.length > 0 || plan.again || plan.cancelNotice) {
          alone.push(record.id);
          continue;
        }
        for (const { stepId, dueAt } of plan.moved) writes.settle(record.id, stepId, { dueAt });
        for (const [reason, stepIds] of plan.stopped) for (const stepId of stepIds) writes.settle(record.id, stepId, { status: 'skipped', reason });
      }
      // Not claimed: a step another process fires meanwhile keeps what it fired.
      await writes.apply(tx, { onlyPending: true });
    });
    for (const id of alone) await this.arm(id);
  }

  /** What arming an incident needs, from its record, timeline and step rows; remembers the due times it sees. */
  private planArm(record: IncidentRecord, entries: { kind: string; at: Date }[], steps: { stepId: string; status: string; reason: string | null; dueAt: Date | null }[]) {
    const view = escalationView(record, entries);
    const policy = policyOf(record);
    const missing = policy.steps.filter((s) => !steps.some((r) => r.stepId === s.id));
    // Confirmed: steps that reached only the guards while unconfirmed run again for everyone else
    // (notifications already sent are not repeated: one per step, recipient and channel).
    const again = !record.unconfirmed && steps.some((r) => r.status === 'fired' && r.reason === GUARDS_ONLY_UNCONFIRMED);
    const cancelNotice = record.status === 'cancelled' && entries.some((e) => e.kind === 'cancelled_at_counter');
    for (const s of policy.steps) this.remember(stepDueAt(s, view));
    // A step that can never fire (acknowledged, on scene, closed) is settled here, not by a later claim: those
    // stopped for one reason in one statement (an ended incident stops them all).
    const stopped = new Map<string, string[]>();
    const moved: { stepId: string; dueAt: Date | null }[] = [];
    for (const p of steps.filter((r) => r.status === 'pending')) {
      const step = policy.steps.find((s) => s.id === p.stepId);
      const why = step ? stepStopped(step, view) : 'step not in the frozen policy';
      if (why) {
        stopped.set(why, [...(stopped.get(why) ?? []), p.stepId]);
        continue;
      }
      const next = stepDueAt(step!, view);
      this.remember(next);
      if ((next?.getTime() ?? null) !== (p.dueAt?.getTime() ?? null)) moved.push({ stepId: p.stepId, dueAt: next });
    }
    return { view, missing, again, cancelNotice, stopped, moved };
  }

  private async armInTransaction(incidentId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      const [row] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
      if (!row) return;
      const record = recordFromRow(row);
      const entries = await tx.select({ kind: timeline.kind, at: timeline.at }).from(timeline).where(eq(timeline.incidentId, incidentId)).orderBy(asc(timeline.id));
      const stepsOf = () => tx.select().from(escalationSteps).where(eq(escalationSteps.incidentId, incidentId));
      // Steps are usually stored with the incident: read first, written only where something is missing or changes.
      let plan = this.planArm(record, entries, await stepsOf());
      if (plan.cancelNotice) await this.noticeCancel(tx, record);
      if (plan.missing.length > 0) {
        const { view } = plan;
        await tx.insert(escalationSteps).values(plan.missing.map((s) => ({ incidentId, stepId: s.id, dueAt: stepDueAt(s, view) }))).onConflictDoNothing();
      }
      if (plan.again) {
        await tx.update(escalationSteps).set({ status: 'pending', reason: null, dueAt: this.now() })
          .where(and(eq(escalationSteps.incidentId, incidentId), eq(escalationSteps.status, 'fired'), eq(escalationSteps.reason, GUARDS_ONLY_UNCONFIRMED)));
      }
      if (plan.missing.length > 0 || plan.again) plan = this.planArm(record, entries, await stepsOf());
      for (const { stepId, dueAt } of plan.moved) {
        await tx.update(escalationSteps).set({ dueAt }).where(and(eq(escalationSteps.incidentId, incidentId), eq(escalationSteps.stepId, stepId)));
      }
      for (const [reason, stepIds] of plan.stopped) {
        await tx.update(escalationSteps).set({ status: 'skipped', reason })
          .where(and(eq(escalationSteps.incidentId, incidentId), inArray(escalationSteps.stepId, stepIds), eq(escalationSteps.status, 'pending')));
      }
    });
  }

  /**
   * One batch (step-claim.ts): claim due steps no other process holds, decide, fire or skip, in one transaction; on
   * PGlite inside the engine's thread, as one message.
   */
  private async claimAndRun(): Promise<number> {
    const now = this.now();
    const { inEngine, db, places } = this.deps;
    const result = inEngine
      ? await inEngine('claimDueSteps', now)
      : await db.transaction((tx) => claimDueSteps(tx, now, () => ({ roster: this.deps.roster(now), site: (id) => places.site(id), counter: (s, c) => places.counter(s, c) })));
    for (const [incidentId, siteId] of result.fired) this.fired.set(incidentId, siteId);
    for (const due of result.due) this.remember(new Date(due));
    for (const seconds of result.lateness) this.deps.lateness.observe(seconds);
    return result.handled;
  }

  /** Everyone already reached by SMS or call hears that the alarm was cancelled at the counter; police are not stood down. */
  private async noticeCancel(tx: Tx, record: IncidentRecord): Promise<void> {
    const reached = await tx.select().from(notifications).where(eq(notifications.incidentId, record.id));
    const people = new Map(reached.filter((n) => n.personId && !n.isPolice && n.channel !== 'webhook').map((n) => [n.personId!, n]));
    if (people.size === 0) return;
    const now = this.now();
    const rows = [...people.values()].map((n) => ({
      id: `ntf_${ulid()}`, incidentId: record.id, stepId: CANCEL_NOTICE_STEP, recipientKey: n.recipientKey, personId: n.personId,
      channel: 'sms', to: n.to, language: n.language, isPolice: false, mode: record.mode, status: n.to ? 'queued' : 'failed',
      nextAttemptAt: now, createdAt: now, updatedAt: now,
    }));
    const inserted = await tx.insert(notifications).values(rows).onConflictDoNothing().returning({ id: notifications.id });
    if (inserted.length > 0) this.fired.set(record.id, record.siteId);
  }

}
