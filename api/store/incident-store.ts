import { and, asc, desc, eq, inArray, like, max, notInArray, sql, type SQL } from 'drizzle-orm';
import type { IncidentAction, TimelineDraft } from '../domain/index.ts';
import { transition } from '../domain/index.ts';
import type { Db } from './database.ts';
import type { RunInEngine } from './pglite-procedures.ts';
import { recordFromRow, rowFromRecord, type IncidentRecord, type StoredTimelineEntry } from './incident-records.ts';
import { bellEvents, bells, escalationSteps, incidents, notifications, timeline } from './schema.ts';
import type { SequenceState } from '../domain/bell-sequence.ts';
import { CLOSED_STATUSES } from '../contract/index.ts';
import { uncheckedCancels } from './cancel-notices.ts';

export type NotificationRow = typeof notifications.$inferSelect;

const CLOSED: string[] = [...CLOSED_STATUSES];

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
  /**
   * The database decided otherwise than memory: another process opened an incident on this bell first (the
   * event joined it), or the incident memory named was closed (the press opened the fallback incident).
   */
  | { outcome: 'joined_existing'; incidentId: string }
) & {
  /** The incident's revision after this write. */
  revision?: number | undefined;
  /** Ids of the first alert's notification rows now in the database (under whichever incident the event went to). */
  firstAlertStored?: string[];
  /** The reference the database gave the incident this write inserted. */
  reference?: string | undefined;
};

export interface IncidentFilter {
  status?: 'open' | 'closed' | 'all' | undefined;
  mode?: 'live' | 'drill' | undefined;
  siteIds?: string[] | undefined;
  raisedBy?: string | undefined;
  /** Part of a reference (`2026-0042`, `0042`): matched within the reference. */
  reference?: string | undefined;
  limit?: number | undefined;
}

/** The incident side of the store: incidents, their timeline and the bell events that opened them. */
export class IncidentStore {
  constructor(
    private readonly db: Db,
    /** PGlite: the alarm write runs inside the engine's thread (pglite-procedures.ts). */
    private readonly inEngine?: RunInEngine,
  ) {}

  /** Cancelled live alarms still waiting for a guard's check in person (cancel-notices.ts). */
  uncheckedCancels(now: Date) {
    return uncheckedCancels(this.db, now);
  }

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
    const found = await this.findStoredEvent(bellId, seq, epoch);
    return found && { incidentId: found.incidentId };
  }

  /** A stored event with what it said, to tell its retransmission from a restarted counter reusing its seq. */
  async findStoredEvent(bellId: string, seq: number, epoch: number): Promise<{ incidentId: string | null; type: string; bellAt: string | null; receivedAt: Date } | null> {
    const [row] = await this.db
      .select({ incidentId: bellEvents.incidentId, type: bellEvents.type, bellAt: bellEvents.bellAt, receivedAt: bellEvents.receivedAt })
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
    if (f.reference) where.push(like(incidents.reference, `%${f.reference.toUpperCase()}%`));
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
    return this.writeEach(writes);
  }

  private async writeEach(writes: BellEventWrite[]): Promise<{ results: BellEventWriteResult[]; error?: unknown }> {
    const results: BellEventWriteResult[] = [];
    for (const write of writes) {
      try {
        results.push(await this.writeDecided(write));
      } catch (error) {
        return { results, error };
      }
    }
    return { results };
  }

  /**
   * Stores one bell event exactly once, with its effect on the incident and its timeline entries. Whether the
   * press opens a new incident or joins the open one is decided here, against the database under row locks:
   * the caller's memory (another process may have closed or opened an incident meanwhile) is only a proposal.
   */
  async writeBellEvent(write: BellEventWrite): Promise<Omit<BellEventWriteResult, 'revision'>> {
    if (this.inEngine) return this.inEngine('writeBellEvent', write);
    // The outcome only: the revision is for the alarm core's queue (writeBellEvents), which tells consoles.
    const { revision: _revision, ...outcome } = await this.writeDecided(write);
    return outcome;
  }

  private async writeDecided(write: BellEventWrite): Promise<BellEventWriteResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.db.transaction((tx) => writeInTransaction(tx, write));
      } catch (err) {
        // Two processes opened an incident on one bell at the same instant: the unique index refused the
        // second, which now finds the first and joins it.
        if (attempt < 3 && isOneOpenPerBellConflict(err)) continue;
        throw err;
      }
    }
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
      const [after] = await tx.update(incidents).set({ ...rowFromRecord(record), revision: sql`${incidents.revision} + 1` }).where(eq(incidents.id, id)).returning({ revision: incidents.revision });
      record.revision = after?.revision;
      await insertEntries(tx, id, entries);
      return { record, entries };
    });
  }

  /** A console alarm (software panic button): no bell event, stored before anyone is told. */
  async insertIncident(record: IncidentRecord, entries: TimelineDraft[], firstAlert?: FirstAlertRows): Promise<string[]> {
    const { stored, reference } = await this.db.transaction(async (tx) => {
      const [row] = await tx.insert(incidents).values(rowFromRecord(record)).returning({ reference: incidents.reference });
      await insertEntries(tx, record.id, entries);
      return { stored: await insertFirstAlert(tx, record.id, firstAlert), reference: row?.reference ?? null };
    });
    record.reference = reference;
    return stored;
  }
}

