/**
 * In-memory fakes of the alarm core's ports (api/core/ports.ts) for unit tests: a store that decides bell event
 * writes as the real one does (one open incident per bell, a press never joins a closed incident, (bell, epoch,
 * seq) stored once), a bus transport that links processes in memory, a bell that records its acks, a clock.
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import type { Ack } from '../../firmware-bridge/protocol/index.ts';
import type { BellEventSignal, BellRecord, Rejection } from '../../gateway/index.ts';
import { AlarmBus, type BusTransport, type Envelope } from '../../api/bus/index.ts';
import { coreMetrics } from '../../api/core/metrics.ts';
import { transition, type IncidentAction, type TimelineDraft } from '../../api/domain/index.ts';
import type { SequenceState } from '../../api/domain/bell-sequence.ts';
import type { BellEventWrite, BellEventWriteResult, FirstAlertRows, IncidentRecord } from '../../api/store/index.ts';
import type { BellEventWrites, IncidentReads, IncidentWrites } from '../../api/core/ports.ts';

export const silentLogger = pino({ level: 'silent' });
export const freshMetrics = () => coreMetrics(new Registry());
export const noPlaces = { site: () => undefined, counter: () => undefined };

export function fakeClock(start = '2026-03-02T09:00:00.000Z') {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

interface StoredEvent {
  incidentId: string | null;
  type: string;
  bellAt: string | null;
  receivedAt: Date;
  boot: number;
}

const CLOSED = new Set(['closed', 'cancelled']);

/** The database, in memory. Several cores may share one (processes on one PostgreSQL). */
export class FakeIncidentStore implements BellEventWrites, IncidentReads, IncidentWrites {
  readonly incidents = new Map<string, IncidentRecord>();
  readonly events = new Map<string, StoredEvent>();
  readonly timeline: (TimelineDraft & { incidentId: string })[] = [];
  readonly epochs = new Map<string, number>();
  /** Writes that fail (the database away) before the next one succeeds. */
  failingWrites = 0;
  /** While set, bell event writes wait for it (a slow database). */
  gate: Promise<void> | undefined;
  /** While set, reads of one incident wait for it. */
  readGate: Promise<void> | undefined;
  writeCalls = 0;

  async writeBellEvents(writes: BellEventWrite[]): Promise<{ results: BellEventWriteResult[]; error?: unknown }> {
    this.writeCalls++;
    await this.gate;
    if (this.failingWrites > 0) {
      this.failingWrites--;
      return { results: [], error: new Error('connection refused') };
    }
    return { results: writes.map((w) => this.write(w)) };
  }

  async sequenceStates(): Promise<Map<string, SequenceState>> {
    const states = new Map<string, SequenceState>([...this.epochs].map(([id, epoch]) => [id, { epoch, last: null }]));
    for (const [key, e] of this.events) {
      const [bellId, epochText, seqText] = key.split('|') as [string, string, string];
      const epoch = Number(epochText);
      const seq = Number(seqText);
      const current = states.get(bellId) ?? { epoch: 0, last: null };
      if (epoch < current.epoch) continue;
      if (epoch > current.epoch || current.last === null || seq > current.last.seq) states.set(bellId, { epoch, last: { boot: e.boot, seq } });
    }
    return states;
  }

  async raiseSequenceEpoch(bellId: string, epoch: number): Promise<void> {
    this.epochs.set(bellId, epoch);
  }

  async findStoredEvent(bellId: string, seq: number, epoch: number) {
    const e = this.events.get(`${bellId}|${epoch}|${seq}`);
    return e ? { incidentId: e.incidentId, type: e.type, bellAt: e.bellAt, receivedAt: e.receivedAt } : null;
  }

  async get(id: string): Promise<IncidentRecord | null> {
    await this.readGate;
    const r = this.incidents.get(id);
    return r ? { ...r } : null;
  }

  async openIncidents(): Promise<IncidentRecord[]> {
    return [...this.incidents.values()].filter((r) => !CLOSED.has(r.status)).map((r) => ({ ...r }));
  }

  async applyAction(id: string, action: IncidentAction, now: Date): Promise<{ record: IncidentRecord; entries: TimelineDraft[] } | null> {
    const before = this.incidents.get(id);
    if (!before) return null;
    const { state, entries } = transition(before, action, now);
    const record = { ...before, ...state, revision: (before.revision ?? 0) + 1 };
    this.incidents.set(id, record);
    this.addEntries(id, entries);
    return { record: { ...record }, entries };
  }

  async insertIncident(record: IncidentRecord, entries: TimelineDraft[], _firstAlert?: FirstAlertRows): Promise<string[]> {
    this.incidents.set(record.id, { ...record, revision: 0 });
    this.addEntries(record.id, entries);
    return [];
  }

