/**
 * The escalation engine: step rows with due times in the database (a restart resumes them), claimed with
 * FOR UPDATE SKIP LOCKED so that with several processes each step fires exactly once (step-claim.ts). What to do
 * is decided by the pure `escalationDecision`, and arming by `planArm` (step-arm.ts); this file schedules both.
 */
import { and, eq, isNotNull, lte, notInArray, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import type { Histogram } from 'prom-client';
import { policyOf } from '../domain/index.ts';
import type { Database, Db } from '../store/index.ts';
import { schema } from '../store/index.ts';
import { rowsOf } from '../store/rows-of.ts';
import type { Places } from '../core/places.ts';
import type { RosterSnapshot } from './recipients.ts';
import { claimDueSteps } from './step-claim.ts';
import { armIncident, armIncidents } from './step-arm.ts';
import type { BusPort } from '../bus/index.ts';
import { CLOSED_STATUSES } from '../contract/index.ts';
import { nextLookMs } from './next-look.ts';

const { escalationSteps, incidents } = schema;

export interface EscalationEngineDeps {
  db: Db;
  places: Places;
  logger: Logger;
  lateness: Histogram;
  now?: () => Date;
  tickMs?: number;
  /** Claim loops run side by side (PostgreSQL: SKIP LOCKED splits the work; PGlite: 1, it runs one transaction at a time). */
  parallel?: number;
  /** PGlite: claims and arming run inside the engine's thread (step-claim.ts, step-arm.ts). */
  inEngine?: Database['inEngine'];
  /** Who is on duty, from memory (RosterCache): one read every few seconds, not one per claim. */
  roster: (now: Date) => RosterSnapshot;
  /**
   * Changes whenever the roster or places this process holds are read again: the PGlite thread then reads its own
   * copy again (step-claim.ts). Absent, the thread reads it at every claim.
   */
  contextVersion?: () => string;
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
      // A plain read first: most polls find nothing due, and need not open a transaction.
      if (!(await this.anyDue())) return fired;
      const n = await this.claimAndRun();
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

  /** Creates missing step rows and updates the due time of pending ones from the incident's timeline (step-arm.ts). */
  async arm(incidentId: string): Promise<void> {
    const now = this.now();
    const { inEngine, db } = this.deps;
    const result = inEngine ? await inEngine('armIncident', incidentId, now) : await db.transaction((tx) => armIncident(tx, incidentId, now));
    for (const due of result.due) this.remember(new Date(due));
    this.tell(result.fired);
  }

  /** After the commit: the outbox has notifications. */
  private tell(fired: [string, string][]): void {
    for (const [incidentId, siteId] of fired) this.deps.bus.emit('escalation.fired', { incidentId, siteId });
  }

  /** Re-arms many incidents in one transaction (step-arm.ts); those that need more are armed one by one after it. */
  private async armMany(ids: string[]): Promise<void> {
    const { inEngine, db } = this.deps;
    const result = inEngine ? await inEngine('armIncidents', ids) : await db.transaction((tx) => armIncidents(tx, ids));
    for (const due of result.due) this.remember(new Date(due));
    for (const id of result.alone) await this.arm(id);
  }

  /**
   * One batch (step-claim.ts): claim due steps no other process holds, decide, fire or skip, in one transaction; on
   * PGlite inside the engine's thread, as one message.
   */
  private async claimAndRun(): Promise<number> {
    const now = this.now();
    const { inEngine, db, places } = this.deps;
    const result = inEngine
      ? await inEngine('claimDueSteps', now, this.deps.contextVersion?.())
      : await db.transaction((tx) => claimDueSteps(tx, now, () => ({ roster: this.deps.roster(now), places })));
    for (const due of result.due) this.remember(new Date(due));
    for (const seconds of result.lateness) this.deps.lateness.observe(seconds);
    this.tell(result.fired);
    return result.handled;
  }
}
