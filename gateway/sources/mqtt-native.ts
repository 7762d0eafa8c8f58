import type { Socket } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import {
  bellTopic, decodeEvent, decodeHeartbeat, decodeStatus, encodeAck, parseBellTopic, type Ack,
} from '../../firmware-bridge/protocol/index.ts';
import type { BellSignal, BellSource, Rejection } from '../signal.ts';

export interface MqttNativeOptions {
  url: string;
  topicRoot: string;
  clientId?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  /** MQTT shared-subscription group, so several gateways split the bell topics (not on aedes: it ignores $share). */
  sharedGroup?: string | undefined;
  now?: () => Date;
  startTimeoutMs?: number;
}

/** Native bells over MQTT (PROTOCOL.md §1). */
export class MqttNativeSource implements BellSource {
  readonly name = 'mqtt-native';
  private client: MqttClient | undefined;

  constructor(private readonly opts: MqttNativeOptions) {}

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  async start(handlers: { signal(s: BellSignal): void; rejected(r: Rejection): void }): Promise<void> {
    const now = this.opts.now ?? (() => new Date());
    const options: IClientOptions = {
      clientId: this.opts.clientId ?? `guardbell-gw-${process.pid}-${Math.random().toString(36).slice(2, 8)}`,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      connectTimeout: 5_000,
      clean: true,
      username: this.opts.username,
      password: this.opts.password,
    };
    const client = mqtt.connect(this.opts.url, options);
    this.client = client;
    const prefix = this.opts.sharedGroup ? `$share/${this.opts.sharedGroup}/` : '';
    // Everything under the root, so that a message on a wrong topic is counted and logged rather than
    // never seen; our own acks come back too and are dropped without a word.
    const filters = [`${prefix}${this.opts.topicRoot}/#`];
    const firstConnect = new Promise<boolean>((resolve) => {
      client.once('connect', () => resolve(true));
      setTimeout(() => resolve(false), this.opts.startTimeoutMs ?? 5_000).unref();
    });
    client.on('connect', () => {
      // Nagle with delayed ACKs adds ~40 ms to every QoS 1 round trip.
      (client.stream as Socket).setNoDelay?.(true);
      // Clean sessions: subscribe again on every (re)connect.
      client.subscribe(filters, { qos: 1 }, (err) => {
        if (err) handlers.rejected({ reason: 'wrong_topic', detail: `subscribe failed: ${err.message}`, transport: 'mqtt', at: now() });
      });
    });
    client.on('error', () => {
      /* mqtt.js reconnects by itself; health reports the broker as down meanwhile */
    });
    client.on('message', (topic, payload) => {
      const receivedAt = now();
      try {
        this.onMessage(topic, payload, receivedAt, handlers);
      } catch (err) {
        handlers.rejected({ reason: 'invalid_field', detail: `internal: ${(err as Error).message}`, transport: 'mqtt', topic, at: receivedAt });
      }
    });
    // A broker that is down at start does not stop the gateway: it keeps reconnecting and reports degraded.
    this.startedConnected = await firstConnect;
  }

  /** Whether the first connection succeeded within the start timeout. */
  startedConnected = false;

  private onMessage(
    topic: string,
    payload: Buffer,
    receivedAt: Date,
    handlers: { signal(s: BellSignal): void; rejected(r: Rejection): void },
  ): void {
    const parsed = parseBellTopic(this.opts.topicRoot, topic);
    if (!parsed.ok) {
      handlers.rejected({ reason: parsed.reason, detail: parsed.detail, transport: 'mqtt', topic, at: receivedAt });
      return;
    }
    const { bellId } = parsed;
    const base = { bellId, receivedAt, transport: 'mqtt' as const };
    const reject = (reason: Rejection['reason'], detail: string) =>
      handlers.rejected({ reason, detail, transport: 'mqtt', bellId, topic, at: receivedAt });
    switch (parsed.kind) {
      case 'event': {
        const d = decodeEvent(payload);
        if (!d.ok) return reject(d.reason, d.detail);
        handlers.signal({ ...base, kind: 'event', ...d.value, reply: (ack) => this.sendAck(bellId, ack) });
        return;
      }
      case 'heartbeat': {
        // An empty heartbeat is valid: every field is optional.
        const d = payload.length === 0 ? ({ ok: true, value: {} } as const) : decodeHeartbeat(payload);
        if (!d.ok) return reject(d.reason, d.detail);
        handlers.signal({ ...base, kind: 'heartbeat', ...d.value });
        return;
      }
      case 'status': {
        // An empty retained message clears the retained status; it is not a statement about the bell.
        if (payload.length === 0) return;
        const d = decodeStatus(payload);
        if (!d.ok) return reject(d.reason, d.detail);
        handlers.signal({ ...base, kind: 'status', online: d.value.online });
        return;
      }
      case 'ack':
        return; // our own answers to bells
    }
  }

  sendAck(bellId: string, ack: Ack): void {
    this.client?.publish(bellTopic(this.opts.topicRoot, bellId, 'ack'), encodeAck(ack), { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}
