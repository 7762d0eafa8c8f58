import { and, asc, desc, eq, inArray, like, max, notInArray, sql, type SQL } from 'drizzle-orm';
import type { IncidentAction, IncidentState, TimelineDraft } from '../domain/index.ts';
import { transition } from '../domain/index.ts';
import type { Db } from './database.ts';
import type { RunInEngine } from './pglite-procedures.ts';
import { writeBatch } from './bell-event-batch.ts';
import { isStoreAway } from './store-errors.ts';
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
  /** The alarm writes' own connections (database.ts): notification and outbox traffic cannot starve them. */
  private readonly alarmDb: Db;

  constructor(
    private readonly db: Db,
    /** PGlite: the alarm write runs inside the engine's thread (pglite-procedures.ts). */
    private readonly inEngine?: RunInEngine,
    alarmDb?: Db,
  ) {
    this.alarmDb = alarmDb ?? db;
  }

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
    const query = this.db.select().from(incidents).where(and(...where)).orderBy(desc(incidents.openedAt));
    // Every open incident, unless a limit is asked for: a console that reconnects loads them all, and one past a cap
    // (an old incident pressed again while it was away) would never show. Closed ones are history: capped.
    const limit = f.limit ?? (f.status === 'open' ? undefined : 200);
    const rows = await (limit === undefined ? query : query.limit(limit));
    return rows.map(recordFromRow);
  }

  async timeline(incidentId: string): Promise<StoredTimelineEntry[]> {
    const rows = await this.db.select().from(timeline).where(eq(timeline.incidentId, incidentId)).orderBy(asc(timeline.id));
    return rows.map((r) => ({ id: r.id, incidentId: r.incidentId, at: r.at, kind: r.kind, actorId: r.actorId, data: r.data }));
  }

  /**
   * Stores bell events in arrival order, in batches of one transaction each (group commit, bell-event-batch.ts),
   * stopping at the first batch that fails: the results of those stored, and the error (the caller writes the rest
   * again). A batch refused for something other than the database being away is written again one event at a
   * time, so that one bad event stops only itself: the results then end just before it.
   */
  async writeBellEvents(writes: BellEventWrite[]): Promise<{ results: BellEventWriteResult[]; error?: unknown }> {
    if (this.inEngine) return this.inEngine('writeBellEvents', writes);
    const results: BellEventWriteResult[] = [];
    for (const chunk of chunksOf(writes, BATCH_BYTES)) {
      try {
        results.push(...(await writeBatch(this.alarmDb, chunk)));
      } catch (error) {
        if (chunk.length === 1 || isStoreAway(error)) return { results, error };
        for (const one of chunk) {
          try {
            results.push(...(await writeBatch(this.alarmDb, [one])));
          } catch (alone) {
            return { results, error: alone };
          }
        }
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
    const [result] = await writeBatch(this.alarmDb, [write]);
    const { revision: _revision, ...outcome } = result!;
    return outcome;
  }

  /** Runs a person's action under a row lock: read, decide with the pure state machine, write, in one transaction. */
  async applyAction(id: string, action: IncidentAction, now: Date): Promise<{ record: IncidentRecord; entries: TimelineDraft[] } | null> {
    if (this.inEngine) return this.inEngine('applyAction', id, action, now);
    return this.alarmDb.transaction(async (tx) => {
      const [row] = await tx.select().from(incidents).where(eq(incidents.id, id)).for('update');
      if (!row) return null;
      const before = recordFromRow(row);
      const { state, entries } = transition(before, action, now);
      const record: IncidentRecord = { ...before, ...state };
      const [after] = await tx.update(incidents).set({ ...stateColumns(state), revision: sql`${incidents.revision} + 1` }).where(eq(incidents.id, id)).returning({ revision: incidents.revision });
      record.revision = after?.revision;
      await insertEntries(tx, id, entries);
      return { record, entries };
    });
  }

  /** A console alarm (software panic button): no bell event, stored before anyone is told. */
  async insertIncident(record: IncidentRecord, entries: TimelineDraft[], firstAlert?: FirstAlertRows): Promise<string[]> {
    const { stored, reference } = await this.alarmDb.transaction(async (tx) => {
      const [row] = await tx.insert(incidents).values(rowFromRecord(record)).returning({ reference: incidents.reference });
      await insertEntries(tx, record.id, entries);
      return { stored: await insertFirstAlert(tx, record.id, firstAlert), reference: row?.reference ?? null };
    });
    record.reference = reference;
    return stored;
  }
}

/**
 * A batch's rows travel as JSON in one statement: kept near this size, so that a slow link (every chunk of the
 * connection delayed) carries the statement in a few chunks, well inside the alarm connections'
 * idle_in_transaction_session_timeout (database.ts), which a slowly arriving statement counts against.
 */
const BATCH_BYTES = 192 * 1024;

function chunksOf(writes: BellEventWrite[], maxBytes: number): BellEventWrite[][] {
  const chunks: BellEventWrite[][] = [];
  let current: BellEventWrite[] = [];
  let bytes = 0;
  for (const w of writes) {
    const size = JSON.stringify(w).length;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(w);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
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

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

async function insertEntries(tx: Tx, incidentId: string, entries: TimelineDraft[]): Promise<void> {
  if (entries.length === 0) return;
  await tx.insert(timeline).values(entries.map((e) => ({ incidentId, at: e.at, kind: e.kind, actorId: e.actorId, data: e.data })));
}

/** Every field of `IncidentState`, checked by the compiler: a field added there must be named here to be stored. */
const STATE_FIELDS: Record<keyof IncidentState, true> = {
  status: true, severity: true, violence: true, mode: true, openedAt: true, acknowledgedAt: true, acknowledgedBy: true, closedAt: true,
  classification: true, outcome: true,
};

/**
 * An action changes only the incident's state: those columns are written, and the rest (the frozen policy among
 * them) not again. `transition` returns the whole record it was given, so the state is picked, not spread.
 */
function stateColumns(state: IncidentState): Partial<typeof incidents.$inferInsert> {
  return Object.fromEntries(Object.keys(STATE_FIELDS).map((k) => [k, state[k as keyof IncidentState]]));
}
