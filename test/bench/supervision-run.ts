/**
 * The supervision phase: N supervised bells heartbeating every 60 s, compressed F times (heartbeats every 60/F s,
 * SUPERVISION_SWEEP_MS 5000/F), their virtual bells in a child process (supervision-fleet.ts) so that this process
 * holds only the system under test (broker, gateway, API, PGlite's thread). Measured:
 * - this process's CPU and memory with no bell, then over a steady window of heartbeats (per 1,000 bells: the
 *   difference over the bell count), beside the broker alone for the same traffic (supervision-baseline.ts);
 * - then bells silenced at random times (connection up, heartbeats stop): from each one's missed-heartbeat deadline
 *   (its lastSeenAt + 3 × heartbeatSeconds, as the offline message itself says) to `offline` on a console's stream;
 *   and bells whose connection drops (the broker publishes their will): from the drop to `offline`;
 * - every offline shown for any other bell (a false offline), over the steady window and the silences.
 * With `--supervision-broker mosquitto` the bells log in, each as itself, to an own Mosquitto made from the files
 * `guardbell devices mosquitto-acl` writes, Guardbell's gateway on its own listener (PostgreSQL), and Mosquitto's
 * process is read over the same windows instead of a broker-alone run.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { System } from '../../api/system.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { bellId } from './fleet.ts';
import { LoopDelay, type LoopDelayReport } from './memory.ts';
import type { BenchDb, BenchOptions } from './options.ts';
import { startOnOwnMosquitto } from './own-mosquitto-system.ts';
import { benchProvisioning, login, startBenchSystem, type BenchSystem } from './setup.ts';
import { sleep, summarize, type Summary } from './stats.ts';
import { stormSecret } from './storm-fleet.ts';
import { BenchChild, coresBetween, exposeGc, processUsage, procUsage, settled } from './supervision-ipc.ts';
import { StatusWatch, type Planned } from './supervision-watch.ts';
import { costOf, fleetPlan, IDLE_SECONDS, supervisionTiming, type Cost } from './supervision-baseline.ts';

export interface SweepReport {
  calls: number;
  meanMs: number;
  maxMs: number;
  /** Most sweeps running at once (the sweep timer does not wait for the previous sweep). */
  maxOverlap: number;
  /** Time inside sweeps over the window. */
  busyFraction: number;
}

export interface SupervisionResult {
  db: BenchDb;
  /** Where the bells connected: the embedded broker, or an own Mosquitto with the gateway on it. */
  broker: 'embedded' | 'mosquitto';
  bells: number;
  connections: number;
  heartbeatSeconds: number;
  sweepMs: number;
  compress: number;
  steadySeconds: number;
  /** Guardbell's process (on the embedded broker, the broker is in it). */
  system: Cost;
  /** On Mosquitto: Mosquitto's own process over the same windows (the gateway connected throughout). */
  brokerProcess?: Cost;
  /**
   * On Mosquitto: a second subscriber set up as Guardbell's gateway connects (same client code, login and filter),
   * counting messages and nothing else, in a process of its own, over a window after the steady one: the cost of
   * Node's MQTT client alone, below which no Node gateway gets.
   */
  clientFloor?: Cost;
  /** The virtual bells' own process over the same window (not part of the system's cost). */
  fleetCores: number;
  sweeps: SweepReport;
  loopDelay: LoopDelayReport;
  /** Silenced bells: deadline (server lastSeenAt + 3 × interval) → offline at the console; and from the bell's last send + 3 × interval. */
  silent: { sample: number; toOffline: Summary; fromLastSend: Summary; missing: string[]; early: number; minMs: number };
  /** Dropped connections: drop → offline at the console (the will). */
  dropped: { sample: number; toOffline: Summary; missing: string[] };
  falseOffline: { events: number; bells: string[] };
  /** At the end, as GET /api/v1/bells says: bells offline, and how many of them were taken down on purpose. */
  endCheck: { offline: number; planned: number; unplannedOffline: number; online: number };
  setupMs: { provision: number; connect: number; warmup: number };
  /** Bells shown online when the steady window began (all of them unless the system could not keep up). */
  warmOnline: number;
  fleetDisconnects: number;
  load: { before: number; after: number };
}

