/**
 * The alarm bus: one typed event map, delivered in this process at once and, through a transport (PostgreSQL
 * LISTEN/NOTIFY), to every other process. Handlers never disturb the emitter: a throwing or rejecting handler
 * is logged and the others still run. Events are emitted after the commit that makes them true.
 *
 * A ring from memory (a press shown before its write, principle 1) may also take the ring lane, the shared
 * broker (api/bus/ring-lane.ts): it reaches the other processes' consoles without waiting on the database, and
 * while the database is away. The same event still goes through the transport; whichever copy comes first is
 * delivered, and only as the first news of its incident (a late copy must not show an incident again).
 */
import type { Logger } from 'pino';
import { BUS_EVENTS, INCIDENT_EVENTS, isBusEventType, type BusEvents, type BusEventType, type Delivered } from './events.ts';

/**
 * `cluster`: this process and every other; `process`: this process only (a ring from memory before the write);
 * `others`: every other process only (this process told its own subscribers from memory already).
 */
export type BusScope = 'cluster' | 'process' | 'others';

export interface BusMeta {
  /** Emitted by this process. */
  local: boolean;
  /** The event's place in the bus table (PostgreSQL), null for an in-process event. */
  seq: number | null;
}

export type BusHandler<K extends BusEventType> = (data: BusEvents[K], meta: BusMeta) => void | Promise<void>;

/** Carries events to the other processes (api/bus/pg-transport.ts, api/bus/ring-lane.ts). */
export interface BusTransport {
  start(deliver: (envelope: Delivered) => void, resync: (why: string) => void): Promise<void>;
  publish(type: BusEventType, version: number, origin: string, data: unknown): void;
  /** False while the transport is down or catching up: the process reports itself degraded. */
  readonly state: 'ok' | 'catching_up' | 'down';
  stop(): Promise<void>;
}

export interface BusCounters {
  /** Notifications that were not an event at all (bad JSON, wrong shape): counted and dropped. */
  malformed(reason: string): void;
  /** Events of a type or version this process does not know (a rolling upgrade): the truth is read again. */
  unknown(type: string): void;
}

export interface AlarmBusOptions {
  logger: Logger;
  /** Identifies this process on the bus (its own notifications come back and are skipped). */
  origin: string;
  transport?: BusTransport | undefined;
  /** Carries rings from memory ahead of the transport (the shared broker), where processes share one. */
  ringLane?: BusTransport | undefined;
  counters?: BusCounters | undefined;
}

/** Incidents whose news came from another process, remembered so that a late copy of a ring is not shown. */
const HEARD_REMEMBERED = 20_000;

export interface EmitOptions {
  scope?: BusScope;
  /** A ring from memory: also sent on the ring lane, ahead of the database. */
  ring?: boolean;
}

export class AlarmBus {
  private readonly handlers = new Map<BusEventType, Set<BusHandler<never>>>();
  private readonly resyncHandlers = new Set<(why: string) => void | Promise<void>>();
  private resyncing: Promise<void> | undefined;
  private readonly heard = new Set<string>();

  constructor(private readonly opts: AlarmBusOptions) {}

  get origin(): string {
    return this.opts.origin;
  }

  /** ok without a transport (one process); otherwise the transport's state. */
  get state(): 'ok' | 'catching_up' | 'down' {
    return this.opts.transport?.state ?? 'ok';
  }

  async start(): Promise<void> {
    await this.opts.transport?.start((e) => this.receive(e), (why) => this.resync(why));
    // The lane only hurries rings the transport carries too: nothing is missed while it is away.
    await this.opts.ringLane?.start((e) => this.receive(e), () => undefined);
  }

  async stop(): Promise<void> {
    await this.opts.ringLane?.stop();
    await this.opts.transport?.stop();
  }

  /** The ring lane's state, or null where there is none. */
  get ringLaneState(): 'ok' | 'catching_up' | 'down' | null {
    return this.opts.ringLane?.state ?? null;
  }

  on<K extends BusEventType>(type: K, handler: BusHandler<K>): () => void {
    let set = this.handlers.get(type);
    if (!set) this.handlers.set(type, (set = new Set()));
    set.add(handler as BusHandler<never>);
    return () => set.delete(handler as BusHandler<never>);
  }

