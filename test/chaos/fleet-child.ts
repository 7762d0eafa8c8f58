/**
 * The chaos run's fleet, in a process of its own (its event loop must not share the orchestrator's): bells on
 * their own MQTT connections that keep trying the broker, as firmware does, and press at a given rate, each
 * press retransmitted every 2 s until `received`. Reports every press sent and received to the parent.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { bellTopic } from '../../firmware-bridge/protocol/index.ts';

export type FleetCommand = { type: 'press'; perSecond: number } | { type: 'pause' } | { type: 'stop' };
export type FleetReport =
  | { type: 'ready'; connected: number }
  | { type: 'sent'; bellId: string; seq: number; at: number }
  | { type: 'received'; bellId: string; seq: number; at: number; incident: string | undefined }
  | { type: 'stopped' };

interface Bell {
  id: string;
  client: MqttClient;
  nextSeq: number;
  /** seq → retransmission timer of a press not yet received. */
  pending: Map<number, NodeJS.Timeout>;
}

const RETRANSMIT_MS = 2_000;
const RECEIVED = new Set(['received', 'acknowledged', 'cancelled', 'closed']);

function report(m: FleetReport): void {
  process.send?.(m);
}

async function main(): Promise<void> {
  const { url, root, ids, passwords, heartbeatMs } = JSON.parse(process.env.CHAOS_FLEET ?? '{}') as {
    url: string; root: string; ids: string[]; passwords?: Record<string, string>; heartbeatMs?: number;
  };
  const bells: Bell[] = ids.map((id) => {
    const client = mqtt.connect(url, {
      // On the embedded broker every bell speaks with its own credential (username = bell id).
      ...(passwords?.[id] ? { clientId: id, username: id, password: passwords[id] } : { clientId: `gb-chaos-${id}` }),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 5_000,
      will: { topic: bellTopic(root, id, 'status'), payload: Buffer.from('{"online":false}'), qos: 1, retain: true },
    });
    const bell: Bell = { id, client, nextSeq: 1, pending: new Map() };
    client.on('error', () => undefined);
    client.on('connect', () => void client.subscribeAsync(bellTopic(root, id, 'ack'), { qos: 1 }).catch(() => undefined));
    client.on('message', (_topic, payload) => {
      let ack: { seq?: number; state?: string; incident?: string };
      try {
        ack = JSON.parse(payload.toString()) as typeof ack;
      } catch {
        return;
      }
      if (typeof ack.seq !== 'number' || !RECEIVED.has(ack.state ?? '')) return;
      const timer = bell.pending.get(ack.seq);
      if (!timer) return;
      clearInterval(timer);
      bell.pending.delete(ack.seq);
      report({ type: 'received', bellId: id, seq: ack.seq, at: Date.now(), incident: ack.incident });
    });
    return bell;
  });
  const deadline = Date.now() + 60_000;
  while (bells.some((b) => !b.client.connected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  report({ type: 'ready', connected: bells.filter((b) => b.client.connected).length });
  if (heartbeatMs) heartbeat(bells, root, heartbeatMs);

  let pressTimer: NodeJS.Timeout | undefined;
  let next = 0;
  const press = (bell: Bell) => {
    const seq = bell.nextSeq++;
    const payload = JSON.stringify({ seq, type: 'press', at: new Date().toISOString() });
    const topic = bellTopic(root, bell.id, 'event');
    // Offline, mqtt.js queues the copy for the reconnect; every 2 s another copy follows until `received`.
    const publish = () => bell.client.publish(topic, payload, { qos: 1 }, () => undefined);
    publish();
    bell.pending.set(seq, setInterval(publish, RETRANSMIT_MS));
    report({ type: 'sent', bellId: bell.id, seq, at: Date.now() });
  };
  process.on('message', (m: FleetCommand) => {
    clearInterval(pressTimer);
    if (m.type === 'press') {
      // Presses in small batches every 100 ms: the rate holds without a timer per press.
      const perTick = m.perSecond / 10;
      let owed = 0;
      pressTimer = setInterval(() => {
        owed += perTick;
        for (; owed >= 1; owed--) press(bells[next++ % bells.length]!);
      }, 100);
    } else if (m.type === 'stop') {
      for (const b of bells) {
        for (const t of b.pending.values()) clearInterval(t);
        b.client.end(true);
      }
      report({ type: 'stopped' });
      setTimeout(() => process.exit(0), 100);
    }
  });
}

/** Every bell heartbeats once per `everyMs`, spread over the period in 100 ms slices (as bells booted at random times). */
function heartbeat(bells: Bell[], root: string, everyMs: number): void {
  const slices = Math.max(1, Math.round(everyMs / 100));
  const started = Date.now();
  let slice = 0;
  setInterval(() => {
    for (let i = slice % slices; i < bells.length; i += slices) {
      const uptime = Math.round((Date.now() - started) / 1000);
      bells[i]!.client.publish(bellTopic(root, bells[i]!.id, 'heartbeat'), JSON.stringify({ battery: 90, rssi: -60, fw: 'chaos', uptime }), { qos: 0 }, () => undefined);
    }
    slice++;
  }, 100);
}

void main();
