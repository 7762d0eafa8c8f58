/**
 * The first alert, from memory (DESIGN.md principle 1: a press "starts its escalation whether or not the
 * database answers").
 *
 * When the core rings a new incident, the policy's steps that are due at once (the alert; the police step
 * of a violence alarm) are planned against the places and the roster held in memory, and sent straight
 * away. Their step rows (fired) and notification rows (sending) are stored with the incident itself, in
 * its one transaction, so the engine finds those steps fired and never sends them again; every later step
 * is the engine's, from the database, as before. Each send's outcome is written once its row is stored.
 *
 * The sends wait up to half a second for the incident's write (FIRST_ALERT_FROM_MEMORY_AFTER_MS): with a
 * database that answers, only rows stored by this process are sent. With two processes, a press normally reaches one
 * of them (shared subscription) and is told `received` within milliseconds; a process frozen or slow for long enough
 * that the bell's copies went to the other one finds them stored there and sends nothing. Only when the database
 * itself is slower than that wait can both send a first alert; the second copy's rows are then kept under the one
 * incident (see adoptFirstAlert) and a person may get the first SMS twice. Twice is better than never.
 */
import type { Logger } from 'pino';
import { escalationDecision, escalationView, stepDueAt, type TimelineDraft } from '../domain/index.ts';
import type { FirstAlertRows, IncidentRecord, NotificationRow } from '../store/index.ts';
import type { Places } from '../core/places.ts';
import type { FirstAlertPlan, FirstAlertPort } from '../core/alarm-core.ts';
import { policyOf } from './engine.ts';
import { GUARDS_ONLY_UNCONFIRMED } from './step-claim.ts';
import type { Outbox } from './outbox.ts';
import type { BusPort } from '../bus/index.ts';
import { notificationRow, planStep, reachesOnlyGuards, stepEntryData } from './recipients.ts';
import type { RosterCache } from './roster-cache.ts';

export interface FirstAlertDeps {
  places: Places;
  roster: RosterCache;
  outbox: Outbox;
  logger: Logger;
  /** The due times of the steps stored pending with the incident go out as `escalation.armed` (this process's engine clock). */
  bus?: BusPort;
  now?: () => Date;
  /** How long the first alert waits for its rows to be stored before it is sent from memory (default 500 ms). */
  fromMemoryAfterMs?: number;
  /** A monotonic clock in ms (default performance.now), to tell a process that was stopped from a slow store. */
  monotonic?: () => number;
}

/** A wait that overran by more than this was a stopped process, not a slow store. */
const STALLED_MS = 1_000;

/**
 * Presses read just after this process was stopped (SIGSTOP, a paused machine) waited in its socket meanwhile, and
 * the other process most likely took their copies and texted: their first alerts wait this long for the store before
 * memory sends them. A frozen process's 20 s sent 27 first-alert SMS twice at half a second.
 */
const AFTER_STALL_WAIT_MS = 5_000;
/** How long after a stall is seen the presses count as held through it. */
const AFTER_STALL_WINDOW_MS = 10_000;
/** The beat whose silence tells a stall. */
const BEAT_MS = 250;

/**
 * Short beside a guard's reaction and far above a healthy alarm write (milliseconds), so the first SMS waits for the
 * store only when waiting costs nothing, and the console has rung from memory meanwhile in any case.
 */
export const FIRST_ALERT_FROM_MEMORY_AFTER_MS = 500;

export class FirstAlert implements FirstAlertPort {
  private readonly now: () => Date;
  private readonly monotonic: () => number;
  private beat: NodeJS.Timeout | undefined;
  private lastBeat = 0;
  private stallSeenAt = -Infinity;

  constructor(private readonly deps: FirstAlertDeps) {
    this.now = deps.now ?? (() => new Date());
    this.monotonic = deps.monotonic ?? (() => performance.now());
  }

  stop(): void {
    clearInterval(this.beat);
    this.beat = undefined;
  }

  private beatNow(): void {
    const now = this.monotonic();
    if (now - this.lastBeat > STALLED_MS) this.stallSeenAt = now;
    this.lastBeat = now;
  }

