/** A bell on native MQTT (PROTOCOL.md §1): events at QoS 1, acks on its ack topic, retained status and will. */
import type { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { bellTopic, decodeAck, encodeEvent, type BellEvent, type BellTopicKind, type Heartbeat } from '../protocol/index.ts';
import type { BellTransport, TransportHandlers } from './transport.ts';

export interface MqttTransportOptions {
  bellId: string;
  mqttUrl: string;
  topicRoot: string;
  /** How long start() keeps trying to reach the broker (Infinity: as long as it takes, as firmware does). */
  connectTimeoutMs: number;
  /** false: say `{"online":false}` on connect until `setOnline(true)` (a bridge whose board is not heard yet). */
  startOnline: boolean;
  username?: string | undefined;
  password?: string | undefined;
  clientId?: string | undefined;
}

const OFFLINE = '{"online":false}';
const ONLINE = '{"online":true}';

export class MqttBellTransport implements BellTransport {
  private client: MqttClient | undefined;
  private online: boolean;

  constructor(private readonly opts: MqttTransportOptions) {
    this.online = opts.startOnline;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  private topic(kind: BellTopicKind): string {
    return bellTopic(this.opts.topicRoot, this.opts.bellId, kind);
  }

  async start(handlers: TransportHandlers): Promise<void> {
    const timeoutMs = this.opts.connectTimeoutMs;
    const client = mqtt.connect(this.opts.mqttUrl, {
      // A random suffix: a second process for the same bell must not take over (and kill) the first one's session.
      clientId: this.opts.clientId ?? `gb-bell-${this.opts.bellId}-${Math.random().toString(36).slice(2, 8)}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: RETRY_MS,
      // Per attempt: an overall wait of minutes must not leave one silent half-open attempt hanging that long.
      connectTimeout: Math.min(timeoutMs, ATTEMPT_TIMEOUT_MS),
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
      announced = client.publishAsync(this.topic('status'), this.online ? ONLINE : OFFLINE, { qos: 1, retain: true });
      announced.catch(() => undefined);
      handlers.connect();
    });
    client.on('offline', () => handlers.offline());
    client.on('error', () => {
      /* mqtt.js reconnects by itself; start() reports the first failure */
    });
    client.on('message', (topic, payload) => {
      if (topic !== this.topic('ack')) return;
      const decoded = decodeAck(payload);
      if (!decoded.ok) return handlers.invalid(topic, decoded.detail);
      handlers.ack({ seq: decoded.value.seq, incident: decoded.value.incident, state: decoded.value.state });
    });
    try {
      await untilConnected(client, timeoutMs);
      // mqtt.js resubscribes by itself after a reconnect.
      const granted = await client.subscribeAsync(this.topic('ack'), { qos: 1 });
      if (granted.some((g) => g.qos === 128)) throw new Error(`the broker refused the subscription to ${this.topic('ack')}`);
      await announced;
    } catch (err) {
      this.client = undefined;
      client.end(true);
      throw new Error(`could not reach the MQTT broker at ${redactUrl(this.opts.mqttUrl)} (${(err as Error).message})`);
    }
  }

  encode(event: BellEvent): string {
    return encodeEvent(event);
  }

  send(payload: string): void {
    // Offline, mqtt.js holds the last QoS 1 copy for the reconnect; errors need no handling (the next copy follows).
    this.client?.publish(this.topic('event'), payload, { qos: 1 }, () => undefined);
  }

  async heartbeat(body: Heartbeat): Promise<void> {
    await this.requireClient().publishAsync(this.topic('heartbeat'), JSON.stringify(body), { qos: 0 });
  }

  async setOnline(online: boolean): Promise<void> {
    this.online = online;
    const client = this.requireClient();
    // Not connected: the next connect announces the current state.
    if (client.connected) await client.publishAsync(this.topic('status'), online ? ONLINE : OFFLINE, { qos: 1, retain: true });
  }

  async stop(opts: { graceful: boolean; announceOffline: boolean }): Promise<void> {
    const client = this.client;
    if (!client) return;
    let saidGoodbye = false;
    if (opts.graceful && opts.announceOffline && client.connected) {
      // Raced against the socket closing: a broker that just vanished must not hold stop() for the whole cap.
      const closed = new Promise<boolean>((resolve) => client.once('close', () => resolve(false)));
      const published = client.publishAsync(this.topic('status'), OFFLINE, { qos: 1, retain: true }).then(() => true, () => false);
      saidGoodbye = await within(Promise.race([published, closed]), 2_000, false);
    }
    // end(true) destroys the stream without DISCONNECT (a power cut: the broker fires the will). A clean end waits
    // for in-flight QoS 1, so it is capped; a second end() is a no-op while the first is pending, hence destroy().
    const force = !opts.graceful || (opts.announceOffline && !saidGoodbye);
    const ended = new Promise<boolean>((resolve) => client.end(force, () => resolve(true)));
    if (!(await within(ended, 2_000, false))) (client.stream as Socket | undefined)?.destroy();
  }

  private requireClient(): MqttClient {
    if (!this.client) throw new Error(`bell ${this.opts.bellId} is not connected to MQTT`);
    return this.client;
  }
}

const RETRY_MS = 1_000;
const ATTEMPT_TIMEOUT_MS = 5_000;

/**
 * Waits for the first CONNACK while mqtt.js retries every RETRY_MS: a broker that is down or restarting is waited
 * for (firmware keeps trying; a bell started during a broker outage must not give up at once). A broker that
 * answers and refuses (bad credentials, CONNACK code) is final: retrying cannot change its mind.
 */
function untilConnected(client: MqttClient, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let lastError: Error | undefined;
    const timer = Number.isFinite(timeoutMs)
      ? setTimeout(() => done(new Error(`no answer within ${timeoutMs} ms${lastError ? `; last: ${lastError.message}` : ''}`)), timeoutMs)
      : undefined;
    const onConnect = () => done();
    const onError = (err: Error & { code?: unknown }) => {
      if (typeof err.code === 'number') done(err);
      else lastError = err;
    };
    const done = (err?: Error) => {
      clearTimeout(timer);
      client.removeListener('connect', onConnect);
      client.removeListener('error', onError);
      if (err) reject(err);
      else resolve();
    };
    client.once('connect', onConnect);
    client.on('error', onError);
  });
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
