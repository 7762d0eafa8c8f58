import { and, asc, desc, eq, inArray, max, notInArray, sql, type SQL } from 'drizzle-orm';
import type { IncidentAction, TimelineDraft } from '../domain/index.ts';
import { transition } from '../domain/index.ts';
import type { Db } from './database.ts';
import type { RunInEngine } from './pglite-procedures.ts';
import { recordFromRow, rowFromRecord, type IncidentRecord, type StoredTimelineEntry } from './incident-records.ts';
import { bellEvents, bells, escalationSteps, incidents, notifications, timeline } from './schema.ts';
import type { SequenceState } from '../domain/bell-sequence.ts';

export type NotificationRow = typeof notifications.$inferSelect;

const CLOSED = ['closed', 'cancelled'];

export interface BellEventRow {
  bellId: string;
  /** The bell's counting epoch (api/domain/bell-sequence.ts); 0 when absent. */
  epoch?: number | undefined;
  seq: number;
  boot?: number | null | undefined;
  type: string;
  receivedAt: Date;
  bellAt: string | null;
  battery: number | null;
  transport: string;
}

/** What the alarm core asks the store to make durable for one bell event, in one transaction. */
export interface BellEventWrite {
  event: BellEventRow;
  /** A new incident to insert, or changes to an existing one. */
  incident?:
    | { kind: 'insert'; record: IncidentRecord }
    | { kind: 'raise'; id: string; violence: boolean; confirm?: boolean | undefined }
    | { kind: 'cancel_at_counter'; id: string; at: Date }
    | { kind: 'link'; id: string };
  entries: TimelineDraft[];
  /**
   * For a press that joins an incident: the incident to open instead if the one it names was never
   * stored (another process's write made our provisional incident redundant) and none is open.
   */
  fallback?: IncidentRecord | undefined;
  /** For a new incident: its first alert, already being sent from memory (api/escalation/first-alert.ts). */
  firstAlert?: FirstAlertRows | undefined;
}

/** A new incident's escalation steps (those due at once fired from memory before it was stored, the rest pending) and the notifications sent. */
export interface FirstAlertRows {
  steps: { stepId: string; status: 'fired' | 'pending'; dueAt: Date | null; firedAt: Date | null; reason: string | null }[];
  notifications: NotificationRow[];
}

export type BellEventWriteResult = (
  | { outcome: 'stored'; incidentId: string | null; cancelApplied: boolean }
  /** (bellId, seq) was already stored: a retransmission. Nothing changed. */
  | { outcome: 'duplicate'; incidentId: string | null }
  /** Another process opened an incident on this bell first: the event was joined to it instead. */
  | { outcome: 'joined_existing'; incidentId: string }
) & {
  /** Ids of the first alert's notification rows now in the database (under whichever incident the event went to). */
  firstAlertStored?: string[];
};

export interface IncidentFilter {
  status?: 'open' | 'closed' | 'all' | undefined;
  mode?: 'live' | 'drill' | undefined;
  siteIds?: string[] | undefined;
  raisedBy?: string | undefined;
  limit?: number | undefined;
}

/** The incident side of the store: incidents, their timeline and the bell events that opened them. */
export class IncidentStore {
  constructor(
    private readonly db: Db,
    /** PGlite: the alarm write runs inside the engine's thread (pglite-procedures.ts). */
    private readonly inEngine?: RunInEngine,
  ) {}

  async openIncidents(): Promise<IncidentRecord[]> {
    const rows = await this.db.select().from(incidents).where(notInArray(incidents.status, CLOSED));
    return rows.map(recordFromRow);
  }

  /**
   * Each bell's counting state (api/domain/bell-sequence.ts): its current epoch (the bell's own, raised by a
   * reset, or the newest its events were stored under) and the last (boot, seq) stored in that epoch.
   */
  async sequenceStates(): Promise<Map<string, SequenceState>> {
    const [runs, epochs] = await Promise.all([
      this.db
        .select({ bellId: bellEvents.bellId, epoch: bellEvents.epoch, seq: max(bellEvents.seq), boot: max(bellEvents.boot) })
        .from(bellEvents)
        .groupBy(bellEvents.bellId, bellEvents.epoch),
      this.db.select({ id: bells.id, epoch: bells.seqEpoch }).from(bells),
    ]);
    const states = new Map<string, SequenceState>(epochs.map((b) => [b.id, { epoch: b.epoch, last: null }]));
    for (const r of runs) {
      const current = states.get(r.bellId) ?? { epoch: 0, last: null };
      if (r.epoch < current.epoch) continue;
      // Within one epoch the boot does not change: a new boot starts a new epoch.
      if (r.epoch > current.epoch || current.last === null) states.set(r.bellId, { epoch: r.epoch, last: { boot: Number(r.boot ?? 0), seq: Number(r.seq) } });
    }
    return states;
  }

  /** An administrator's "reset sequence": the bell's next event is heard whatever its seq. */
  async raiseSequenceEpoch(bellId: string, epoch: number): Promise<void> {
    await this.db.update(bells).set({ seqEpoch: epoch }).where(eq(bells.id, bellId));
  }

