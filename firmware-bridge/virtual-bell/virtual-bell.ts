import { EventEmitter } from 'node:events';
import {
  DEFAULT_TOPIC_ROOT, EVENT_TYPES, computeMac, isValidId,
  type AckState, type BellEvent, type BellEventType, type Heartbeat,
} from '../protocol/index.ts';
import type { SerialSpec } from '../serial-line/index.ts';
import { AckBook, BellStoppedError, BellTimeoutError, type BellAck, type WaitForStateOptions } from './ack-book.ts';
import { MqttBellTransport } from './mqtt-transport.ts';
import { SeqStore } from './seq-store.ts';
import { SerialBellTransport } from './serial-transport.ts';
import type { BellTransport } from './transport.ts';

export { BellStoppedError, BellTimeoutError, type BellAck, type WaitForStateOptions };
export type { BellTransport, TransportHandlers } from './transport.ts';

export interface VirtualBellOptions {
  bellId: string;
  /** Native MQTT (PROTOCOL.md §1). Exactly one of `mqttUrl` and `serial`. */
  mqttUrl?: string | undefined;
  /** Native serial line (PROTOCOL.md §2): `$GB1` frames out, `$GBA` acks in. */
  serial?: SerialSpec | undefined;
  /** Hex key the bell is provisioned with; events then carry a `mac`. MQTT only: serial refuses keyed bells. */
  keyHex?: string | undefined;
  topicRoot?: string | undefined;
  /** Folder of the per-bell seq files. */
  stateDir: string;
  /** PROTOCOL.md §1: the same event again every 2 s until `received`. */
  retransmitMs?: number | undefined;
  /** How long `send` waits for `received` unless told otherwise (default 10 s); Infinity waits forever. */
  receivedTimeoutMs?: number | undefined;
  /** How long `start` waits for the broker's CONNACK (default 5 s). */
  connectTimeoutMs?: number | undefined;
  /** false: announce `{"online":false}` until `setOnline(true)` (MQTT). Default true. */
  startOnline?: boolean | undefined;
  heartbeatEveryMs?: number | undefined;
  /** A wired bell (behind the edge bridge): no battery and no radio, so heartbeats carry neither. */
  wired?: boolean | undefined;
  battery?: number | undefined;
  rssi?: number | undefined;
  fw?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  clientId?: string | undefined;
}
export interface SendEventOptions {
  battery?: number | undefined;
  rssi?: number | undefined;
  fw?: string | undefined;
  /** The bell's clock for this event (default now). */
  at?: Date | undefined;
  timeoutMs?: number | undefined;
}

/** A published event, retransmitted until `received` settles. */
export interface PendingEvent {
  seq: number;
  type: BellEventType;
  /** The exact bytes sent on every copy. */
  payload: string;
  received: Promise<BellAck>;
}

export interface VirtualBellEvents {
  ack: [BellAck];
  sent: [{ seq: number; type: BellEventType; payload: string; attempt: number }];
  connect: [];
  offline: [];
  invalid: [{ topic: string; detail: string }];
}

export const VIRTUAL_BELL_FW = 'virtual-1.0.0';

interface Pending {
  seq: number;
  type: BellEventType;
  resolve(ack: BellAck): void;
  reject(err: Error): void;
  timers: NodeJS.Timeout[];
}

/** Picks the transport from the options; when it cannot, says which choices there are. */
function transportFor(opts: VirtualBellOptions, topicRoot: string): BellTransport {
  if ((opts.mqttUrl === undefined) === (opts.serial === undefined)) {
    throw new Error(`bell ${opts.bellId} needs exactly one transport: mqttUrl (native MQTT, PROTOCOL.md §1) or serial (native serial, §2)`);
  }
  if (opts.serial) {
    if (opts.keyHex !== undefined) throw new Error(`bell ${opts.bellId} has a key: a keyed bell is refused on a serial line (PROTOCOL.md §2)`);
    return new SerialBellTransport(opts.bellId, opts.serial);
  }
  return new MqttBellTransport({
    bellId: opts.bellId,
    mqttUrl: opts.mqttUrl!,
    topicRoot,
    connectTimeoutMs: opts.connectTimeoutMs ?? 5_000,
    startOnline: opts.startOnline ?? true,
    username: opts.username,
    password: opts.password,
    clientId: opts.clientId,
  });
}