  /**
   * How long a first alert waits for its rows: longer for a press read just after this process stood still. A resumed
   * process may read its sockets before its timers run, or the other way round: the stall is seen by whichever comes
   * first, a send that finds the beat old or the beat itself.
   */
  private waitMs(): number {
    const now = this.monotonic();
    if (!this.beat) {
      this.lastBeat = now;
      this.beat = setInterval(() => this.beatNow(), BEAT_MS);
      this.beat.unref();
    } else this.beatNow();
    const wait = this.deps.fromMemoryAfterMs ?? FIRST_ALERT_FROM_MEMORY_AFTER_MS;
    return now - this.stallSeenAt < AFTER_STALL_WINDOW_MS ? Math.max(wait, AFTER_STALL_WAIT_MS) : wait;
  }

  /**
   * A new incident's escalation as rows to store with it: the steps due at once, fired, with their
   * notifications and timeline entries; every other step pending with its due time (what the engine's
   * arming would write), so the engine need not arm the incident in a transaction of its own.
   */
  plan(record: IncidentRecord): FirstAlertPlan | null {
    const site = this.deps.places.site(record.siteId);
    if (!site) return null;
    const now = this.now();
    const at = record.openedAt;
    const view = escalationView(record, []);
    const policy = policyOf(record);
    const due = escalationDecision(view, policy, new Set(), at).fire;
    const roster = this.deps.roster.snapshot(now);
    const counter = this.deps.places.counter(record.siteId, record.counterId);
    const rows: FirstAlertRows = { steps: [], notifications: [] };
    const entries: TimelineDraft[] = [];
    for (const step of due) {
      const planned = planStep(step, record, site, counter, roster);
      rows.steps.push({ stepId: step.id, status: 'fired', dueAt: at, firedAt: at, reason: reachesOnlyGuards(step, record) ? GUARDS_ONLY_UNCONFIRMED : null });
      // Claimed by this process from the start: stored as `sending`, so no outbox sends it again.
      rows.notifications.push(...planned.map((p) => notificationRow(p, record, now, 'sending')));
      entries.push({ kind: 'escalation_step', at, actorId: null, data: stepEntryData(step, planned, record, { fromMemory: true }) });
    }
    const later = policy.steps.filter((s) => !due.includes(s));
    for (const step of later) rows.steps.push({ stepId: step.id, status: 'pending', dueAt: stepDueAt(step, view), firedAt: null, reason: null });
    const dueTimes = later.map((s) => stepDueAt(s, view)).filter((d): d is Date => d !== null).map((d) => d.toISOString());
    // Before the incident is stored (principle 1): only this process's clock, which needs no stored row to look.
    if (dueTimes.length > 0) this.deps.bus?.emit('escalation.armed', { incidentId: record.id, due: dueTimes }, { scope: 'process' });
    return { rows, entries };
  }

  /**
   * Sends the plan's notifications once their rows are stored, or from memory when the store has not answered within
   * `fromMemoryAfterMs` (the database away or slow); each outcome is written once `stored` names its row as stored.
   * Waiting that moment first means a press another process stored first (a copy it took while this one was frozen
   * or slow) is not texted twice: only the rows stored here are sent.
   */
  send(record: IncidentRecord, plan: FirstAlertPlan, stored: Promise<ReadonlySet<string>>): void {
    const everyone = this.deps.roster.people;
    const wait = this.waitMs();
    const monotonic = this.monotonic;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<null>((resolve) => {
      const arm = () => {
        const armedAt = monotonic();
        timer = setTimeout(() => {
          // Fired long after it was due: this process was stopped (SIGSTOP, a stalled loop), not the store slow. The
          // write's answer may be waiting behind this timer: it gets a moment of running time before memory sends.
          if (monotonic() - armedAt > wait + STALLED_MS) arm();
          else resolve(null);
        }, wait);
      };
      arm();
    });
    void Promise.race([stored, late]).then((ids) => {
      clearTimeout(timer);
      for (const row of plan.rows.notifications) {
        if (row.status !== 'sending' || (ids && !ids.has(row.id))) continue;
        const isStored = ids ? Promise.resolve(true) : stored.then((now) => now.has(row.id));
        this.deps.outbox.sendBeforeStored(row as NotificationRow, record, everyone, isStored);
      }
    });
    void stored.then((ids) => {
      const lost = plan.rows.notifications.filter((n) => !ids.has(n.id));
      if (lost.length > 0) {
        this.deps.logger.warn({ incidentId: record.id, ids: lost.map((n) => n.id) }, 'first alert planned here for an incident another process stored first (not stored twice)');
      }
    });
  }
}