  async findEvent(bellId: string, seq: number, epoch = 0): Promise<{ incidentId: string | null } | null> {
    const [row] = await this.db
      .select({ incidentId: bellEvents.incidentId })
      .from(bellEvents)
      .where(and(eq(bellEvents.bellId, bellId), eq(bellEvents.epoch, epoch), eq(bellEvents.seq, seq)));
    return row ?? null;
  }

  async get(id: string): Promise<IncidentRecord | null> {
    const [row] = await this.db.select().from(incidents).where(eq(incidents.id, id));
    return row ? recordFromRow(row) : null;
  }

  async list(f: IncidentFilter): Promise<IncidentRecord[]> {
    const where: SQL[] = [];
    if (f.status === 'open') where.push(notInArray(incidents.status, CLOSED));
    if (f.status === 'closed') where.push(inArray(incidents.status, CLOSED));
    if (f.mode) where.push(eq(incidents.mode, f.mode));
    if (f.siteIds) where.push(f.siteIds.length ? inArray(incidents.siteId, f.siteIds) : sql`false`);
    if (f.raisedBy) where.push(eq(incidents.raisedBy, f.raisedBy));
    const rows = await this.db
      .select()
      .from(incidents)
      .where(and(...where))
      .orderBy(desc(incidents.openedAt))
      .limit(f.limit ?? 200);
    return rows.map(recordFromRow);
  }

  async timeline(incidentId: string): Promise<StoredTimelineEntry[]> {
    const rows = await this.db.select().from(timeline).where(eq(timeline.incidentId, incidentId)).orderBy(asc(timeline.id));
    return rows.map((r) => ({ id: r.id, incidentId: r.incidentId, at: r.at, kind: r.kind, actorId: r.actorId, data: r.data }));
  }

  /**
   * Stores bell events in order, each in its own transaction, stopping at the first that fails: the
   * results of those stored, and the error (the caller writes the rest again).
   */
  async writeBellEvents(writes: BellEventWrite[]): Promise<{ results: BellEventWriteResult[]; error?: unknown }> {
    if (this.inEngine) return this.inEngine('writeBellEvents', writes);
    const results: BellEventWriteResult[] = [];
    for (const write of writes) {
      try {
        results.push(await this.writeBellEvent(write));
      } catch (error) {
        return { results, error };
      }
    }
    return { results };
  }

  /** Stores one bell event exactly once, with its effect on the incident and its timeline entries. */
  async writeBellEvent(write: BellEventWrite): Promise<BellEventWriteResult> {
    if (this.inEngine) return this.inEngine('writeBellEvent', write);
    return this.db.transaction(async (tx) => {
      const w = await redirectIfMissing(tx, write);
      const redirected = w !== write;
      // Another process may have opened an incident on this bell: look first (bell_events rows are
      // append-only, so the event must name the right incident when it is inserted).
      const insert = w.incident?.kind === 'insert' ? w.incident.record : null;
      const [existing] = insert
        ? await tx
            .select({ id: incidents.id })
            .from(incidents)
            .where(and(eq(incidents.bellId, insert.bellId ?? ''), eq(incidents.mode, insert.mode), notInArray(incidents.status, CLOSED)))
            .for('update')
        : [];
      const inserted = await tx
        .insert(bellEvents)
        .values({ ...w.event, incidentId: existing?.id ?? incidentIdOf(w) })
        .onConflictDoNothing()
        .returning({ seq: bellEvents.seq });
      if (inserted.length === 0) {
        const [prior] = await tx
          .select({ incidentId: bellEvents.incidentId })
          .from(bellEvents)
          .where(and(eq(bellEvents.bellId, w.event.bellId), eq(bellEvents.epoch, w.event.epoch ?? 0), eq(bellEvents.seq, w.event.seq)));
        const firstAlertStored = await adoptFirstAlert(tx, w.firstAlert, prior?.incidentId ?? null);
        return { outcome: 'duplicate', incidentId: prior?.incidentId ?? null, ...(w.firstAlert ? { firstAlertStored } : {}) };
      }
      let cancelApplied = false;
      let entries = w.entries;
      const change = w.incident;
      if (insert && existing) {
        if (insert.violence) await tx.update(incidents).set({ violence: true, severity: 'critical' }).where(eq(incidents.id, existing.id));
        await insertEntries(tx, existing.id, [{ kind: 're_press', at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq, longPress: insert.violence } }]);
        const firstAlertStored = await adoptFirstAlert(tx, w.firstAlert, existing.id);
        return { outcome: 'joined_existing', incidentId: existing.id, ...(w.firstAlert ? { firstAlertStored } : {}) };
      }
      let firstAlertStored: string[] | undefined;
      if (insert) {
        await tx.insert(incidents).values(rowFromRecord(insert));
        firstAlertStored = await insertFirstAlert(tx, insert.id, w.firstAlert);
        if (redirected) {
          await insertEntries(tx, insert.id, w.entries);
          return { outcome: 'joined_existing', incidentId: insert.id };
        }
      } else if (change?.kind === 'raise' && (change.violence || change.confirm)) {
        await tx.update(incidents).set({
          ...(change.violence ? { violence: true, severity: 'critical' as const } : {}),
          ...(change.confirm ? { unconfirmed: false } : {}),
        }).where(eq(incidents.id, change.id));
      } else if (change?.kind === 'cancel_at_counter') {
        // Conditional: a person may have acknowledged meanwhile, and then the cancel is only a note.
        const done = await tx
          .update(incidents)
          .set({ status: 'cancelled', closedAt: change.at })
          .where(and(eq(incidents.id, change.id), eq(incidents.status, 'triggered')))
          .returning({ id: incidents.id });
        cancelApplied = done.length > 0;
        if (!cancelApplied) entries = entries.map((e) => (e.kind === 'cancelled_at_counter' ? { ...e, kind: 'cancel_pressed_late' } : e));
      }
      const id = incidentIdOf(w);
      if (id) await insertEntries(tx, id, entries);
      return { outcome: 'stored', incidentId: id, cancelApplied, ...(w.firstAlert ? { firstAlertStored: firstAlertStored ?? [] } : {}) };
    });
  }

  /** Runs a person's action under a row lock: read, decide with the pure state machine, write, in one transaction. */
  async applyAction(id: string, action: IncidentAction, now: Date): Promise<{ record: IncidentRecord; entries: TimelineDraft[] } | null> {
    if (this.inEngine) return this.inEngine('applyAction', id, action, now);
    return this.db.transaction(async (tx) => {
      const [row] = await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
      if (!row) return null;
      const before = recordFromRow(row);
      const { state, entries } = transition(before, action, now);
      const record: IncidentRecord = { ...before, ...state };
      await tx.update(incidents).set(rowFromRecord(record)).where(eq(incidents.id, id));
      await insertEntries(tx, id, entries);
      return { record, entries };
    });
  }

  /** A console alarm (software panic button): no bell event, stored before anyone is told. */
  async insertIncident(record: IncidentRecord, entries: TimelineDraft[], firstAlert?: FirstAlertRows): Promise<string[]> {
    return this.db.transaction(async (tx) => {
      await tx.insert(incidents).values(rowFromRecord(record));
      await insertEntries(tx, record.id, entries);
      return insertFirstAlert(tx, record.id, firstAlert);
    });
  }
}

