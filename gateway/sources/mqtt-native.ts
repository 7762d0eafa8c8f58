import type { MqttClient } from 'mqtt';
import {
  bellTopic, decodeEvent, decodeHeartbeat, decodeStatus, encodeAck, parseBellTopic, type Ack,
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
  /** With a shared group: the connection on which this process hears every bell's heartbeats and status. */
  private watcher: MqttClient | undefined;

  constructor(private readonly opts: MqttNativeOptions) {}

  get connected(): boolean {
    return (this.client?.connected ?? false) && (this.watcher?.connected ?? true);
  }

  async start(handlers: { signal(s: BellSignal): void; rejected(r: Rejection): void }): Promise<void> {
    const now = this.opts.now ?? (() => new Date());
    const root = this.opts.topicRoot;
    const onSubscribeError = (err: Error) => handlers.rejected({ reason: 'wrong_topic', detail: `subscribe failed: ${err.message}`, transport: 'mqtt', at: now() });
    const listen = (client: MqttClient, skipEvents: boolean) =>
      client.on('message', (topic, payload) => {
        const receivedAt = now();
        try {
          this.onMessage(topic, payload, receivedAt, handlers, skipEvents);
        } catch (err) {
          handlers.rejected({ reason: 'invalid_field', detail: `internal: ${(err as Error).message}`, transport: 'mqtt', topic, at: receivedAt });
        }
      });
    if (!this.opts.sharedGroup) {
      // Everything under the root, so that a message on a wrong topic is counted and logged rather than
      // never seen; our own acks come back too and are dropped without a word.
      const { client, connected } = connectSubscriber({ ...this.opts, clientIdPrefix: 'guardbell-gw', filters: [`${root}/#`], onSubscribeError });
      this.client = client;
      listen(client, false);
      this.startedConnected = await connected;
      return;
    }
    // Several gateways: each press goes to one of them (the shared subscription), but every process hears every
    // heartbeat and status. Split, each process saw a third of a bell's heartbeats, took live bells for offline and
    // back, and its health traffic and writes held the presses up by seconds (the city bench: 7 s at three processes).
    const shared = connectSubscriber({
      ...this.opts, clientIdPrefix: 'guardbell-gw', filters: [`$share/${this.opts.sharedGroup}/${root}/bells/+/event`], onSubscribeError,
    });
    const watcher = connectSubscriber({
      ...this.opts, ...(this.opts.clientId ? { clientId: `${this.opts.clientId}-watch` } : {}), clientIdPrefix: 'guardbell-gw-watch',
      filters: [`${root}/#`], onSubscribeError,
    });
    this.client = shared.client;
    this.watcher = watcher.client;
    listen(shared.client, false);
    listen(watcher.client, true);
    const [a, b] = await Promise.all([shared.connected, watcher.connected]);
    this.startedConnected = a && b;
  }

  /** Whether the first connection succeeded within the start timeout. */
  startedConnected = false;

  private onMessage(
    topic: string,
    payload: Buffer,
    receivedAt: Date,
    handlers: { signal(s: BellSignal): void; rejected(r: Rejection): void },
    /** Events come on the shared subscription; the watching connection leaves them to it. */
    skipEvents: boolean,
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
        if (skipEvents) return;
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
    await Promise.all([this.client?.endAsync(), this.watcher?.endAsync()]);
  }
}
