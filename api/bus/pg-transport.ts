/**
 * The bus between processes on PostgreSQL. Each event is appended to `bus_events` (a sequence) and announced
 * with NOTIFY in the same statement; a listener remembers the sequences it has seen. A LISTEN connection that
 * drops misses notifications, so after reconnecting the listener reads the table forward from where it was
 * (a margin back, since sequences are taken before commit and may commit out of order) before it reports ok.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { BusCounters, BusTransport } from './bus.ts';
import { envelopeSchema, type BusEventType, type Envelope } from './events.ts';
import { newPool } from '../store/database.ts';

export const BUS_CHANNEL = 'guardbell_bus';
/** NOTIFY payloads must stay under 8,000 bytes; a bigger event is announced by its sequence alone. */
const MAX_PAYLOAD = 7_900;
/** Sequences read again after a reconnect, for events whose sequence was taken before the drop but committed after. */
const CATCH_UP_MARGIN = 1_000;
const SEEN_REMEMBERED = 20_000;
/** Events are kept this long; a listener away for longer re-reads the truth instead of replaying. */
const RETENTION_MS = 15 * 60_000;
const PRUNE_EVERY_MS = 60_000;
const MAX_QUEUED = 50_000;
/**
 * News that no other process acts on within milliseconds may wait this long for other events to share its statement:
 * a notification's status (a provider's report, our own send's outcome) updates the consoles' incident files, and a
 * bell's health (online, battery, troubles; judged against deadlines of seconds) their bell lists. Any other event
 * goes at the next turn and takes what waits with it.
 */
export const MAY_WAIT_MS = 25;
const MAY_WAIT: ReadonlySet<BusEventType> = new Set(['notification.changed', 'bell.health']);
/**
 * The head of a notification as PostgreSQL's json_build_object writes it (see flush): its sequence and origin. A
 * process hears each of its own events back; reading them there spares parsing and validating the whole event.
 */
const HEAD = /^\{"s" : (\d{1,15}), "t" : "[a-z._]*", "v" : \d+, "o" : "([^"\\]*)", "d" : /;

interface Pending {
  t: BusEventType;
  v: number;
  o: string;
  d: unknown;
}

/** A queued event and when it was queued (performance.now()). */
interface Queued {
  event: Pending;
  at: number;
}

export interface PgTransportOptions {
  url: string;
  logger: Logger;
  counters?: BusCounters | undefined;
  /** Names the LISTEN connection in pg_stat_activity (an operator, or a test, can find it). */
  applicationName?: string;
  /** This process's origin: its own events, heard back, only move the sequences seen on (the bus skips them). */
  origin?: string;
  /** Called after a catch-up with the number of events replayed (metrics). */
  onCaughtUp?: (events: number) => void;
  /** How long news that may wait waits for company ({@link MAY_WAIT_MS}). */
  mayWaitMs?: number;
}

export class PgBusTransport implements BusTransport {
  private readonly pool: pg.Pool;
  private listener: pg.Client | undefined;
  private deliver: (e: Envelope) => void = () => undefined;
  private resync: (why: string) => void = () => undefined;
  private readonly seen = new Set<number>();
  private maxSeen = 0;
  /** The last sequence before this process started: older events are history, never replayed. */
  private startSeq = 0;
  private lostAt: number | null = null;
  private chain: Promise<void> = Promise.resolve();
  private queue: Queued[] = [];
  /** Events in the queue that may not wait. */
  private urgent = 0;
  private flushing = false;
  private flushSoon = false;
  private flushTimer: NodeJS.Timeout | undefined;
  private waitTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private backoffMs = 100;
  private stopped = false;
  state: 'ok' | 'catching_up' | 'down' = 'down';
  private readonly mayWaitMs: number;

  constructor(private readonly opts: PgTransportOptions) {
    this.mayWaitMs = opts.mayWaitMs ?? MAY_WAIT_MS;
    // A database restart must not end the process through the bus (brianc/node-postgres#1324).
    this.pool = newPool({ connectionString: opts.url, max: 2, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 30_000 });
  }

