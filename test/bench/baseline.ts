/**
 * The broker's own latency, measured beside the presses in the same run: raw mqtt.js publishers and one
 * subscriber on the same broker, QoS 1 both ways, small JSON payloads, at the press rate. Its topic is
 * outside the Guardbell topic root, so the gateway never sees it.
 *
 * The embedded broker limits every device to 20 publishes a second (MQTT_PUBLISH_RATE): one publisher at 50 a
 * second was refused most of its messages, disconnected and resent them, so the "broker's own" round trip was
 * hundreds of milliseconds of that. The publishes go round-robin over enough publishers that each stays at half
 * that limit, as the presses are spread over the bells.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import mqtt, { type MqttClient } from 'mqtt';

export interface BaselineResult {
  sent: number;
  latencies: number[];
  lost: number;
}

/** Publishes a second per publisher: half a device's limit on the embedded broker. */
export const BASELINE_RATE_PER_PUBLISHER = 10;

export class Baseline {
  private readonly sentAt = new Map<number, number>();
  private readonly latencies: number[] = [];
  private next = 0;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly pubs: MqttClient[],
    private readonly sub: MqttClient,
    private readonly topic: string,
  ) {}

  /** For publishing at `rate` a second. */
  static async connect(url: string, runTag: string, rate: number): Promise<Baseline> {
    const opts = (role: string) => ({ clientId: `gb-bench-${runTag}-baseline-${role}`, protocolVersion: 4 as const, clean: true, reconnectPeriod: 1_000 });
    const publishers = Math.max(1, Math.ceil(rate / BASELINE_RATE_PER_PUBLISHER));
    const [sub, pubs] = await Promise.all([
      mqtt.connectAsync(url, opts('sub')),
      Promise.all(Array.from({ length: publishers }, (_, i) => mqtt.connectAsync(url, opts(`pub${i}`)))),
    ]);
    for (const c of [sub, ...pubs]) {
      const noDelay = () => (c.stream as Socket).setNoDelay?.(true);
      noDelay();
      c.on('connect', noDelay);
      c.on('error', () => undefined);
    }
    const topic = `gbbench-${runTag}/baseline`;
    const b = new Baseline(pubs, sub, topic);
    sub.on('message', (_topic, payload) => {
      const at = performance.now();
      try {
        const { i } = JSON.parse(payload.toString()) as { i: number };
        const t0 = b.sentAt.get(i);
        if (t0 === undefined) return; // a duplicate (QoS 1 is at least once)
        b.sentAt.delete(i);
        b.latencies.push(at - t0);
      } catch {
        /* not ours */
      }
    });
    await sub.subscribeAsync(topic, { qos: 1 });
    return b;
  }

  /** Publishes at `rate` per second until `stop`, on its own schedule (catching up when timers run late). */
  start(rate: number, seconds: number): void {
    const interval = 1000 / rate;
    const total = Math.floor(rate * seconds);
    const begin = performance.now();
    const tick = () => {
      const now = performance.now();
      while (this.next < total && begin + this.next * interval <= now) this.publishOne();
      if (this.next < total) this.timer = setTimeout(tick, Math.max(0, begin + this.next * interval - performance.now()));
    };
    tick();
  }

  private publishOne(): void {
    const i = this.next++;
    const payload = JSON.stringify({ i, kind: 'baseline', at: new Date().toISOString() });
    this.sentAt.set(i, performance.now());
    this.pubs[i % this.pubs.length]!.publish(this.topic, payload, { qos: 1 }, () => undefined);
  }

  get outstanding(): number {
    return this.sentAt.size;
  }

  stop(): BaselineResult {
    clearTimeout(this.timer);
    return { sent: this.next, latencies: [...this.latencies], lost: this.sentAt.size };
  }

  async close(): Promise<void> {
    clearTimeout(this.timer);
    await Promise.all([...this.pubs, this.sub].map((c) => c.endAsync().catch(() => undefined)));
  }
}
