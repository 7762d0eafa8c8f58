/**
 * Group commit of bell events, the deciding half (pure): given what the batch's transaction read under row locks
 * (the incidents it may touch, the events already stored), decide each write in arrival order exactly as one
 * transaction per write would have, and say which rows to insert and update. A write sees the effect of those
 * before it in the batch (a press that opened an incident is joined by the next press of that bell), so a batch
 * of N presses stores what N transactions in a row would have. bell-event-batch.ts runs the SQL around it.
 */
import { CLOSED_STATUSES } from '../contract/index.ts';
import type { TimelineDraft } from '../domain/index.ts';
import type { IncidentRecord } from './incident-records.ts';
import type { BellEventRow, BellEventWrite, BellEventWriteResult, FirstAlertRows, NotificationRow } from './incident-store.ts';

const CLOSED: readonly string[] = CLOSED_STATUSES;

/** An incident as the batch read it under its row lock: the fields a bell event can change, and what it decides by. */
export interface LockedIncident {
  id: string;
  status: string;
  bellId: string | null;
  mode: string;
  revision: number;
  violence: boolean;
  severity: string;
  unconfirmed: boolean;
  closedAt: Date | null;
}

export interface StoredEventKey {
  bellId: string;
  epoch: number;
  seq: number;
  incidentId: string | null;
}

/** What one batch's transaction must lock and read before deciding. */
export interface BatchReads {
  /** Incidents named by the writes (joins, cancels): locked whatever their status. */
  namedIds: string[];
  /** Bells of the batch: their open incidents are locked (a press may join one, a cancel may link to one). */
  bellIds: string[];
  events: { bellId: string; epoch: number; seq: number }[];
}

interface Working extends LockedIncident {
  /** Inserted by this batch (its row is written with the state it ends the batch in). */
  record?: IncidentRecord;
  changed: boolean;
}

export interface BatchPlan {
  events: (BellEventRow & { epoch: number; incidentId: string | null })[];
  newIncidents: (IncidentRecord & { revision: number })[];
  updates: LockedIncident[];
  timeline: (TimelineDraft & { incidentId: string })[];
  steps: (FirstAlertRows['steps'][number] & { incidentId: string })[];
  notifications: (NotificationRow & { incidentId: string })[];
  /** Per write, its result before the database answers: the notification ids it tried and the incident it inserted fill in the rest. */
  results: { result: BellEventWriteResult; notificationIds?: string[]; inserted?: string }[];
}

export function readsFor(writes: readonly BellEventWrite[]): BatchReads {
  const named = new Set<string>();
  const bells = new Set<string>();
  for (const w of writes) {
    bells.add(w.event.bellId);
    const c = w.incident;
    if (c?.kind === 'insert') {
      if (c.record.bellId) bells.add(c.record.bellId);
    } else if (c) named.add(c.id);
  }
  return { namedIds: [...named], bellIds: [...bells], events: writes.map((w) => ({ bellId: w.event.bellId, epoch: w.event.epoch ?? 0, seq: w.event.seq })) };
}

const eventKey = (bellId: string, epoch: number, seq: number) => `${bellId}|${epoch}|${seq}`;

export function planBellEvents(writes: readonly BellEventWrite[], locked: readonly LockedIncident[], stored: readonly StoredEventKey[]): BatchPlan {
  const state = new BatchState(locked, stored);
  const results = writes.map((w) => state.decide(w));
  return { ...state.rows(), results };
}

class BatchState {
  private readonly incidents = new Map<string, Working>();
  private readonly events = new Map<string, string | null>();
  private readonly plan: Omit<BatchPlan, 'results' | 'newIncidents' | 'updates'> = { events: [], timeline: [], steps: [], notifications: [] };

  constructor(locked: readonly LockedIncident[], stored: readonly StoredEventKey[]) {
    for (const i of locked) this.incidents.set(i.id, { ...i, changed: false });
    for (const e of stored) this.events.set(eventKey(e.bellId, e.epoch, e.seq), e.incidentId);
  }

