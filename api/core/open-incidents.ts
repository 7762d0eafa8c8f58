/**
 * The open incidents this process holds in memory, and their announcements on the bus.
 *
 * Memory is a proposal (principle 1: a press rings from memory at once); the alarm write's transaction decides
 * against the database. Other processes' incident events keep it true; a resync reads it again. Incidents shown
 * to consoles but not yet stored are marked, so a person's action on one waits for its write.
 */
import type { Logger } from 'pino';
import type { BusEvents, BusMeta } from '../bus/index.ts';
import type { Incident, Mode } from '../contract/index.ts';
import { isActive } from '../domain/index.ts';
import type { IncidentRecord } from '../store/index.ts';
import type { BusPort, IncidentReads, PlaceBook } from './ports.ts';
import { mergeIncidentView, presentIncident } from './present.ts';

export type IncidentEventType = 'incident.opened' | 'incident.changed' | 'incident.closed';

export interface TellOptions {
  scope: 'cluster' | 'process' | 'others';
  /** False while the incident is shown from memory only. */
  stored?: boolean;
  /** The incident's escalation inputs changed: the engine re-reads it. */
  escalation?: boolean;
}

/** Reads of other processes' incidents at once: the alarm writes keep the rest of the pool. */
const OTHER_PROCESS_READS = 2;

export class OpenIncidents {
  private readonly open = new Map<string, IncidentRecord>();
  private readonly openByBell = new Map<string, IncidentRecord>();
  /** When the last press of each open incident came, for the confirmation rule's window. */
  private readonly lastPressAt = new Map<string, Date>();
  private readonly unstored = new Map<string, { done: Promise<void>; settle: () => void }>();
  private readonly refreshing = new Set<string>();
  /** Incidents of other processes waiting to be read, a few at a time (see {@link heard}). */
  private readonly toRead: string[] = [];
  private reading = 0;
  private unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: { store: IncidentReads; bus: BusPort; places: PlaceBook; logger: Logger }) {}

  async start(): Promise<void> {
    await this.reload();
    // Other processes' changes keep the memory true (it is still only a proposal: the write decides).
    for (const type of ['incident.opened', 'incident.changed', 'incident.closed'] as const) {
      this.unsubscribe.push(this.deps.bus.on(type, (e, meta) => this.heard(e, meta)));
    }
  }

  stop(): void {
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Reads the open incidents again (after the bus may have missed events). */
  async reload(): Promise<void> {
    const stored = await this.deps.store.openIncidents();
    const ids = new Set(stored.map((r) => r.id));
    for (const r of [...this.open.values()]) if (!ids.has(r.id) && !this.unstored.has(r.id)) this.forget(r);
    for (const r of stored) this.adopt(r);
  }

  all(): IncidentRecord[] {
    return [...this.open.values()];
  }

  get(id: string): IncidentRecord | undefined {
    return this.open.get(id);
  }

  ofBell(bellId: string, mode: Mode): IncidentRecord | null {
    return this.openByBell.get(`${bellId}|${mode}`) ?? null;
  }

  /** The incident's last press (or its opening), and records this one as the last. */
  pressed(record: IncidentRecord, at: Date): Date {
    const previous = this.lastPressAt.get(record.id) ?? record.openedAt;
    this.lastPressAt.set(record.id, at);
    return previous;
  }

  /** A new incident shown from memory before its write: actions on it wait until `stored`. */
  openedUnstored(record: IncidentRecord): void {
    this.lastPressAt.set(record.id, record.openedAt);
    this.remember(record);
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.unstored.set(record.id, { done, settle });
  }

  isUnstored(id: string): boolean {
    return this.unstored.has(id);
  }

  /** Resolves once an incident shown from memory is stored (or was never going to be). */
  async written(id: string): Promise<void> {
    await this.unstored.get(id)?.done;
  }

  /** The write of an incident shown from memory is done (stored, or made redundant by the database). */
  settled(id: string): void {
    this.unstored.get(id)?.settle();
    this.unstored.delete(id);
  }

  /** Reads an incident from the database into memory. */
  async refresh(id: string): Promise<IncidentRecord | null> {
    const fresh = await this.deps.store.get(id);
    return fresh ? this.adopt(fresh) : null;
  }

  /** Updates the cached record in place, so every reference (remembered events) sees the new state. */
  adopt(fresh: IncidentRecord): IncidentRecord {
    const cached = this.open.get(fresh.id);
    const record = cached ? Object.assign(cached, fresh) : fresh;
    if (isActive(record.status)) this.remember(record);
    else this.forget(record);
    return record;
  }

  remember(r: IncidentRecord): void {
    this.open.set(r.id, r);
    if (r.bellId) this.openByBell.set(`${r.bellId}|${r.mode}`, r);
  }

  forget(r: IncidentRecord): void {
    this.open.delete(r.id);
    this.lastPressAt.delete(r.id);
    const key = `${r.bellId}|${r.mode}`;
    if (r.bellId && this.openByBell.get(key) === r) this.openByBell.delete(key);
  }

  /** Tells consoles, escalation, drills and (scope) the other processes about an incident. */
  tell(type: IncidentEventType, record: IncidentRecord, opts: TellOptions): void {
    const stored = opts.stored ?? true;
    // A new incident rung from memory takes the ring lane too: other processes' consoles ring without the database.
    const ring = type === 'incident.opened' && !stored;
    this.deps.bus.emit(type, { incident: presentIncident(record, this.deps.places, stored), raisedBy: record.raisedBy, escalation: opts.escalation ?? false }, { scope: opts.scope, ring });
  }

  /** Another process changed an incident: closed ones are forgotten, open ones merged or read. */
  private heard(e: BusEvents['incident.changed'], meta: BusMeta): void {
    const view = e.incident as Incident;
    // Another process's memory (rung before its write) is not the truth: its stored event follows, or a withdrawal.
    if (meta.local || !view.stored) return;
    const known = this.open.get(view.id);
    if (known) {
      if ((known.revision ?? 0) > (view.revision ?? 0)) return;
      mergeIncidentView(known, view);
      if (!isActive(known.status)) this.forget(known);
      return;
    }
    if (!isActive(view.status as IncidentRecord['status']) || this.refreshing.has(view.id)) return;
    this.refreshing.add(view.id);
    this.toRead.push(view.id);
    this.readSome();
  }

  /**
   * Reads other processes' incidents a few at a time. Read all at once, a burst of other processes' presses took
   * every connection of the pool, and this process's own alarm writes waited for one until they timed out (the
   * city bench: presses stored seconds late). Nothing waits on these reads: a press here on such a bell is decided
   * against the database in its own write.
   */
  private readSome(): void {
    while (this.reading < OTHER_PROCESS_READS && this.toRead.length > 0) {
      const id = this.toRead.shift()!;
      this.reading++;
      this.refresh(id)
        .catch((err: unknown) => this.deps.logger.warn({ err, incidentId: id }, 'incident of another process not read'))
        .finally(() => {
          this.refreshing.delete(id);
          this.reading--;
          this.readSome();
        });
    }
  }
}