export async function runSupervision(db: BenchDb, o: BenchOptions, deadline: number): Promise<SupervisionResult> {
  const gc = exposeGc();
  const usage = () => processUsage(gc);
  const t = supervisionTiming(o.supervisionCompress);
  const onMosquitto = o.supervisionBroker === 'mosquitto';
  if (onMosquitto) await checkFileLimit(o.supervisionBells);
  const env = { SUPERVISION_SWEEP_MS: String(t.sweepMs) };
  // On Mosquitto the bells are provisioned before Guardbell starts: the generated passwd holds their hashes.
  let m = performance.now();
  const under: UnderTest = onMosquitto
    ? await startOnOwnMosquitto((runTag) => supervisedProvisioning(o.supervisionBells, t.heartbeatSeconds, runTag), env).then((own) => ({
        bench: own.bench, fleetUrl: own.mosquitto.url, runTag: own.runTag, brokerPid: own.mosquitto.pid, close: own.close, gateway: own.gateway,
      }))
    : await startBenchSystem(db, env).then((bench) => ({ bench, fleetUrl: bench.system.mqttUrl, runTag: bench.runTag, brokerPid: undefined, close: bench.close }));
  const setupProvisionMs = onMosquitto ? performance.now() - m : 0;
  const gatewayLogin = under.gateway;
  const { bench } = under;
  const { system } = bench;
  const brokerUsage = under.brokerPid === undefined ? undefined : (() => procUsage(under.brokerPid!));
  let fleet: BenchChild | undefined;
  let watch: StatusWatch | undefined;
  const loop = new LoopDelay();
  try {
    // The site and its people first (the console logs in as the guard); on the embedded broker, the bells after
    // the no-bell reading.
    if (!onMosquitto) {
      await applyProvisioning(system.database.db, benchProvisioning(0));
      await system.reloadDirectory();
    }
    const guard = await login(system, 'bench-guard');
    watch = await StatusWatch.open(system, guard);
    const w = watch;

    // With no bell connected: the system's own timers (escalation ticks, sweeps of nothing).
    const idle0 = await settled(usage);
    const b0idle = await brokerUsage?.();
    await sleep(IDLE_SECONDS * 1000);
    const idle1 = usage();
    const b1idle = await brokerUsage?.();

    m = performance.now();
    if (!onMosquitto) await provision(system, o.supervisionBells, t.heartbeatSeconds);
    const provisionMs = onMosquitto ? setupProvisionMs : performance.now() - m;
    // Once RSS has settled again: on Mosquitto the system started with its bells provisioned, and its RSS was still
    // falling when the no-bell window ended.
    const provisioned = await settled(usage);

    fleet = BenchChild.start('fleet');
    m = performance.now();
    const plan = { ...fleetPlan(o, under.fleetUrl, bench.topicRoot, under.runTag), credentials: onMosquitto };
    const connected = await fleet.request<{ connections: number; ms: number }>({ op: 'connectFleet', plan });
    const connectMs = performance.now() - m;
    await fleet.request({ op: 'startHeartbeats', everyMs: t.heartbeatSeconds * 1000 });

    // Warm: every bell shown online, then a sweep and a beat more so the first writes are behind us.
    m = performance.now();
    const warmUntil = Math.min(deadline, Date.now() + (4 * t.heartbeatSeconds + 60) * 1000);
    while (w.bellsOnline < o.supervisionBells && Date.now() < warmUntil) await sleep(100);
    // Not all online (a saturated system): measured anyway, and every bell still offline counts as a false offline.
    const warmOnline = w.bellsOnline;
    await sleep(t.heartbeatSeconds * 1000 + t.sweepMs);
    const warmupMs = performance.now() - m;
    w.watching = true;

    // The steady window.
    const sweeps = timeSweeps(system);
    const beats0 = await heartbeatsTaken(system);
    loop.start();
    const loadBefore = loadavg()[0]!;
    const [s0, f0, b0] = [usage(), await fleet.usage(), await brokerUsage?.()];
    await sleep(o.supervisionSeconds * 1000);
    const [s1, f1, b1] = [usage(), await fleet.usage(), await brokerUsage?.()];
    const received = (await heartbeatsTaken(system)) - beats0;
    const loopDelay = loop.stop();
    const sweepReport = sweeps.stop();
    const seconds = (s1.at - s0.atAfterGc) / 1000;
    const clientFloor = gatewayLogin ? await measureClientFloor(gatewayLogin, bench.topicRoot, o.supervisionSeconds) : undefined;

    // Silences and drops, each at a random moment of one heartbeat interval.
    const taken = await takeDown(fleet, w, o, t.heartbeatSeconds, t.sweepMs, deadline);
    const fEnd = await fleet.usage();
    const endCheck = await checkEnd(guard, w);

    return {
      db, broker: o.supervisionBroker, bells: o.supervisionBells, connections: connected.connections, heartbeatSeconds: t.heartbeatSeconds, sweepMs: t.sweepMs,
      compress: o.supervisionCompress, steadySeconds: o.supervisionSeconds,
      system: costOf(idle0, idle1, provisioned, s0, s1, received, seconds),
      ...(b0idle && b1idle && b0 && b1 ? { brokerProcess: costOf(b0idle, b1idle, b1idle, b0, b1, received, seconds) } : {}),
      ...(clientFloor ? { clientFloor } : {}),
      fleetCores: coresBetween(f0, f1),
      sweeps: sweepReport,
      loopDelay,
      ...taken,
      falseOffline: { events: w.falseOfflines, bells: [...w.falseOfflineIds] },
      endCheck,
      setupMs: { provision: provisionMs, connect: connectMs, warmup: warmupMs },
      warmOnline,
      fleetDisconnects: fEnd.disconnects,
      load: { before: loadBefore, after: loadavg()[0]! },
    };
  } finally {
    loop.stop();
    watch?.close();
    await fleet?.close();
    await under.close();
  }
}

