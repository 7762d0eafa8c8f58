import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import {
  DEFAULT_TOPIC_ROOT, EVENT_TYPES, bellTopic, computeMac, decodeAck, encodeEvent, isValidId,
  type AckState, type BellEvent, type BellEventType, type Heartbeat,
} from '../protocol/index.ts';
import { AckBook, BellStoppedError, BellTimeoutError, type BellAck, type WaitForStateOptions } from './ack-book.ts';
import { SeqStore } from './seq-store.ts';

export { BellStoppedError, BellTimeoutError, type BellAck, type WaitForStateOptions };

export interface VirtualBellOptions {
  bellId: string;
  mqttUrl: string;
  /** Hex key the bell is provisioned with; events then carry a `mac`. */
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
  heartbeatEveryMs?: number | undefined;
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
const OFFLINE = '{"online":false}';
const ONLINE = '{"online":true}';

interface Pending {
  seq: number;
  type: BellEventType;
  resolve(ack: BellAck): void;
  reject(err: Error): void;
  timers: NodeJS.Timeout[];
}

/** A real MQTT client that behaves as bell firmware does (PROTOCOL.md §1). */
export class VirtualBell extends EventEmitter<VirtualBellEvents> {
  readonly bellId: string;
  readonly topicRoot: string;
  private readonly seqStore: SeqStore;
  private client: MqttClient | undefined;
  private stopped = false;
  private startedAt = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<number, Pending>();
  private readonly book: AckBook;

