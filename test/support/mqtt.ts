import type { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { bellTopic, computeMac, type Ack, type BellEventType } from '../../firmware-bridge/protocol/index.ts';
import { waitFor } from './wait.ts';

/** The machine's Mosquitto. Override with TEST_MOSQUITTO_URL. */
export const MOSQUITTO_URL = process.env.TEST_MOSQUITTO_URL ?? 'mqtt://127.0.0.1:1883';

export async function connect(url: string, opts: mqtt.IClientOptions = {}): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, connectTimeout: 5_000, ...opts });
  (client.stream as Socket).setNoDelay?.(true);
  return client;
}

/**
 * A bare-hands bell for tests: publishes exactly what it is told (valid or not) and records every ack.
 * The real firmware behaviour (retransmit until received) lives in firmware-bridge/virtual-bell.
 */
export class RawBell {
  readonly acks: Ack[] = [];
  private constructor(
    readonly client: MqttClient,
    readonly root: string,
    readonly bellId: string,
    readonly keyHex?: string,
  ) {}

  static async connect(url: string, root: string, bellId: string, keyHex?: string): Promise<RawBell> {
    const client = await connect(url);
    const bell = new RawBell(client, root, bellId, keyHex);
    client.on('message', (_t, payload) => bell.acks.push(JSON.parse(payload.toString()) as Ack));
    await client.subscribeAsync(bellTopic(root, bellId, 'ack'), { qos: 1 });
    return bell;
  }

  event(seq: number, type: BellEventType, extra: Record<string, unknown> = {}): Promise<unknown> {
    const at = new Date().toISOString();
    const body: Record<string, unknown> = { seq, type, at, ...extra };
    if (this.keyHex && !('mac' in extra)) body.mac = computeMac(this.keyHex, this.bellId, { seq, type, at });
    return this.publish('event', JSON.stringify(body));
  }

  publish(kind: 'event' | 'heartbeat' | 'status', payload: string | Buffer, opts: { retain?: boolean; qos?: 0 | 1 } = {}): Promise<unknown> {
    return this.client.publishAsync(bellTopic(this.root, this.bellId, kind), payload, { qos: opts.qos ?? 1, retain: opts.retain ?? false });
  }

  /** Presses like firmware: the same seq again and again until the bell is told `received`. */
  pressUntilReceived(seq: number, everyMs: number): { stop(): void } {
    let stopped = false;
    void (async () => {
      while (!stopped && !this.acks.some((a) => a.seq === seq && a.state === 'received')) {
        await this.event(seq, 'press').catch(() => undefined);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
    return { stop: () => (stopped = true) };
  }

  waitForAck(match: Partial<Ack>, timeoutMs = 5_000): Promise<Ack> {
    return waitFor(
      () => this.acks.find((a) => Object.entries(match).every(([k, v]) => (a as Record<string, unknown>)[k] === v)),
      timeoutMs,
      `bell ${this.bellId} ack ${JSON.stringify(match)} (got ${JSON.stringify(this.acks)})`,
    );
  }

  close(): Promise<void> {
    return this.client.endAsync();
  }
}