/**
 * The counting subscriber (see {@link SupervisionResult.clientFloor}): no subscription for a no-message reading,
 * then subscribed for half the steady window (at least 20 s), every bell heartbeating as before.
 */
async function measureClientFloor(login: { url: string; username: string; password: string }, root: string, steadySeconds: number): Promise<Cost> {
  const child = BenchChild.start('broker');
  try {
    const idle0 = await settled(() => child.usage());
    await sleep(IDLE_SECONDS * 1000);
    const idle1 = await child.usage();
    await child.request({ op: 'startCounter', ...login, root });
    await sleep(2_000);
    const c0 = await child.usage();
    await sleep(Math.max(20, steadySeconds / 2) * 1000);
    const c1 = await child.usage();
    return costOf(idle0, idle1, idle1, c0, c1, c1.received - c0.received, (c1.at - c0.atAfterGc) / 1000);
  } finally {
    await child.close();
  }
}

/** The system the bells connect to: Guardbell, and where its broker is. */
interface UnderTest {
  bench: BenchSystem;
  fleetUrl: string;
  /** The run tag the bells' passwords were made with (on Mosquitto, not the running system's own). */
  runTag: string;
  /** Mosquitto's process (not Guardbell's): its CPU and memory are read beside Guardbell's. */
  brokerPid: number | undefined;
  /** On an own Mosquitto: the gateway's listener and login. */
  gateway?: { url: string; username: string; password: string };
  close(): Promise<void>;
}

/**
 * Bench bells with the compressed heartbeat and, given the run's tag, each its machine secret (Mosquitto's passwd is
 * made from them). Programmatic, as setup.ts provisions: below the document's 10 s floor.
 */
function supervisedProvisioning(bells: number, heartbeatSeconds: number, runTag?: string) {
  const doc = benchProvisioning(bells);
  doc.sites[0]!.bells.forEach((b, i) => {
    b.heartbeatSeconds = heartbeatSeconds;
    if (runTag !== undefined) b.mqttPassword = stormSecret(runTag, i);
  });
  return doc;
}

/**
 * Mosquitto holds a descriptor per bell and cannot raise its limit past the hard one it inherits; nor can the
 * bells' process. Said before minutes of setup, not as refused connections after them.
 */
async function checkFileLimit(bells: number): Promise<void> {
  const limits = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const hard = Number(/^Max open files\s+\S+\s+(\S+)/m.exec(limits)?.[1]);
  const needed = bells + 200;
  if (Number.isFinite(hard) && hard < needed) {
    throw new Error(`--supervision-bells ${bells} on Mosquitto needs ${needed} open files per process, and this one's hard limit is ${hard} (ulimit -Hn): run with fewer bells or raise the limit`);
  }
}

/** The bells, provisioned into a running system (the embedded broker lets them in without a password). */
async function provision(system: System, bells: number, heartbeatSeconds: number): Promise<void> {
  await applyProvisioning(system.database.db, supervisedProvisioning(bells, heartbeatSeconds));
  await system.reloadDirectory();
  // The supervisor read the table again on the directory change; this waits for nothing more.
  await system.supervisor.reconcile();
}