  rows(): Omit<BatchPlan, 'results'> {
    const all = [...this.incidents.values()];
    return {
      ...this.plan,
      newIncidents: all.filter((i) => i.record).map((i) => ({ ...i.record!, ...stateOf(i) }) as IncidentRecord & { revision: number }),
      updates: all.filter((i) => !i.record && i.changed).map(stateOf),
    };
  }

  decide(original: BellEventWrite): BatchPlan['results'][number] {
    const w = this.redirectIfNotOpen(original);
    const redirected = w !== original;
    const insert = w.incident?.kind === 'insert' ? w.incident.record : null;
    const existing = insert ? this.openFor(insert.bellId ?? '', insert.mode) : undefined;
    const epoch = w.event.epoch ?? 0;
    const key = eventKey(w.event.bellId, epoch, w.event.seq);
    if (this.events.has(key)) {
      const prior = this.events.get(key) ?? null;
      const ids = this.adoptFirstAlert(w.firstAlert, prior);
      return { result: { outcome: 'duplicate', incidentId: prior, ...(w.firstAlert ? { firstAlertStored: [] } : {}) }, ...(w.firstAlert ? { notificationIds: ids } : {}) };
    }
    const eventIncident = existing?.id ?? incidentIdOf(w);
    this.events.set(key, eventIncident);
    this.plan.events.push({ ...w.event, epoch, incidentId: eventIncident });
    if (insert && existing) {
      const revision = this.bump(existing, insert.violence ? { violence: true } : {});
      this.entries(existing.id, [{ kind: 're_press', at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq, longPress: insert.violence } }]);
      const ids = this.adoptFirstAlert(w.firstAlert, existing.id);
      return { result: { outcome: 'joined_existing', incidentId: existing.id, revision, ...(w.firstAlert ? { firstAlertStored: [] } : {}) }, ...(w.firstAlert ? { notificationIds: ids } : {}) };
    }
    let cancelApplied = false;
    let entries = w.entries;
    let revision: number | undefined;
    let notificationIds: string[] | undefined;
    const change = w.incident;
    if (insert) {
      this.incidents.set(insert.id, { ...lockedOf(insert), record: insert, changed: true });
      revision = 0;
      notificationIds = this.insertFirstAlert(insert.id, w.firstAlert);
      if (redirected) {
        this.entries(insert.id, w.entries);
        return { result: { outcome: 'joined_existing', incidentId: insert.id, revision }, inserted: insert.id };
      }
    } else if (change?.kind === 'raise') {
      revision = this.bump(this.named(change.id), { ...(change.violence ? { violence: true } : {}), ...(change.confirm ? { confirm: true } : {}) });
    } else if (change?.kind === 'cancel_at_counter') {
      // A person may have acknowledged meanwhile, and then the cancel is only a note.
      const target = this.named(change.id);
      cancelApplied = target.status === 'triggered';
      revision = this.bump(target, cancelApplied ? { cancelAt: change.at } : {});
      if (!cancelApplied) entries = entries.map((e) => (e.kind === 'cancelled_at_counter' ? { ...e, kind: 'cancel_pressed_late' } : e));
    } else if (change?.kind === 'link') {
      revision = this.bump(this.named(change.id), {});
    }
    const id = incidentIdOf(w);
    if (id) this.entries(id, entries);
    const result = {
      outcome: redirected ? 'joined_existing' : 'stored', incidentId: id, cancelApplied, revision,
      ...(w.firstAlert ? { firstAlertStored: [] } : {}),
    } as BellEventWriteResult;
    return { result, ...(notificationIds && w.firstAlert ? { notificationIds } : {}), ...(insert ? { inserted: insert.id } : {}) };
  }

  /**
   * Several processes: memory may name an incident that was never stored or that another process closed. A press
   * then joins the bell's open incident if there is one, else opens the fallback record; a cancel links to the
   * open incident or is only recorded. Never does a press join a closed incident: the named row was read locked.
   */
  private redirectIfNotOpen(w: BellEventWrite): BellEventWrite {
    const change = w.incident;
    if (!change || change.kind === 'insert') return w;
    const named = this.incidents.get(change.id);
    if (named && !CLOSED.includes(named.status)) return w;
    if (named && change.kind !== 'raise') {
      return { ...w, incident: { kind: 'link', id: named.id }, entries: w.entries.map((e) => (e.kind === 'cancelled_at_counter' ? { ...e, kind: 'cancel_pressed_late' } : e)) };
    }
    if (w.fallback) {
      return { event: w.event, incident: { kind: 'insert', record: w.fallback }, entries: [{ kind: w.event.type, at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq } }] };
    }
    if (named) return { event: w.event, entries: [] };
    const open = this.openFor(w.event.bellId);
    if (!open) return { event: w.event, entries: [] };
    return { event: w.event, incident: { kind: 'link', id: open.id }, entries: [{ kind: 'cancel_pressed_late', at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq } }] };
  }

  /** The bell's open incident (of the mode, when given), as the batch has left it so far. */
  private openFor(bellId: string, mode?: string): Working | undefined {
    const open = [...this.incidents.values()].filter((i) => i.bellId === bellId && (mode === undefined || i.mode === mode) && !CLOSED.includes(i.status));
    return open.sort((a, b) => (a.id < b.id ? -1 : 1))[0];
  }

  private named(id: string): Working {
    const found = this.incidents.get(id);
    if (!found) throw new Error(`incident ${id} was neither read nor inserted by this batch`);
    return found;
  }

  private bump(i: Working, change: { violence?: true; confirm?: true; cancelAt?: Date }): number {
    if (change.violence) {
      i.violence = true;
      i.severity = 'critical';
    }
    if (change.confirm) i.unconfirmed = false;
    if (change.cancelAt) {
      i.status = 'cancelled';
      i.closedAt = change.cancelAt;
    }
    i.revision += 1;
    i.changed = true;
    return i.revision;
  }

  private entries(incidentId: string, entries: readonly TimelineDraft[]): void {
    for (const e of entries) this.plan.timeline.push({ ...e, incidentId });
  }

  private insertFirstAlert(incidentId: string, alert: FirstAlertRows | undefined): string[] {
    if (!alert) return [];
    for (const s of alert.steps) this.plan.steps.push({ ...s, incidentId });
    for (const n of alert.notifications) this.plan.notifications.push({ ...n, incidentId });
    return alert.notifications.map((n) => n.id);
  }

  /**
   * The press went to an incident another process opened, but our first alert was already sent: its rows are
   * kept under that incident, so every message sent is on the record. A person that incident had already reached
   * (same step and channel) was told twice; that row is not stored again (the insert skips conflicts).
   */
  private adoptFirstAlert(alert: FirstAlertRows | undefined, incidentId: string | null): string[] {
    if (!alert || !incidentId) return [];
    for (const n of alert.notifications) this.plan.notifications.push({ ...n, incidentId });
    return alert.notifications.map((n) => n.id);
  }
}

function stateOf(i: Working): LockedIncident {
  return { id: i.id, status: i.status, bellId: i.bellId, mode: i.mode, revision: i.revision, violence: i.violence, severity: i.severity, unconfirmed: i.unconfirmed, closedAt: i.closedAt };
}

function lockedOf(r: IncidentRecord): LockedIncident {
  return { id: r.id, status: r.status, bellId: r.bellId, mode: r.mode, revision: 0, violence: r.violence, severity: r.severity, unconfirmed: r.unconfirmed, closedAt: r.closedAt };
}

function incidentIdOf(w: BellEventWrite): string | null {
  const c = w.incident;
  if (!c) return null;
  return c.kind === 'insert' ? c.record.id : c.id;
}