/** A bell that behaves as firmware does (PROTOCOL.md §1, §2), over MQTT or a serial line. */
export class VirtualBell extends EventEmitter<VirtualBellEvents> {
  readonly bellId: string;
  readonly topicRoot: string;
  private readonly seqStore: SeqStore;
  private readonly transport: BellTransport;
  private started = false;
  private stopped = false;
  private startedAt = 0;
  private bootCount: number | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly book: AckBook;

  constructor(private readonly opts: VirtualBellOptions) {
    super();
    if (!isValidId(opts.bellId)) throw new Error(`bell id ${JSON.stringify(opts.bellId)} is not [A-Za-z0-9_.-]{1,64}`);
    if (opts.keyHex !== undefined && !/^(?:[0-9a-fA-F]{2})+$/.test(opts.keyHex)) throw new Error(`key of bell ${opts.bellId} is not hex`);
    this.bellId = opts.bellId;
    this.topicRoot = opts.topicRoot ?? DEFAULT_TOPIC_ROOT;
    this.transport = transportFor(opts, this.topicRoot);
    this.seqStore = new SeqStore(opts.stateDir, opts.bellId);
    this.book = new AckBook(opts.bellId);
  }

  get connected(): boolean {
    return this.started && this.transport.connected;
  }

  /** The boot counter of this run (PROTOCOL.md §1 `boot`), once started. */
  get boot(): number | undefined {
    return this.bootCount;
  }

  /**
   * Raises the boot counter, then connects (MQTT: subscribes to the ack topic and announces its status,
   * retained; serial: opens the port).
   */
  async start(): Promise<void> {
    if (this.started || this.stopped) throw new Error(`bell ${this.bellId} was already started (a stopped bell cannot restart: make a new one)`);
    this.started = true;
    try {
      // Every event of this run carries it, so the gateway hears a bell whose counting started over at once.
      this.bootCount = await this.seqStore.nextBoot();
      await this.transport.start({
        ack: (ack) => this.onAck(ack),
        invalid: (topic, detail) => this.emit('invalid', { topic, detail }),
        connect: () => this.emit('connect'),
        offline: () => this.emit('offline'),
      });
    } catch (err) {
      this.started = false;
      throw new Error(`bell ${this.bellId} ${(err as Error).message}`);
    }
    this.startedAt = Date.now();
    const every = this.opts.heartbeatEveryMs;
    if (every !== undefined && every > 0) {
      this.heartbeatTimer = setInterval(() => {
        if (this.transport.connected) this.heartbeat().catch(() => undefined);
      }, every);
    }
  }

  /** Sends an event and resolves once the gateway says `received` (or any later state) for its seq. */
  async send(type: BellEventType, opts: SendEventOptions = {}): Promise<BellAck> {
    const pending = await this.publishEvent(type, opts);
    return pending.received;
  }

  /** Sends an event and returns as soon as its first copy is out; `received` settles as `send` does. */
  async publishEvent(type: BellEventType, opts: SendEventOptions = {}): Promise<PendingEvent> {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) throw new Error(`unknown event type ${JSON.stringify(type)}`);
    this.requireStarted();
    // Persisted before sending: a seq on the wire is never handed out again, whatever happens next.
    const seq = await this.seqStore.next();
    if (this.stopped) throw new BellStoppedError(`bell ${this.bellId} stopped before sending ${type} seq ${seq}`);
    const event: BellEvent = { seq, type, at: (opts.at ?? new Date()).toISOString(), boot: this.bootCount };
    const battery = opts.battery ?? this.opts.battery;
    if (battery !== undefined) event.battery = battery;
    if (opts.rssi !== undefined) event.rssi = opts.rssi;
    if (opts.fw !== undefined) event.fw = opts.fw;
    if (this.opts.keyHex !== undefined) event.mac = computeMac(this.opts.keyHex, this.bellId, event);
    const payload = this.transport.encode(event);
    const timeoutMs = opts.timeoutMs ?? this.opts.receivedTimeoutMs ?? 10_000;