async function takeDown(
  fleet: BenchChild,
  w: StatusWatch,
  o: BenchOptions,
  heartbeatSeconds: number,
  sweepMs: number,
  deadline: number,
): Promise<Pick<SupervisionResult, 'silent' | 'dropped'>> {
  const hbMs = heartbeatSeconds * 1000;
  // Dropped bells are the first ones (each with a connection and a will of its own); silenced ones any of the others.
  const drops = Array.from({ length: Math.min(o.supervisionDrops, o.supervisionBells) }, (_, i) => i);
  const others = Array.from({ length: o.supervisionBells - drops.length }, (_, i) => i + drops.length);
  const silent = shuffle(others).slice(0, o.supervisionSilent).sort((a, b) => a - b);
  const plannedSilent = new Map(silent.map((i) => [i, w.plan(bellId(i))]));
  const plannedDrops = new Map(drops.map((i) => [i, w.plan(bellId(i))]));
  fleet.onEvent = (e) => {
    if (e.kind === 'ack' || e.kind === 'console') return; // the press phase's
    const p = (e.kind === 'silenced' ? plannedSilent : plannedDrops).get(e.index);
    if (!p) return;
    p.lastBeatAt = e.lastBeatAt;
    p.at = e.kind === 'dropped' ? e.at : null;
    p.reported = true;
  };
  const when = (i: number) => ({ index: i, afterMs: Math.random() * hbMs });
  await fleet.request({ op: 'silence', bells: silent.map(when) });
  await fleet.request({ op: 'drop', bells: drops.map(when) });

  // The last silence comes within one interval; its deadline 3 intervals later; then a few sweeps of slack.
  const until = Math.min(deadline, Date.now() + 4 * hbMs + 10 * sweepMs + 30_000);
  while (w.waiting > 0 && Date.now() < until) await sleep(50);
  // A little longer, to see any false offline that the last silences' sweeps would bring.
  await sleep(2 * sweepMs);
  w.settle();

  const s = [...plannedSilent.values()];
  const toDeadline = s.filter(shown).map((p) => p.offlineArrivedAt! - (p.offlineLastSeenAt! + 3 * hbMs));
  const fromSend = s.filter((p) => shown(p) && p.lastBeatAt != null).map((p) => p.offlineArrivedAt! - (p.lastBeatAt! + 3 * hbMs));
  const d = [...plannedDrops.values()];
  return {
    silent: {
      sample: s.length,
      toOffline: summarize(toDeadline),
      fromLastSend: summarize(fromSend),
      missing: s.filter((p) => !shown(p)).map((p) => p.id),
      early: toDeadline.filter((x) => x < 0).length,
      minMs: toDeadline.length ? Math.min(...toDeadline) : NaN,
    },
    dropped: {
      sample: d.length,
      toOffline: summarize(d.filter((p) => p.offlineArrivedAt !== undefined && p.at !== null).map((p) => p.offlineArrivedAt! - p.at!)),
      missing: d.filter((p) => p.offlineArrivedAt === undefined).map((p) => p.id),
    },
  };
}

const shown = (p: Planned) => p.offlineArrivedAt !== undefined && p.offlineLastSeenAt != null;

/** GET /api/v1/bells as the guard: offline bells against those taken down on purpose. */
async function checkEnd(guard: Awaited<ReturnType<typeof login>>, w: StatusWatch): Promise<SupervisionResult['endCheck']> {
  const r = await guard.request<{ items: { id: string; online: boolean; trouble: string[] }[] }>('GET', '/api/v1/bells');
  if (r.status !== 200) throw new Error(`GET /api/v1/bells: ${r.status}`);
  const bench = r.body.items.filter((b) => b.id.startsWith('BENCH-'));
  const offline = bench.filter((b) => !b.online || b.trouble.includes('offline'));
  const unplanned = offline.filter((b) => !w.planned.has(b.id)).length;
  return { offline: offline.length, planned: w.planned.size, unplannedOffline: unplanned, online: bench.length - offline.length };
}

/** Times every sweep of the supervisor (a measuring hook on the instance; the sweeps run as before). */
function timeSweeps(system: System): { stop(): SweepReport } {
  const sup = system.supervisor as unknown as { sweep: (...a: unknown[]) => Promise<unknown> };
  const original = sup.sweep;
  const started = performance.now();
  let calls = 0;
  let total = 0;
  let max = 0;
  let running = 0;
  let maxOverlap = 0;
  sup.sweep = async function timed(...args: unknown[]) {
    const t0 = performance.now();
    running++;
    maxOverlap = Math.max(maxOverlap, running);
    try {
      return await original.apply(system.supervisor, args);
    } finally {
      running--;
      const d = performance.now() - t0;
      calls++;
      total += d;
      max = Math.max(max, d);
    }
  };
  return {
    stop: () => {
      // Put back, not deleted: a deleted property would leave the supervisor a slow dictionary of properties.
      sup.sweep = original;
      const wall = performance.now() - started;
      return { calls, meanMs: calls ? total / calls : NaN, maxMs: max, maxOverlap, busyFraction: total / wall };
    },
  };
}

/**
 * Heartbeats the gateway took (valid, of a known bell), from its own counter: a wrapper around the supervisor would
 * put the bench's work, and a change of the supervisor's shape, into what is measured.
 */
async function heartbeatsTaken(system: System): Promise<number> {
  const metric = system.registry.getSingleMetric('guardbell_bell_messages_received_total');
  const { values } = await metric!.get();
  return values.filter((v) => v.labels.kind === 'heartbeat').reduce((n, v) => n + v.value, 0);
}

function shuffle<T>(xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
