/**
 * The virtual bells of the benchmark: each its own mqtt.js connection (MQTT 3.1.1, TCP_NODELAY), subscribed
 * to its ack topic, announcing itself online (retained, with an offline will) and heartbeating at QoS 0,
 * as firmware does. The press phase's live in a child process (press-fleet.ts); the city phase's in its load process.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';
import { bellTopic } from '../../firmware-bridge/protocol/index.ts';

/** A bell's battery level as it reports it, in heartbeats and presses alike (a real bell does not flip between two). */
export function benchBattery(index: number): number {
  return 80 + (index % 20);
}

export interface BellAckMessage {
  seq: number;
  incident?: string;
  state: string;
}

export class BenchBell {
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private uptime = 0;
  heartbeats = 0;
  offlines = 0;
  /** Next seq to send: strictly increasing per bell. */
  nextSeq = 1;
  onAck: (ack: BellAckMessage, at: number) => void = () => undefined;

  private constructor(
    readonly index: number,
    readonly id: string,
    readonly client: MqttClient,
    private readonly root: string,
  ) {}

  static async connect(url: string, root: string, index: number, id: string, runTag: string): Promise<BenchBell> {
    const status = bellTopic(root, id, 'status');
    const client = await mqtt.connectAsync(url, {
      clientId: `gb-bench-${runTag}-${id}`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      will: { topic: status, payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    const bell = new BenchBell(index, id, client, root);
    const noDelay = () => (client.stream as Socket).setNoDelay?.(true);
    noDelay();
    client.on('connect', noDelay);
    client.on('offline', () => bell.offlines++);
    client.on('error', () => undefined);
    const ackTopic = bellTopic(root, id, 'ack');
    client.on('message', (topic, payload) => {
      const at = performance.now();
      if (topic !== ackTopic) return;
      try {
        bell.onAck(JSON.parse(payload.toString()) as BellAckMessage, at);
      } catch {
        /* not an ack we understand; the gateway never sends one */
      }
    });
    await client.subscribeAsync(ackTopic, { qos: 1 });
    await client.publishAsync(status, '{"online":true}', { qos: 1, retain: true });
    return bell;
  }

  /** Heartbeats every `everyMs`, the first one after `offsetMs` so that bells do not beat together. */
  startHeartbeat(everyMs: number, offsetMs: number): void {
    const topic = bellTopic(this.root, this.id, 'heartbeat');
    const beat = () => {
      this.uptime += everyMs / 1000;
      this.heartbeats++;
      const payload = `{"battery":${benchBattery(this.index)},"rssi":-61,"fw":"bench-1.0","uptime":${Math.round(this.uptime)}}`;
      this.client.publish(topic, payload, { qos: 0 }, () => undefined);
    };
    this.heartbeatTimer = setTimeout(() => {
      beat();
      this.heartbeatTimer = setInterval(beat, everyMs);
    }, offsetMs);
  }

  stopHeartbeat(): void {
    clearTimeout(this.heartbeatTimer);
    clearInterval(this.heartbeatTimer);
  }

  /** Publishes an event payload at QoS 1 (a first copy or a retransmission). */
  publishEvent(payload: string): void {
    this.client.publish(bellTopic(this.root, this.id, 'event'), payload, { qos: 1 }, () => undefined);
  }

  close(): Promise<void> {
    this.stopHeartbeat();
    return this.client.endAsync().catch(() => undefined);
  }
}

export function bellId(index: number): string {
  return `BENCH-${String(index + 1).padStart(5, '0')}`;
}

/** Connects `count` bells, `batch` at a time, so the listener never sees a burst of a thousand SYNs. */
export async function connectFleet(
  url: string,
  root: string,
  count: number,
  batch: number,
  runTag: string,
  deadline: number,
): Promise<BenchBell[]> {
  const bells: BenchBell[] = [];
  try {
    for (let start = 0; start < count; start += batch) {
      if (Date.now() > deadline) throw new Error(`connecting bells took too long (${bells.length} of ${count} connected)`);
      const indexes = Array.from({ length: Math.min(batch, count - start) }, (_, i) => start + i);
      const settled = await Promise.allSettled(indexes.map((i) => BenchBell.connect(url, root, i, bellId(i), runTag)));
      for (const s of settled) if (s.status === 'fulfilled') bells.push(s.value);
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) throw new Error(`a bell could not connect: ${(failed.reason as Error).message}`);
    }
  } catch (err) {
    await closeFleet(bells, batch);
    throw err;
  }
  return bells;
}

export async function closeFleet(bells: BenchBell[], batch: number): Promise<void> {
  for (const b of bells) b.stopHeartbeat();
  for (let i = 0; i < bells.length; i += batch) {
    await Promise.all(bells.slice(i, i + batch).map((b) => b.close()));
  }
}