  /** Stored bell events of a bell, as `epoch:seq`. */
  storedSeqs(bellId: string): string[] {
    return [...this.events.keys()].filter((k) => k.startsWith(`${bellId}|`)).map((k) => k.split('|').slice(1).join(':'));
  }

  private write(w: BellEventWrite): BellEventWriteResult {
    const key = `${w.event.bellId}|${w.event.epoch ?? 0}|${w.event.seq}`;
    const prior = this.events.get(key);
    if (prior) return { outcome: 'duplicate', incidentId: prior.incidentId };
    const store = (incidentId: string | null) =>
      this.events.set(key, { incidentId, type: w.event.type, bellAt: w.event.bellAt, receivedAt: w.event.receivedAt, boot: w.event.boot ?? 0 });
    const change = w.incident;
    if (change?.kind === 'insert') {
      const open = this.openOfBell(change.record.bellId, change.record.mode);
      if (open) {
        store(open.id);
        return { outcome: 'joined_existing', incidentId: open.id, revision: this.bump(open) };
      }
      this.incidents.set(change.record.id, { ...change.record, revision: 0 });
      store(change.record.id);
      this.addEntries(change.record.id, w.entries);
      return { outcome: 'stored', incidentId: change.record.id, cancelApplied: false, revision: 0 };
    }
    if (!change) {
      store(null);
      return { outcome: 'stored', incidentId: null, cancelApplied: false };
    }
    const named = this.incidents.get(change.id);
    if (!named || CLOSED.has(named.status)) {
      // A press never joins a closed incident: it opens the fallback (or joins the bell's open one).
      const open = this.openOfBell(w.event.bellId, named?.mode ?? 'live');
      const target = open ?? (change.kind === 'raise' && w.fallback ? w.fallback : null);
      if (target && !open) this.incidents.set(target.id, { ...target, revision: 0 });
      store(target?.id ?? named?.id ?? null);
      return target ? { outcome: 'joined_existing', incidentId: target.id, revision: this.incidents.get(target.id)!.revision } : { outcome: 'stored', incidentId: named?.id ?? null, cancelApplied: false };
    }
    let cancelApplied = false;
    if (change.kind === 'raise') {
      if (change.violence) Object.assign(named, { violence: true, severity: 'critical' });
      if (change.confirm) named.unconfirmed = false;
    } else if (change.kind === 'cancel_at_counter' && named.status === 'triggered') {
      Object.assign(named, { status: 'cancelled', closedAt: change.at });
      cancelApplied = true;
    }
    store(named.id);
    this.addEntries(named.id, w.entries);
    return { outcome: 'stored', incidentId: named.id, cancelApplied, revision: this.bump(named) };
  }

  private openOfBell(bellId: string | null, mode: string): IncidentRecord | undefined {
    return [...this.incidents.values()].find((r) => r.bellId === bellId && r.mode === mode && !CLOSED.has(r.status));
  }

  private bump(r: IncidentRecord): number {
    r.revision = (r.revision ?? 0) + 1;
    return r.revision;
  }

  private addEntries(incidentId: string, entries: TimelineDraft[]): void {
    for (const e of entries) this.timeline.push({ ...e, incidentId });
  }
}

/** Processes linked as by LISTEN/NOTIFY: each bus hears the others' events as JSON, after the emitter's turn. */
export class LinkedBuses {
  private readonly deliverers = new Set<(e: Envelope) => void>();
  private seq = 0;

  bus(origin: string): AlarmBus {
    const transport: BusTransport = {
      state: 'ok',
      start: async (deliver) => {
        this.deliverers.add(deliver);
      },
      publish: (t, v, o, data) => {
        const envelope: Envelope = { s: ++this.seq, t, v, o, d: JSON.parse(JSON.stringify(data)) };
        setImmediate(() => this.deliverers.forEach((d) => d(envelope)));
      },
      stop: async () => undefined,
    };
    return new AlarmBus({ logger: silentLogger, origin, transport });
  }
}

/** A bell and its link: what it was answered, what was refused. */
export class FakeBell {
  readonly acks: Ack[] = [];
  readonly sent: { bellId: string; ack: Ack }[] = [];
  readonly rejected: Rejection[] = [];
  readonly link = {
    sendAck: (bellId: string, ack: Ack) => this.sent.push({ bellId, ack }),
    reject: (r: Rejection) => this.rejected.push(r),
  };

  constructor(readonly record: BellRecord) {}

  event(seq: number, receivedAt: Date, more: Partial<BellEventSignal> = {}): BellEventSignal {
    return {
      kind: 'event', bellId: this.record.id, seq, type: 'press', transport: 'mqtt', receivedAt,
      reply: (ack: Ack) => this.acks.push(ack),
      ...more,
    } as BellEventSignal;
  }
}