async function writeInTransaction(tx: Tx, write: BellEventWrite): Promise<BellEventWriteResult> {
  const w = await redirectIfNotOpen(tx, write);
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
    const revision = await bump(tx, existing.id, insert.violence ? { violence: true, severity: 'critical' } : {});
    await insertEntries(tx, existing.id, [{ kind: 're_press', at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq, longPress: insert.violence } }]);
    const firstAlertStored = await adoptFirstAlert(tx, w.firstAlert, existing.id);
    return { outcome: 'joined_existing', incidentId: existing.id, revision, ...(w.firstAlert ? { firstAlertStored } : {}) };
  }
  let firstAlertStored: string[] | undefined;
  let revision: number | undefined;
  let reference: string | undefined;
  if (insert) {
    const [row] = await tx.insert(incidents).values(rowFromRecord(insert)).returning({ reference: incidents.reference });
    reference = row?.reference ?? undefined;
    revision = 0;
    firstAlertStored = await insertFirstAlert(tx, insert.id, w.firstAlert);
    if (redirected) {
      await insertEntries(tx, insert.id, w.entries);
      return { outcome: 'joined_existing', incidentId: insert.id, revision, reference };
    }
  } else if (change?.kind === 'raise') {
    revision = await bump(tx, change.id, {
      ...(change.violence ? { violence: true, severity: 'critical' as const } : {}),
      ...(change.confirm ? { unconfirmed: false } : {}),
    });
  } else if (change?.kind === 'cancel_at_counter') {
    // Conditional: a person may have acknowledged meanwhile, and then the cancel is only a note.
    const done = await tx
      .update(incidents)
      .set({ status: 'cancelled', closedAt: change.at, revision: sql`${incidents.revision} + 1` })
      .where(and(eq(incidents.id, change.id), eq(incidents.status, 'triggered')))
      .returning({ revision: incidents.revision });
    cancelApplied = done.length > 0;
    revision = done[0]?.revision ?? (await bump(tx, change.id, {}));
    if (!cancelApplied) entries = entries.map((e) => (e.kind === 'cancelled_at_counter' ? { ...e, kind: 'cancel_pressed_late' } : e));
  } else if (change?.kind === 'link') {
    revision = await bump(tx, change.id, {});
  }
  const id = incidentIdOf(w);
  if (id) await insertEntries(tx, id, entries);
  return {
    outcome: redirected ? 'joined_existing' : 'stored', incidentId: id, cancelApplied, revision, ...(reference ? { reference } : {}),
    ...(w.firstAlert ? { firstAlertStored: firstAlertStored ?? [] } : {}),
  } as BellEventWriteResult;
}

/** Raises an incident's revision (with any other change), under the row lock the update takes. */
async function bump(tx: Tx, id: string, set: Partial<typeof incidents.$inferInsert>): Promise<number | undefined> {
  const [row] = await tx.update(incidents).set({ ...set, revision: sql`${incidents.revision} + 1` }).where(eq(incidents.id, id)).returning({ revision: incidents.revision });
  return row?.revision;
}

function isOneOpenPerBellConflict(err: unknown): boolean {
  for (let e = err as { code?: string; constraint?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === '23505' && (e.constraint === 'incidents_one_open_per_bell' || String((e as Error).message).includes('incidents_one_open_per_bell'))) return true;
  }
  return false;
}

/**
 * Several processes: our memory may name an incident that was never stored (another process stored the press
 * first) or that another process has closed meanwhile. A press then joins the bell's open incident if there is
 * one, else opens the fallback record; a cancel links to the open incident or is only recorded. Never does a
 * press join a closed incident: the named row is locked, so a close that commits first is seen here.
 */
async function redirectIfNotOpen(tx: Tx, w: BellEventWrite): Promise<BellEventWrite> {
  const change = w.incident;
  if (!change || change.kind === 'insert') return w;
  const [named] = await tx.select({ id: incidents.id, status: incidents.status }).from(incidents).where(eq(incidents.id, change.id)).for('update');
  if (named && !CLOSED.includes(named.status)) return w;
  // A cancel that reaches a closed incident changes nothing there; it is kept as a note.
  if (named && change.kind !== 'raise') return { ...w, incident: { kind: 'link', id: named.id }, entries: w.entries.map((e) => (e.kind === 'cancelled_at_counter' ? { ...e, kind: 'cancel_pressed_late' } : e)) };
  if (w.fallback) {
    return { event: w.event, incident: { kind: 'insert', record: w.fallback }, entries: [{ kind: w.event.type, at: w.event.receivedAt, actorId: null, data: { seq: w.event.seq } }] };
  }
  // Named, closed and nothing to open instead: the event is only recorded.
  if (named) return { event: w.event, entries: [] };
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