  async start(deliver: (e: Envelope) => void, resync: (why: string) => void): Promise<void> {
    this.deliver = deliver;
    this.resync = resync;
    // Start after what is already there: history is the database's, not the bus's.
    const { rows } = await this.pool.query<{ seq: string | null }>('select max(seq) as seq from bus_events');
    this.maxSeen = this.startSeq = Number(rows[0]?.seq ?? 0);
    await this.connect();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.flushTimer);
    clearTimeout(this.waitTimer);
    clearInterval(this.pruneTimer);
    await this.flush().catch(() => undefined);
    const l = this.listener;
    this.listener = undefined;
    await l?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }

  publish(type: BusEventType, version: number, origin: string, data: unknown): void {
    if (this.stopped) return;
    if (this.queue.length >= MAX_QUEUED) {
      // The database has been away for long: the oldest events go, and other processes re-read the truth
      // when they see the gap (they resync on reconnect too).
      const [dropped] = this.queue.splice(0, 1);
      if (dropped && !MAY_WAIT.has(dropped.event.t)) this.urgent--;
      this.opts.counters?.malformed('dropped_unsent');
    }
    const mayWait = MAY_WAIT.has(type);
    this.queue.push({ event: { t: type, v: version, o: origin, d: data }, at: performance.now() });
    if (!mayWait) this.urgent++;
    if (this.flushing) return; // the flush under way sends it next
    if (mayWait) return this.flushWhenWaited();
    // Events of one turn of the event loop (a batch of presses written, a batch of provider reports) go in one
    // statement: sent at the first, they took two, and most statements carried a single event.
    if (!this.flushSoon) {
      this.flushSoon = true;
      setImmediate(() => {
        this.flushSoon = false;
        void this.flush();
      });
    }
  }

  /** Something in the queue must go now: an event that may not wait, news that has waited enough, or a stop. */
  private due(): boolean {
    const oldest = this.queue[0];
    return oldest !== undefined && (this.urgent > 0 || this.stopped || performance.now() - oldest.at >= this.mayWaitMs);
  }

  /** Only news that may wait is queued: it goes when the oldest has waited its time, or earlier with the next event. */
  private flushWhenWaited(): void {
    const oldest = this.queue[0];
    if (!oldest || this.stopped || this.waitTimer) return;
    this.waitTimer = setTimeout(() => {
      this.waitTimer = undefined;
      void this.flush();
    }, Math.max(0, this.mayWaitMs - (performance.now() - oldest.at)));
  }

  /** Appends the queued events in one statement, each announced by NOTIFY at commit. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.due()) {
        clearTimeout(this.waitTimer);
        this.waitTimer = undefined;
        const batch = this.queue.slice(0, 200);
        try {
          await this.pool.query(
            `with e as (
               insert into bus_events (type, version, origin, data)
               select x.e->>'t', (x.e->>'v')::int, x.e->>'o', x.e->'d' from jsonb_array_elements($1::jsonb) with ordinality as x(e, n) order by x.n
               returning seq, type, version, origin, data
             ), j as (select seq, json_build_object('s', seq, 't', type, 'v', version, 'o', origin, 'd', data)::text as payload from e)
             select pg_notify($2, case when octet_length(payload) <= ${MAX_PAYLOAD} then payload else json_build_object('s', seq, 'ref', true)::text end) from j order by seq`,
            [JSON.stringify(batch.map((q) => q.event)), BUS_CHANNEL],
          );
          this.queue.splice(0, batch.length);
          for (const q of batch) if (!MAY_WAIT.has(q.event.t)) this.urgent--;
          this.backoffMs = 100;
        } catch (err) {
          this.opts.logger.warn({ err, queued: this.queue.length }, 'bus events not sent yet; retrying');
          if (this.stopped) return;
          clearTimeout(this.flushTimer);
          this.flushTimer = setTimeout(() => void this.flush(), this.backoffMs);
          this.backoffMs = Math.min(this.backoffMs * 2, 2_000);
          return;
        }
      }
      this.flushWhenWaited();
    } finally {
      this.flushing = false;
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.opts.url, connectionTimeoutMillis: 2_000, keepAlive: true, application_name: this.opts.applicationName ?? 'guardbell-bus',
    });
    // A connection cut before it became the listener is not the listener's loss (lost() ignores it): remembered here.
    let cut = false;
    client.on('error', (err) => {
      cut = true;
      this.lost(client, err);
    });
    client.on('end', () => {
      cut = true;
      this.lost(client, new Error('connection ended'));
    });
    client.on('notification', (n) => {
      if (n.channel !== BUS_CHANNEL) return;
      void this.enqueue(() => this.onNotification(n.payload ?? ''));
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${BUS_CHANNEL}`);
      if (cut) throw new Error('LISTEN connection ended while connecting');
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    this.listener = client;
    const wasLost = this.lostAt;
    if (wasLost === null) {
      this.state = 'ok';
      return;
    }
    // Notifications from now on queue behind the catch-up, so the order is kept.
    this.state = 'catching_up';
    await this.enqueue(() => this.catchUp(wasLost, client));
  }

  private lost(client: pg.Client, err: Error): void {
    if (this.listener !== client || this.stopped) return;
    this.listener = undefined;
    this.state = 'down';
    // Monotonic: how long the listener was away, which a stepped wall clock must not stretch or shrink.
    this.lostAt ??= performance.now();
    this.opts.logger.warn({ err: err.message }, 'bus: LISTEN connection lost; reconnecting');
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => (this.backoffMs = 100),
        (err: unknown) => {
          this.opts.logger.warn({ err: (err as Error).message }, 'bus: LISTEN reconnect failed; retrying');
          this.backoffMs = Math.min(this.backoffMs * 2, 2_000);
          if (!this.stopped) this.scheduleReconnect();
        },
      );
    }, this.backoffMs);
  }

  /** Reads every event the listener may have missed, in order, before reporting ok. */
  private async catchUp(lostAt: number, client: pg.Client): Promise<void> {
    try {
      if (performance.now() - lostAt > RETENTION_MS / 2) {
        // Away longer than the table can be trusted to hold: the truth is re-read instead.
        this.resync('bus listener was away too long');
      } else {
        const { rows } = await this.pool.query<{ seq: string; type: string; version: number; origin: string; data: unknown }>(
          'select seq, type, version, origin, data from bus_events where seq > $1 order by seq',
          [Math.max(this.startSeq, this.maxSeen - CATCH_UP_MARGIN)],
        );
        let replayed = 0;
        for (const r of rows) {
          if (this.markSeen(Number(r.seq)) && r.origin !== this.opts.origin) {
            replayed++;
            this.deliver({ s: Number(r.seq), t: r.type, v: r.version, o: r.origin, d: r.data });
          }
        }
        this.opts.logger.info({ replayed }, 'bus: caught up after a lost LISTEN connection');
        this.opts.onCaughtUp?.(replayed);
      }
      // Cut again while reading: what came after the read is in no notification of ours, so the next
      // connection must catch up again (lostAt is kept) instead of reporting ok.
      if (this.listener !== client) return;
      this.lostAt = null;
      this.state = 'ok';
    } catch (err) {
      // Still away: stay degraded and try the whole reconnect again.
      this.opts.logger.warn({ err: (err as Error).message }, 'bus: catch-up failed; retrying');
      const l = this.listener;
      this.listener = undefined;
      this.state = 'down';
      await l?.end().catch(() => undefined);
      this.scheduleReconnect();
    }
  }

  private async onNotification(payload: string): Promise<void> {
    const head = HEAD.exec(payload);
    if (head && head[2] === this.opts.origin && payload.endsWith('}')) {
      this.markSeen(Number(head[1]));
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(payload);
    } catch {
      this.malformed('json', payload);
      return;
    }
    const ref = raw as { s?: unknown; ref?: unknown };
    if (ref.ref === true && typeof ref.s === 'number') {
      const { rows } = await this.pool.query<{ seq: string; type: string; version: number; origin: string; data: unknown }>(
        'select seq, type, version, origin, data from bus_events where seq = $1', [ref.s],
      );
      const r = rows[0];
      if (!r) return this.malformed('missing_row', payload);
      raw = { s: Number(r.seq), t: r.type, v: r.version, o: r.origin, d: r.data };
    }
    const parsed = envelopeSchema.safeParse(raw);
    if (!parsed.success) return this.malformed('envelope', payload);
    if (!this.markSeen(parsed.data.s)) return;
    this.deliver(parsed.data);
  }

  private malformed(reason: string, payload: string): void {
    this.opts.counters?.malformed(reason);
    this.opts.logger.warn({ reason, payload: payload.slice(0, 200) }, 'malformed bus notification dropped');
  }

  /** True the first time a sequence is seen. */
  private markSeen(seq: number): boolean {
    if (this.seen.has(seq)) return false;
    this.seen.add(seq);
    if (this.seen.size > SEEN_REMEMBERED) this.seen.delete(this.seen.values().next().value!);
    if (seq > this.maxSeen) this.maxSeen = seq;
    return true;
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(job).catch((err: unknown) => this.opts.logger.error({ err }, 'bus: delivering an event failed'));
    return this.chain;
  }

  private async prune(): Promise<void> {
    await this.pool.query(`delete from bus_events where at < now() - interval '${RETENTION_MS / 1000} seconds'`).catch(() => undefined);
  }
}
