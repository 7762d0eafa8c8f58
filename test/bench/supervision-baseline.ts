/**
 * The broker's own cost for the supervision phase's traffic, measured in the same bench run: the same fleet (same
 * bells, connections, wills, retained online statuses and heartbeats per second) on the embedded aedes broker alone,
 * in a process of its own (supervision-child.ts, role `broker`) with the same device-auth hooks and one plain
 * subscriber where the gateway would be (`{root}/#`, QoS 1, logged in as the gateway), counting messages only.
 * The same readings as the system's: with no bell, then over a steady window.
 */
import { randomBytes } from 'node:crypto';
import type { BenchOptions } from './options.ts';
import { sleep } from './stats.ts';
import type { FleetPlan } from './supervision-fleet.ts';
import { BenchChild, coresBetween, settled, type ChildUsage } from './supervision-ipc.ts';

/** What a heartbeat interval and a sweep stand for at 1× (the provisioning default; the config default). */
export const REAL_HEARTBEAT_SECONDS = 60;
export const REAL_SWEEP_MS = 5_000;
/** The no-bell reading of each process. */
export const IDLE_SECONDS = 5;

/** Compression factors that keep a whole heartbeat second (an integer column) and a sweep of at least 100 ms. */
export const COMPRESS_FACTORS = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30] as const;

export function supervisionTiming(compress: number): { heartbeatSeconds: number; sweepMs: number } {
  return { heartbeatSeconds: REAL_HEARTBEAT_SECONDS / compress, sweepMs: Math.round(REAL_SWEEP_MS / compress) };
}

export interface Cost {
  /** Cores used with no bell (timers of the process itself), and over the steady window. */
  idleCores: number;
  steadyCores: number;
  /** Heartbeats per second that reached the gateway's core (system) or the plain subscriber (broker). */
  receivedPerSec: number;
  /** After a full GC: with no bell, with the bells provisioned but not connected, and at the end of the steady window. */
  rssEmpty: number;
  heapEmpty: number;
  rssProvisioned: number;
  rssSteady: number;
  heapSteady: number;
}

export interface BrokerBaseline {
  bells: number;
  connections: number;
  cost: Cost;
  fleetCores: number;
  connectMs: number;
  sentPerSec: number;
}

export function fleetPlan(o: BenchOptions, url: string, root: string, runTag: string): FleetPlan {
  return {
    url, root, runTag, bells: o.supervisionBells, perConnection: o.supervisionPerConnection,
    dedicated: o.supervisionDrops, batch: o.connectBatch,
  };
}

export async function runBrokerBaseline(o: BenchOptions): Promise<BrokerBaseline> {
  const { heartbeatSeconds } = supervisionTiming(o.supervisionCompress);
  const broker = BenchChild.start('broker');
  let fleet: BenchChild | undefined;
  try {
    const runTag = randomBytes(4).toString('hex');
    const root = `gbbench-${runTag}/v1`;
    const { url } = await broker.request<{ url: string }>({ op: 'startBroker', root });
    const idle0 = await settled(() => broker.usage());
    await sleep(IDLE_SECONDS * 1000);
    const idle1 = await broker.usage();

    fleet = BenchChild.start('fleet');
    const connected = await fleet.request<{ connections: number; ms: number }>({ op: 'connectFleet', plan: fleetPlan(o, url, root, runTag) });
    await fleet.request({ op: 'startHeartbeats', everyMs: heartbeatSeconds * 1000 });
    // Every bell has beaten once and the retained statuses are behind us, as in the system's warm-up.
    await sleep(2 * heartbeatSeconds * 1000);

    const [b0, f0] = [await broker.usage(), await fleet.usage()];
    await sleep(o.supervisionSeconds * 1000);
    const [b1, f1] = [await broker.usage(), await fleet.usage()];
    const seconds = (b1.at - b0.atAfterGc) / 1000;
    return {
      bells: o.supervisionBells,
      connections: connected.connections,
      connectMs: connected.ms,
      cost: costOf(idle0, idle1, idle1, b0, b1, b1.received - b0.received, seconds),
      fleetCores: coresBetween(f0, f1),
      sentPerSec: (f1.heartbeats - f0.heartbeats) / ((f1.at - f0.atAfterGc) / 1000),
    };
  } finally {
    await fleet?.close();
    await broker.close();
  }
}

/**
 * `idle0`–`idle1`: the no-bell window; `provisioned`: just before the bells connect; `s0`–`s1`: the steady window.
 * RSS per bell is counted from `provisioned`: the process's RSS drifts down for a while after start (PGlite's
 * thread gives memory back at its own pace), which would hide the bells' memory behind a longer baseline.
 */
export function costOf(idle0: ChildUsage, idle1: ChildUsage, provisioned: ChildUsage, s0: ChildUsage, s1: ChildUsage, received: number, seconds: number): Cost {
  return {
    idleCores: coresBetween(idle0, idle1),
    steadyCores: coresBetween(s0, s1),
    receivedPerSec: received / seconds,
    rssEmpty: idle1.rss,
    heapEmpty: idle1.heapUsed,
    rssProvisioned: provisioned.rss,
    rssSteady: s1.rss,
    heapSteady: s1.heapUsed,
  };
}