/**
 * Several gateways: our memory may name a provisional incident that was never stored, because another
 * process stored the press first. Such a write is turned into "open one unless one is open" with the
 * fallback record (presses), or links to the bell's open incident (cancels); it never fails forever.
 */
async function redirectIfMissing(tx: Tx, w: BellEventWrite): Promise<BellEventWrite> {
  const change = w.incident;
  if (!change || change.kind === 'insert') return w;
  const [named] = await tx.select({ id: incidents.id }).from(incidents).where(eq(incidents.id, change.id));
  if (named) return w;
  if (w.fallback) {
    return { event: w.event, incident: { kind: 'insert', record: w.fallback }, entries: [{ kind: w.event.type, at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq } }] };
  }
  const [open] = await tx
    .select({ id: incidents.id })
    .from(incidents)
    .where(and(eq(incidents.bellId, w.event.bellId), notInArray(incidents.status, CLOSED)))
    .for('update');
  if (!open) return { event: w.event, entries: [] };
  return { event: w.event, incident: { kind: 'link', id: open.id }, entries: [{ kind: 'cancel_pressed_late', at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq } }] };
}

/** The new incident's steps and its first alert's notifications, in the incident's own transaction. */
async function insertFirstAlert(tx: Tx, incidentId: string, alert: FirstAlertRows | undefined): Promise<string[]> {
  if (!alert) return [];
  if (alert.steps.length > 0) {
    await tx.insert(escalationSteps).values(alert.steps.map((s) => ({
      incidentId, stepId: s.stepId, status: s.status, dueAt: s.dueAt, firedAt: s.firedAt, reason: s.reason,
    })));
  }
  if (alert.notifications.length === 0) return [];
  await tx.insert(notifications).values(alert.notifications.map((n) => ({ ...n, incidentId })));
  return alert.notifications.map((n) => n.id);
}

/**
 * The press went to an incident another process opened, but our first alert was already sent: its rows
 * are kept under that incident, so every message sent is on the record. A person that incident had
 * already reached (same step and channel) was told twice; that row is not stored again.
 */
async function adoptFirstAlert(tx: Tx, alert: FirstAlertRows | undefined, incidentId: string | null): Promise<string[]> {
  if (!alert || alert.notifications.length === 0 || !incidentId) return [];
  const stored = await tx
    .insert(notifications)
    .values(alert.notifications.map((n) => ({ ...n, incidentId })))
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  return stored.map((r) => r.id);
}

function incidentIdOf(w: BellEventWrite): string | null {
  const c = w.incident;
  if (!c) return null;
  return c.kind === 'insert' ? c.record.id : c.id;
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function insertEntries(tx: Tx, incidentId: string, entries: TimelineDraft[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(timeline).values(entries.map((e) => ({ incidentId, at: e.at, kind: e.kind, actorId: e.actorId, data: e.data })));
}
