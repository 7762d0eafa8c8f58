/**
 * The city phase: Guardbell as an operator runs it for availability. `guardbell start` processes (real OS
 * processes) on one fresh PostgreSQL database and a Mosquitto of the bench's own, with the broker settings
 * `guardbell devices mosquitto-acl` generates (no Nagle delay, the queue limits), and a shared subscription
 * (MQTT_SHARED_GROUP), the bells, the broker baseline and one guard console per process in a load process of their
 * own (city-load.ts). Run twice in the same minutes: one process (the single-process figure), then three.
 * Every press is checked at every console, and every incident the store holds is counted at every console.
 */
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ChildSystem } from '../support/child-system.ts';
import { OwnMosquitto } from '../devices/own-mosquitto.ts';
import { createTestDatabase } from '../support/postgres.ts';
import type { CityLoadPlan, CityLoadResult } from './city-load.ts';
import type { BenchOptions } from './options.ts';
import { BENCH_PASSWORD, login, provisionBench, startBenchSystem } from './setup.ts';
import { summarize, type Summary } from './stats.ts';

/** Where the city phase leaves each process's log (beside the bench's other output, ignored by git). */
const LOG_DIR = '.bench';

/** The target: every console's p99 within twice the single process's, and no console missing an incident. */
export const CITY_P99_FACTOR = 2;

export interface CityRound {
  processes: number;
  setupMs: { provision: number; start: number; connectBells: number; online: number };
  /** Bells each console showed online before the first press (all of them, unless the wait ran out). */
  onlineAtConsoles: number[];
  presses: { planned: number; sent: number; received: number; retransmitted: number; achievedRate: number };
  latency: {
    pressToReceived: Summary;
    /** Press → its incident's first message at a console, every (press, console) pair. */
    pressToEachConsole: Summary;
    /** Press → the last of the consoles to hear it. */
    pressToEveryConsole: Summary;
    baseline: Summary;
  };
  baseline: { sent: number; lost: number };
  /** Per console: incidents of the store it never heard of, presses it never heard of, revisions out of order, stream drops. */
  consoles: { name: string; messages: number; missedIncidents: number; missedPresses: number; outOfOrder: number; closes: number }[];
  store: { incidents: number; bellEvents: number; exactlyOnce: boolean };
  /** Incidents opened per process (bus_events origins): the presses really were spread. */
  openedBy: number[];
  heartbeats: number;
  bellDisconnects: number;
}

export interface CityResult {
  bells: number;
  rate: number;
  seconds: number;
  rounds: CityRound[];
}

export async function runCity(o: BenchOptions, deadline: number, log: (line: string) => void): Promise<CityResult> {
  const rounds: CityRound[] = [];
  // The broker as the city guide runs it. The machine's Mosquitto has `set_tcp_nodelay false` (Mosquitto's default),
  // and Nagle's algorithm alone put one process's press → console p99 at 46 ms instead of 6.
  const broker = await OwnMosquitto.start({ allowAnonymous: true, extraLines: ['set_tcp_nodelay true'] });
  try {
    for (const processes of [1, 3]) {
      log(`  ${processes} process${processes === 1 ? '' : 'es'}: starting…`);
      rounds.push(await runRound(processes, o, deadline, broker.url));
    }
  } finally {
    await broker.stop();
  }
  return { bells: o.bells, rate: o.rate, seconds: o.citySeconds, rounds };
}