  /** Told when events may have been missed or not understood: re-read the truth from the database. */
  onResync(handler: (why: string) => void | Promise<void>): () => void {
    this.resyncHandlers.add(handler);
    return () => this.resyncHandlers.delete(handler);
  }

  emit<K extends BusEventType>(type: K, data: BusEvents[K], opts: EmitOptions = {}): void {
    const scope = opts.scope ?? 'cluster';
    if (scope !== 'others') this.dispatch(type, data, { local: true, seq: null });
    if (scope === 'process') return;
    if (opts.ring) this.opts.ringLane?.publish(type, BUS_EVENTS[type].version, this.opts.origin, data);
    this.opts.transport?.publish(type, BUS_EVENTS[type].version, this.opts.origin, data);
  }

  /**
   * Emits and waits for this process's handlers (a cache reloaded) before the other processes are told: for a
   * change the emitter itself relies on next, such as a drill's new bell that must be known before it presses.
   */
  async emitAndSettle<K extends BusEventType>(type: K, data: BusEvents[K]): Promise<void> {
    const results: unknown[] = [];
    for (const h of this.handlers.get(type) ?? []) {
      try {
        results.push((h as BusHandler<K>)(data, { local: true, seq: null }));
      } catch (err) {
        this.opts.logger.error({ err, type }, 'bus handler failed');
      }
    }
    for (const r of await Promise.allSettled(results)) {
      if (r.status === 'rejected') this.opts.logger.error({ err: r.reason, type }, 'bus handler failed');
    }
    this.opts.transport?.publish(type, BUS_EVENTS[type].version, this.opts.origin, data);
  }

  /** An event from another process (the transport validated the envelope). */
  private receive(e: Delivered): void {
    if (e.o === this.opts.origin) return;
    if (!isBusEventType(e.t) || e.v > BUS_EVENTS[e.t].version) {
      this.opts.counters?.unknown(e.t);
      this.opts.logger.warn({ type: e.t, version: e.v, seq: e.s }, 'bus event of an unknown type or version; reading the truth again');
      void this.resync(`unknown event ${e.t} v${e.v}`);
      return;
    }
    const parsed = BUS_EVENTS[e.t].schema.safeParse(e.d);
    if (!parsed.success) {
      this.opts.counters?.malformed('data');
      this.opts.logger.warn({ type: e.t, seq: e.s, issues: parsed.error.issues.slice(0, 3) }, 'malformed bus event dropped');
      return;
    }
    if (!this.firstNewsKept(e.t, parsed.data)) return;
    this.dispatch(e.t, e.d as never, { local: false, seq: e.s });
  }

  /**
   * False for a ring from memory of an incident already heard of: the second copy of a ring that took both
   * lanes, or one that arrives after its incident's stored news or withdrawal.
   */
  private firstNewsKept(type: BusEventType, data: unknown): boolean {
    if (!(INCIDENT_EVENTS as readonly string[]).includes(type)) return true;
    const incident = (data as { incident: { id: string; stored?: unknown } }).incident;
    const known = this.heard.has(incident.id);
    if (type === 'incident.opened' && incident.stored === false && known) return false;
    if (!known) {
      this.heard.add(incident.id);
      if (this.heard.size > HEARD_REMEMBERED) this.heard.delete(this.heard.values().next().value!);
    }
    return true;
  }

  private dispatch<K extends BusEventType>(type: K, data: BusEvents[K], meta: BusMeta): void {
    const set = this.handlers.get(type);
    if (!set) return;
    for (const h of set) {
      try {
        const r = (h as BusHandler<K>)(data, meta);
        if (r instanceof Promise) r.catch((err: unknown) => this.opts.logger.error({ err, type }, 'bus handler failed'));
      } catch (err) {
        this.opts.logger.error({ err, type }, 'bus handler failed');
      }
    }
  }

  /** Runs every resync handler; overlapping requests share one run. */
  resync(why: string): Promise<void> {
    this.resyncing ??= (async () => {
      this.opts.logger.warn({ why }, 'bus: reading the truth again');
      for (const h of this.resyncHandlers) {
        try {
          await h(why);
        } catch (err) {
          this.opts.logger.error({ err, why }, 'bus resync handler failed');
        }
      }
    })().finally(() => (this.resyncing = undefined));
    return this.resyncing;
  }
}
