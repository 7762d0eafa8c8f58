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
 * With two processes, a press normally reaches one of them (shared subscription) and is told `received`
 * within milliseconds. Only when the database is slow enough for the bell to retransmit to the other
 * process can both send a first alert; the second copy's rows are then kept under the one incident
 * (see adoptFirstAlert) and a person may get the first SMS twice. Twice is better than never.
 */
import type { Logger } from 'pino';
import { escalationDecision, escalationView, stepDueAt, type TimelineDraft } from '../domain/index.ts';
import type { FirstAlertRows, IncidentRecord, NotificationRow } from '../store/index.ts';
import type { Places } from '../core/places.ts';
import type { FirstAlertPlan, FirstAlertPort } from '../core/alarm-core.ts';
import { GUARDS_ONLY_UNCONFIRMED, policyOf } from './engine.ts';
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
}

export class FirstAlert implements FirstAlertPort {
  private readonly now: () => Date;

  constructor(private readonly deps: FirstAlertDeps) {
    this.now = deps.now ?? (() => new Date());
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

  /** Sends the plan's notifications now; each outcome is written once `stored` names its row as stored. */
  send(record: IncidentRecord, plan: FirstAlertPlan, stored: Promise<ReadonlySet<string>>): void {
    const everyone = this.deps.roster.people;
    for (const row of plan.rows.notifications) {
      if (row.status !== 'sending') continue;
      const isStored = stored.then((ids) => ids.has(row.id));
      this.deps.outbox.sendBeforeStored(row as NotificationRow, record, everyone, isStored);
    }
    void stored.then((ids) => {
      const lost = plan.rows.notifications.filter((n) => !ids.has(n.id));
      if (lost.length > 0) {
        this.deps.logger.warn({ incidentId: record.id, ids: lost.map((n) => n.id) }, 'first alert also sent by another process for the same incident (not stored twice)');
      }
    });
  }
}