async function runRound(processes: number, o: BenchOptions, deadline: number, mqttUrl: string): Promise<CityRound> {
  const created = await createTestDatabase();
  const dirs: string[] = [];
  const children: (ChildSystem & { url: string })[] = [];
  const db = new pg.Client({ connectionString: created.url });
  try {
    // Migrated and provisioned by a process of the bench's own, which then stops: only the children serve.
    let t = performance.now();
    const provisioner = await startBenchSystem('postgres', {}, created.url);
    const { topicRoot, runTag } = provisioner;
    try {
      await provisionBench(provisioner.system, o.bells);
    } finally {
      await provisioner.close();
    }
    const provisionMs = performance.now() - t;
    t = performance.now();
    const group = `gbbench${runTag}`;
    const started = await Promise.allSettled(Array.from({ length: processes }, () => {
      const dir = mkdtempSync(join(tmpdir(), 'gb-city-'));
      dirs.push(dir);
      return ChildSystem.start({
        // The gateway's login, as in a city (the broker here takes any): it signs the ring lane's messages.
        DATABASE_URL: created.url, DATABASE_POOL_MAX: '20', MQTT_URL: mqttUrl, MQTT_USERNAME: 'guardbell-gateway', MQTT_PASSWORD: `city-${runTag}`, MQTT_SHARED_GROUP: group, GUARDBELL_TOPIC_ROOT: topicRoot,
        DATA_DIR: dir, GUARDBELL_ADMIN_PASSWORD: BENCH_PASSWORD,
      }, 120_000);
    }));
    for (const s of started) if (s.status === 'fulfilled') children.push(s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const startMs = performance.now() - t;
    const consoles = await Promise.all(children.map(async (c, i) => ({ name: `process ${i + 1}`, url: c.url, token: (await login(c, 'bench-guard')).token! })));

    const load = await runLoad({
      mqttUrl, root: topicRoot, runTag, bells: o.bells, rate: o.rate, seconds: o.citySeconds,
      heartbeatMs: o.heartbeatSeconds * 1000, connectBatch: o.connectBatch, stragglerMs: o.stragglerSeconds * 1000,
      deadline, consoles,
    });

    await db.connect();
    const count = async (q: string) => Number((await db.query<{ n: string }>(q)).rows[0]?.n ?? 0);
    const incidentIds = (await db.query<{ id: string }>(`select id from incidents where bell_id like 'BENCH-%'`)).rows.map((r) => r.id);
    const bellEvents = await count(`select count(*) as n from bell_events where bell_id like 'BENCH-%'`);
    const openedBy = (await db.query<{ n: string }>(`select count(*) as n from bus_events where type = 'incident.opened' and data->'incident'->>'stored' = 'true' group by origin order by 1 desc`)).rows.map((r) => Number(r.n));
    const planned = Math.min(o.bells, Math.floor(o.rate * o.citySeconds));
    // Each press's timings (ms from the first press; latencies per console), to see when in the round a tail came.
    mkdirSync(LOG_DIR, { recursive: true });
    writeFileSync(join(LOG_DIR, `city-${processes}p-presses.json`), JSON.stringify(load.presses));
    return summarizeRound(processes, load, { planned, incidentIds, bellEvents, openedBy, provisionMs, startMs });
  } finally {
    await db.end().catch(() => undefined);
    await Promise.all(children.map((c) => c.stop()));
    // Each process's own log (warnings and errors), to see where a slow round's time went.
    mkdirSync(LOG_DIR, { recursive: true });
    children.forEach((c, i) => writeFileSync(join(LOG_DIR, `city-${processes}p-process${i + 1}.log`), c.log));
    await created.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

function summarizeRound(
  processes: number,
  load: CityLoadResult,
  store: { planned: number; incidentIds: string[]; bellEvents: number; openedBy: number[]; provisionMs: number; startMs: number },
): CityRound {
  const p = load.presses;
  const pairs = p.flatMap((x) => x.consoles.filter((c): c is number => c !== null));
  const every = p.filter((x) => x.consoles.every((c) => c !== null)).map((x) => Math.max(...(x.consoles as number[])));
  return {
    processes,
    setupMs: { provision: store.provisionMs, start: store.startMs, connectBells: load.connectMs, online: load.onlineMs },
    onlineAtConsoles: load.onlineAtConsoles,
    presses: {
      planned: store.planned,
      sent: p.length,
      received: p.filter((x) => x.received !== null).length,
      retransmitted: p.filter((x) => x.retransmits > 0).length,
      achievedRate: p.length / (load.pressMs / 1000),
    },
    latency: {
      pressToReceived: summarize(p.map((x) => x.received).filter((x): x is number => x !== null)),
      pressToEachConsole: summarize(pairs),
      pressToEveryConsole: summarize(every),
      baseline: summarize(load.baseline.latencies),
    },
    baseline: { sent: load.baseline.sent, lost: load.baseline.lost },
    consoles: load.consoles.map((c, i) => {
      const heard = new Set(c.incidentIds);
      return {
        name: c.name,
        messages: c.messages,
        missedIncidents: store.incidentIds.filter((id) => !heard.has(id)).length,
        missedPresses: p.filter((x) => x.consoles[i] === null).length,
        outOfOrder: c.outOfOrder,
        closes: c.closes,
      };
    }),
    store: { incidents: store.incidentIds.length, bellEvents: store.bellEvents, exactlyOnce: store.bellEvents === p.length && store.incidentIds.length === p.length },
    openedBy: store.openedBy,
    heartbeats: load.heartbeats,
    bellDisconnects: load.bellDisconnects,
  };
}

/** The load process: TypeScript through tsx. */
function runLoad(plan: CityLoadPlan): Promise<CityLoadResult> {
  const child = fork(fileURLToPath(new URL('./city-load.ts', import.meta.url)), [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<CityLoadResult>((resolve, reject) => {
    child.once('message', (m: { result?: CityLoadResult; error?: string }) => (m.result ? resolve(m.result) : reject(new Error(`city load process: ${m.error}`))));
    child.once('exit', (code, signal) => reject(new Error(`city load process exited (${code ?? signal}) without a result`)));
    child.send({ plan });
  });
}

/** Target: no console missed an incident, every press reached every console, and p99 within 2× one process's. */
export function cityTargetMet(r: CityResult): boolean {
  const [single, city] = [r.rounds[0], r.rounds.at(-1)];
  if (!single || !city) return false;
  const complete = r.rounds.every((x) => x.consoles.every((c) => c.missedIncidents === 0 && c.missedPresses === 0) && x.store.exactlyOnce);
  return complete && city.latency.pressToEveryConsole.p99 <= CITY_P99_FACTOR * single.latency.pressToEachConsole.p99;
}