  constructor(private readonly opts: VirtualBellOptions) {
    super();
    if (!isValidId(opts.bellId)) throw new Error(`bell id ${JSON.stringify(opts.bellId)} is not [A-Za-z0-9_.-]{1,64}`);
    if (opts.keyHex !== undefined && !/^(?:[0-9a-fA-F]{2})+$/.test(opts.keyHex)) throw new Error(`key of bell ${opts.bellId} is not hex`);
    this.bellId = opts.bellId;
    this.topicRoot = opts.topicRoot ?? DEFAULT_TOPIC_ROOT;
    this.seqStore = new SeqStore(opts.stateDir, opts.bellId);
    this.book = new AckBook(opts.bellId);
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  private topic(kind: 'event' | 'heartbeat' | 'status' | 'ack'): string {
    return bellTopic(this.topicRoot, this.bellId, kind);
  }

  /** Connects, subscribes to the bell's ack topic and announces `{"online":true}` (retained). */
  async start(): Promise<void> {
    if (this.client || this.stopped) throw new Error(`bell ${this.bellId} was already started (a stopped bell cannot restart: make a new one)`);
    const timeoutMs = this.opts.connectTimeoutMs ?? 5_000;
    const client = mqtt.connect(this.opts.mqttUrl, {
      // A random suffix: a second process for the same bell must not take over (and kill) the first one's session.
      clientId: this.opts.clientId ?? `gb-bell-${this.bellId}-${Math.random().toString(36).slice(2, 8)}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: timeoutMs,
      username: this.opts.username,
      password: this.opts.password,
      will: { topic: this.topic('status'), payload: Buffer.from(OFFLINE), qos: 1, retain: true },
    });
    this.client = client;
    let announced: Promise<unknown> = Promise.resolve();
    client.on('connect', () => {
      // Nagle with delayed ACKs adds ~40 ms to every QoS 1 round trip. mqtt:// and mqtts:// streams are net.Sockets.
      (client.stream as Socket).setNoDelay?.(true);
      // On every (re)connect: the will may have replaced the retained status meanwhile.
      announced = client.publishAsync(this.topic('status'), ONLINE, { qos: 1, retain: true });
      announced.catch(() => undefined);
      this.emit('connect');
    });
    client.on('offline', () => this.emit('offline'));
    client.on('error', () => {
      /* mqtt.js reconnects by itself; start() reports the first failure */
    });
    client.on('message', (topic, payload) => {
      if (topic === this.topic('ack')) this.onAck(topic, payload);
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        const onConnect = () => done();
        const onError = (err: Error) => done(err);
        const done = (err?: Error) => {
          clearTimeout(timer);
          client.removeListener('connect', onConnect);
          client.removeListener('error', onError);
          if (err) reject(err);
          else resolve();
        };
        client.once('connect', onConnect);
        client.once('error', onError);
      });
      // mqtt.js resubscribes by itself after a reconnect.
      const granted = await client.subscribeAsync(this.topic('ack'), { qos: 1 });
      if (granted.some((g) => g.qos === 128)) throw new Error(`the broker refused the subscription to ${this.topic('ack')}`);
      await announced;
    } catch (err) {
      this.client = undefined;
      client.end(true);
      const reason = (err as Error).message;
      throw new Error(`bell ${this.bellId} could not reach the MQTT broker at ${redactUrl(this.opts.mqttUrl)} (${reason})`);
    }
    this.startedAt = Date.now();
    const every = this.opts.heartbeatEveryMs;
    if (every !== undefined && every > 0) {
      this.heartbeatTimer = setInterval(() => {
        if (client.connected) this.heartbeat().catch(() => undefined);
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
    const client = this.requireClient();
    // Persisted before publishing: a seq on the wire is never handed out again, whatever happens next.
    const seq = await this.seqStore.next();
    if (this.stopped) throw new BellStoppedError(`bell ${this.bellId} stopped before sending ${type} seq ${seq}`);
    const event: BellEvent = { seq, type, at: (opts.at ?? new Date()).toISOString() };
    const battery = opts.battery ?? this.opts.battery;
    if (battery !== undefined) event.battery = battery;
    if (opts.rssi !== undefined) event.rssi = opts.rssi;
    if (opts.fw !== undefined) event.fw = opts.fw;
    if (this.opts.keyHex !== undefined) event.mac = computeMac(this.opts.keyHex, this.bellId, event);
    const payload = encodeEvent(event);
    const timeoutMs = opts.timeoutMs ?? this.opts.receivedTimeoutMs ?? 10_000;

    let attempt = 0;
    const publish = () => {
      attempt += 1;
      this.emit('sent', { seq, type, payload, attempt });
      // Errors need no handling here: the next copy goes out in retransmitMs.
      client.publish(this.topic('event'), payload, { qos: 1 }, () => undefined);
    };
    const received = new Promise<BellAck>((resolve, reject) => {
      const p: Pending = { seq, type, resolve, reject, timers: [] };
      p.timers.push(
        setInterval(() => {
          // Offline, mqtt.js already holds the last QoS 1 copy for the reconnect: do not pile more up.
          if (client.connected) publish();
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

  /** The incident the gateway put an event of this bell into, once it said `received`. */
  incidentOf(seq: number): string | undefined {
    return this.book.incidentOf(seq);
  }

  /** Publishes a heartbeat (QoS 0); fields not given come from the options. */
  async heartbeat(fields: Heartbeat = {}): Promise<void> {
    const client = this.requireClient();
    const body: Heartbeat = {
      battery: fields.battery ?? this.opts.battery ?? 100,
      rssi: fields.rssi ?? this.opts.rssi ?? -55,
      fw: fields.fw ?? this.opts.fw ?? VIRTUAL_BELL_FW,
      uptime: fields.uptime ?? Math.floor((Date.now() - this.startedAt) / 1000),
    };
    await client.publishAsync(this.topic('heartbeat'), JSON.stringify(body), { qos: 0 });
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
    const client = this.client;
    if (!client) return;
    const graceful = opts.graceful ?? true;
    const announce = opts.announceOffline ?? true;
    let saidGoodbye = false;
    if (graceful && announce && client.connected) {
      // Raced against the socket closing: a broker that just vanished must not hold stop() for the whole cap.
      const closed = new Promise<boolean>((resolve) => client.once('close', () => resolve(false)));
      const published = client.publishAsync(this.topic('status'), OFFLINE, { qos: 1, retain: true }).then(() => true, () => false);
      saidGoodbye = await within(Promise.race([published, closed]), 2_000, false);
    }
    // end(true) destroys the stream without DISCONNECT (a power cut: the broker fires the will). A clean end waits
    // for in-flight QoS 1, so it is capped; a second end() is a no-op while the first is pending, hence destroy().
    const force = !graceful || (announce && !saidGoodbye);
    const ended = new Promise<boolean>((resolve) => client.end(force, () => resolve(true)));
    if (!(await within(ended, 2_000, false))) (client.stream as Socket | undefined)?.destroy();
  }

  private requireClient(): MqttClient {
    if (this.stopped) throw new BellStoppedError(`bell ${this.bellId} is stopped`);
    if (!this.client) throw new Error(`bell ${this.bellId} is not started: call start() first`);
    return this.client;
  }

  private settle(seq: number): Pending | undefined {
    const p = this.pending.get(seq);
    if (!p) return undefined;
    for (const t of p.timers) clearTimeout(t);
    this.pending.delete(seq);
    return p;
  }

  private onAck(topic: string, payload: Buffer): void {
    const decoded = decodeAck(payload);
    if (!decoded.ok) {
      this.emit('invalid', { topic, detail: decoded.detail });
      return;
    }
    const ack: BellAck = { seq: decoded.value.seq, incident: decoded.value.incident, state: decoded.value.state };
    // Every state implies `received`: acknowledged, cancelled and closed come only after the event is stored.
    this.settle(ack.seq)?.resolve(ack);
    this.book.record(ack);
    this.emit('ack', ack);
  }
}

/** p's value if it settles within ms, else `fallback`; never keeps a timer alive. */
async function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