    let attempt = 0;
    const publish = () => {
      attempt += 1;
      this.emit('sent', { seq, type, payload, attempt });
      this.transport.send(payload);
    };
    const received = new Promise<BellAck>((resolve, reject) => {
      const p: Pending = { seq, type, resolve, reject, timers: [] };
      p.timers.push(
        setInterval(() => {
          // Disconnected: MQTT already holds the last QoS 1 copy for the reconnect, a closed port takes none.
          if (this.transport.connected) publish();
        }, this.opts.retransmitMs ?? 2_000),
      );
      if (Number.isFinite(timeoutMs)) {
        p.timers.push(
          setTimeout(() => {
            this.settle(seq);
            reject(new BellTimeoutError(this.bellId, ['received'], `${type} seq ${seq}`, timeoutMs));
          }, timeoutMs),
        );
      }
      this.pending.set(seq, p);
    });
    // Callers who only want the seq must not get an unhandled rejection; awaiting `received` still throws.
    received.catch(() => undefined);
    publish();
    return { seq, type, payload, received };
  }

  /** Resolves with the ack once one of `states` arrives (or has arrived) for the incident or seq. */
  waitForState(state: AckState | readonly AckState[], filter: WaitForStateOptions): Promise<BellAck> {
    return this.book.wait(state, filter);
  }

  /** The most advanced state the gateway has told for an incident. */
  latestState(incident: string): BellAck | undefined {
    return this.book.latestState(incident);
  }

  /** The incident the gateway put an event of this bell into, once it said `received` (MQTT acks name it). */
  incidentOf(seq: number): string | undefined {
    return this.book.incidentOf(seq);
  }

  /** Publishes a heartbeat (MQTT QoS 0, or an `hb` frame); fields not given come from the options. */
  async heartbeat(fields: Heartbeat = {}): Promise<void> {
    this.requireStarted();
    const body: Heartbeat = {
      ...(this.opts.wired ? {} : { battery: fields.battery ?? this.opts.battery ?? 100, rssi: fields.rssi ?? this.opts.rssi ?? -55 }),
      fw: fields.fw ?? this.opts.fw ?? VIRTUAL_BELL_FW,
      uptime: fields.uptime ?? Math.floor((Date.now() - this.startedAt) / 1000),
    };
    await this.transport.heartbeat(body, () => this.seqStore.next());
  }

  /** Announces the bell online or offline (MQTT retained status); a bridge says offline when it loses its inputs. */
  async setOnline(online: boolean): Promise<void> {
    this.requireStarted();
    await this.transport.setOnline(online);
  }

  /**
   * Stops retransmitting and disconnects. Graceful: announces `{"online":false}` and sends DISCONNECT;
   * with `announceOffline: false` it only disconnects cleanly (a one-shot CLI run stands in for a bell
   * that stays installed, and must not mark it offline).
   * `graceful: false` is a power cut: the socket is destroyed without DISCONNECT, so the broker fires the will.
   */
  async stop(opts: { graceful?: boolean; announceOffline?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    for (const p of [...this.pending.values()]) {
      this.settle(p.seq);
      p.reject(new BellStoppedError(`bell ${this.bellId} stopped before 'received' for ${p.type} seq ${p.seq}`));
    }
    this.book.close();
    if (!this.started) return;
    await this.transport.stop({ graceful: opts.graceful ?? true, announceOffline: opts.announceOffline ?? true });
  }

  private requireStarted(): void {
    if (this.stopped) throw new BellStoppedError(`bell ${this.bellId} is stopped`);
    if (!this.started) throw new Error(`bell ${this.bellId} is not started: call start() first`);
  }

  private settle(seq: number): Pending | undefined {
    const p = this.pending.get(seq);
    if (!p) return undefined;
    for (const t of p.timers) clearTimeout(t);
    this.pending.delete(seq);
    return p;
  }

  private onAck(ack: BellAck): void {
    // Every state implies `received`: acknowledged, cancelled and closed come only after the event is stored.
    this.settle(ack.seq)?.resolve(ack);
    this.book.record(ack);
    this.emit('ack', ack);
  }
}
