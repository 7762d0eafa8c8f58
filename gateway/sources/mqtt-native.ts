import type { MqttClient } from 'mqtt';
import {
  bellTopic, decodeEvent, decodeHeartbeat, decodeStatus, encodeAck, isClusterTopic, parseBellTopic, type Ack,
} from '../../firmware-bridge/protocol/index.ts';
import type { BellSignal, BellSource, Rejection } from '../signal.ts';
import { connectSubscriber } from './subscriber-client.ts';

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
    const prefix = this.opts.sharedGroup ? `$share/${this.opts.sharedGroup}/` : '';
    const { client, connected } = connectSubscriber({
      ...this.opts,
      clientIdPrefix: 'guardbell-gw',
      // Everything under the root, so that a message on a wrong topic is counted and logged rather than
      // never seen; our own acks come back too and are dropped without a word.
      filters: [`${prefix}${this.opts.topicRoot}/#`],
      onSubscribeError: (err) => handlers.rejected({ reason: 'wrong_topic', detail: `subscribe failed: ${err.message}`, transport: 'mqtt', at: now() }),
    });
    this.client = client;
    client.on('message', (topic, payload) => {
      const receivedAt = now();
      try {
        this.onMessage(topic, payload, receivedAt, handlers);
      } catch (err) {
        handlers.rejected({ reason: 'invalid_field', detail: `internal: ${(err as Error).message}`, transport: 'mqtt', topic, at: receivedAt });
      }
    });
    this.startedConnected = await connected;
  }

  /** Whether the first connection succeeded within the start timeout. */
  startedConnected = false;

  private onMessage(
    topic: string,
    payload: Buffer,
    receivedAt: Date,
    handlers: { signal(s: BellSignal): void; rejected(r: Rejection): void },
  ): void {
    // The processes' own traffic under the root (the ring lane), which only the gateway's login can write.
    if (isClusterTopic(this.opts.topicRoot, topic)) return;
    const parsed = parseBellTopic(this.opts.topicRoot, topic);
    if (!parsed.ok) {
      handlers.rejected({ reason: parsed.reason, detail: parsed.detail, transport: 'mqtt', topic, at: receivedAt });
      return;
    }
    const { bellId } = parsed;
    // No closure per message: heartbeats come by the thousand, and each function made is work for the collector.
    switch (parsed.kind) {
      case 'event': {
        const d = decodeEvent(payload);
        if (!d.ok) return this.refuse(handlers, d, bellId, topic, receivedAt);
        handlers.signal({ bellId, receivedAt, transport: 'mqtt', kind: 'event', ...d.value, reply: (ack) => this.sendAck(bellId, ack) });
        return;
      }
      case 'heartbeat': {
        // An empty heartbeat is valid: every field is optional.
        const d = payload.length === 0 ? ({ ok: true, value: {} } as const) : decodeHeartbeat(payload);
        if (!d.ok) return this.refuse(handlers, d, bellId, topic, receivedAt);
        handlers.signal({ bellId, receivedAt, transport: 'mqtt', kind: 'heartbeat', ...d.value });
        return;
      }
      case 'status': {
        // An empty retained message clears the retained status; it is not a statement about the bell.
        if (payload.length === 0) return;
        const d = decodeStatus(payload);
        if (!d.ok) return this.refuse(handlers, d, bellId, topic, receivedAt);
        handlers.signal({ bellId, receivedAt, transport: 'mqtt', kind: 'status', online: d.value.online });
        return;
      }
      case 'ack':
        return; // our own answers to bells
    }
  }

  private refuse(handlers: { rejected(r: Rejection): void }, d: Pick<Rejection, 'reason' | 'detail'>, bellId: string, topic: string, at: Date): void {
    handlers.rejected({ reason: d.reason, detail: d.detail, transport: 'mqtt', bellId, topic, at });
  }

  sendAck(bellId: string, ack: Ack): void {
    this.client?.publish(bellTopic(this.opts.topicRoot, bellId, 'ack'), encodeAck(ack), { qos: 1 });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }
}
