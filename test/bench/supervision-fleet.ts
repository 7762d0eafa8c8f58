/**
 * The virtual bells of the supervision phase, run in a child process of their own (supervision-child.ts) so that
 * the process under test pays for none of them. Each bell announces itself online (retained, QoS 1) and
 * heartbeats at QoS 0 as firmware does (PROTOCOL.md §1).
 *
 * Connections: with `perConnection` 1 every bell has its own MQTT connection with its offline will, as real bells
 * do (the default: the broker's per-connection cost is part of a bell's cost). With K > 1, K bells share one
 * anonymous connection: the embedded broker lets an anonymous client publish the heartbeat and status of bells
 * without credentials (gateway/broker/device-auth.ts), which the bench bells are. The first `dedicated` bells
 * always have a connection of their own with a will: they are the ones whose connection is dropped.
 */
import type { Socket } from 'node:net';
import mqtt, { type MqttClient } from 'mqtt';
import { bellTopic } from '../../firmware-bridge/protocol/index.ts';
import { bellId } from './fleet.ts';
import { stormSecret } from './storm-fleet.ts';

export interface FleetPlan {
  url: string;
  root: string;
  runTag: string;
  bells: number;
  perConnection: number;
  /** Bells 0 … dedicated−1 get a connection (with a will) of their own whatever `perConnection` says. */
  dedicated: number;
  /** Connections opened at once. */
  batch: number;
  /** Bell i logs in as itself with stormSecret(runTag, i) (a broker with a passwd per bell); else anonymous. */
  credentials?: boolean;
}

interface Conn {
  client: MqttClient;
  bells: number[];
  dropped: boolean;
}

interface Bell {
  index: number;
  id: string;
  conn: Conn;
  timer: NodeJS.Timeout | undefined;
  /** Date.now() when its last heartbeat was handed to mqtt.js. */
  lastBeatAt: number | null;
  uptime: number;
}

export class HeartbeatFleet {
  heartbeats = 0;
  /** Connections that went offline without being dropped on purpose. */
  disconnects = 0;
  private readonly conns: Conn[] = [];
  private readonly bells: Bell[] = [];

  private constructor(private readonly plan: FleetPlan) {}

  get connections(): number {
    return this.conns.length;
  }

  static async connect(plan: FleetPlan): Promise<HeartbeatFleet> {
    const fleet = new HeartbeatFleet(plan);
    const groups: number[][] = [];
    for (let i = 0; i < Math.min(plan.dedicated, plan.bells); i++) groups.push([i]);
    for (let i = Math.min(plan.dedicated, plan.bells); i < plan.bells; i += plan.perConnection) {
      groups.push(Array.from({ length: Math.min(plan.perConnection, plan.bells - i) }, (_, k) => i + k));
    }
    try {
      for (let g = 0; g < groups.length; g += plan.batch) {
        await Promise.all(groups.slice(g, g + plan.batch).map((indexes, k) => fleet.open(indexes, g + k)));
      }
    } catch (err) {
      await fleet.close();
      throw err;
    }
    return fleet;
  }

  private async open(indexes: number[], n: number): Promise<void> {
    const { root, runTag } = this.plan;
    const single = indexes.length === 1 ? bellId(indexes[0]!) : undefined;
    const client = await mqtt.connectAsync(this.plan.url, {
      clientId: single ? `gb-sup-${runTag}-${single}` : `gb-sup-${runTag}-mux-${n}`,
      ...(this.plan.credentials && single ? { username: single, password: stormSecret(runTag, indexes[0]!) } : {}),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 1_000,
      connectTimeout: 30_000,
      // A will speaks for one bell: only a connection of its own can have one.
      ...(single ? { will: { topic: bellTopic(root, single, 'status'), payload: Buffer.from('{"online":false}'), qos: 1 as const, retain: true } } : {}),
    });
    const conn: Conn = { client, bells: indexes, dropped: false };
    this.conns.push(conn);
    const noDelay = () => (client.stream as Socket).setNoDelay?.(true);
    noDelay();
    client.on('connect', noDelay);
    client.on('offline', () => {
      if (!conn.dropped) this.disconnects++;
    });
    client.on('error', () => undefined);
    for (const index of indexes) {
      const bell: Bell = { index, id: bellId(index), conn, timer: undefined, lastBeatAt: null, uptime: 0 };
      this.bells[index] = bell;
    }
    await Promise.all(indexes.map((i) => client.publishAsync(bellTopic(root, bellId(i), 'status'), '{"online":true}', { qos: 1, retain: true })));
  }

  /** Every bell heartbeats every `everyMs`, the first one at a random point of the first interval. */
  start(everyMs: number): void {
    for (const bell of this.bells) {
      const topic = bellTopic(this.plan.root, bell.id, 'heartbeat');
      const beat = () => {
        bell.uptime += everyMs / 1000;
        this.heartbeats++;
        bell.lastBeatAt = Date.now();
        const payload = `{"battery":${80 + (bell.index % 20)},"rssi":-61,"fw":"bench-1.0","uptime":${Math.round(bell.uptime)}}`;
        bell.conn.client.publish(topic, payload, { qos: 0 }, () => undefined);
      };
      bell.timer = setTimeout(() => {
        beat();
        bell.timer = setInterval(beat, everyMs);
      }, Math.random() * everyMs);
    }
  }

  /** The bell stops heartbeating after `afterMs` (its connection stays up); `done` gets its last heartbeat's time. */
  silence(index: number, afterMs: number, done: (lastBeatAt: number | null) => void): void {
    const bell = this.bell(index);
    setTimeout(() => {
      stopTimer(bell);
      done(bell.lastBeatAt);
    }, afterMs);
  }

  /**
   * The bell's connection drops after `afterMs` (the socket is destroyed, no DISCONNECT: the broker publishes
   * its will); `done` gets the time of the drop.
   */
  drop(index: number, afterMs: number, done: (at: number, lastBeatAt: number | null) => void): void {
    const bell = this.bell(index);
    if (bell.conn.bells.length !== 1) throw new Error(`bell ${bell.id} shares its connection: it has no will to drop`);
    setTimeout(() => {
      stopTimer(bell);
      bell.conn.dropped = true;
      bell.conn.client.options.reconnectPeriod = 0; // stays down, as a bell whose cable was pulled
      const at = Date.now();
      (bell.conn.client.stream as Socket).destroy();
      done(at, bell.lastBeatAt);
    }, afterMs);
  }

  private bell(index: number): Bell {
    const bell = this.bells[index];
    if (!bell) throw new Error(`no bell ${index}`);
    return bell;
  }

  async close(): Promise<void> {
    for (const b of this.bells) if (b) stopTimer(b);
    for (let i = 0; i < this.conns.length; i += this.plan.batch) {
      await Promise.all(this.conns.slice(i, i + this.plan.batch).map((c) => c.client.endAsync(c.dropped).catch(() => undefined)));
    }
  }
}

function stopTimer(bell: Bell): void {
  clearTimeout(bell.timer);
  clearInterval(bell.timer);
  bell.timer = undefined;
}
