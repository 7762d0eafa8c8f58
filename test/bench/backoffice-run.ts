/**
 * The back office at country scale: a fresh system with 20 sites of 10 counters and 100,000 incidents over three
 * years (seed-incidents.ts), then the managers' statistics and history endpoints as a manager of every site would
 * ask for them, each timed over HTTP one request after another (p50, p95). Target: p95 ≤ 200 ms. Before each
 * statistics request five incidents are written, as a working system writes between two looks at the board (the
 * statistics' copy in memory reads them again); the very first statistics request, which reads every incident into
 * that copy, is timed on its own.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { ApiClient } from '../support/http.ts';
import type { BenchDb } from './options.ts';
import { seedCounterId, seedIncidents, seedProvisioning, seedSiteId, SEED_MANAGER } from './seed-incidents.ts';
import { BENCH_PASSWORD, startBenchSystem } from './setup.ts';
import { latencyRow, LATENCY_HEADER, summarize, table, type Summary } from './stats.ts';

export const BACKOFFICE_TARGET_P95_MS = 200;
const SITES = 20;
const COUNTERS = 10;
/** Requests timed per endpoint, after two untimed ones (first-query plans and caches). */
const TIMED = 20;

export interface EndpointTiming {
  name: string;
  path: string;
  status: number;
  /** Incidents counted (statistics) or listed (history) by the last answer. */
  items: number;
  ms: Summary;
}

export interface BackofficeResult {
  db: BenchDb;
  incidents: number;
  timelineRows: number;
  seedMs: number;
  /** The first statistics request after the start: every incident read into the copy in memory. */
  firstStatisticsMs: number;
  endpoints: EndpointTiming[];
  targetP95Ms: number;
  load: { before: number; after: number };
}

export const backofficeTargetMet = (r: BackofficeResult) => r.endpoints.every((e) => e.status === 200 && e.ms.p95 <= BACKOFFICE_TARGET_P95_MS);

const day = (d: Date) => d.toISOString().slice(0, 10);

/** What a manager asks for: statistics over a month, a year, one site, everything; history by its filters. */
export function backofficeQueries(now: Date): { name: string; path: string }[] {
  const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
  const tomorrow = day(daysAgo(-1));
  const enc = (d: Date) => encodeURIComponent(d.toISOString());
  return [
    { name: 'statistics, last 30 days', path: `/api/v1/statistics?from=${day(daysAgo(30))}&to=${tomorrow}` },
    { name: 'statistics, last year', path: `/api/v1/statistics?from=${day(daysAgo(365))}&to=${tomorrow}` },
    { name: 'statistics, one site, all time', path: `/api/v1/statistics?siteId=${seedSiteId(0)}` },
    { name: 'statistics, everything', path: '/api/v1/statistics?mode=all' },
    { name: 'history, newest 200', path: '/api/v1/managers/history' },
    { name: 'history, one site, one kind', path: `/api/v1/managers/history?siteId=${seedSiteId(1)}&kind=assault` },
    { name: 'history, one counter, 90 days', path: `/api/v1/managers/history?siteId=${seedSiteId(2)}&counterId=${seedCounterId(3)}&from=${enc(daysAgo(90))}&to=${enc(now)}` },
    { name: 'history, a rare kind, all sites', path: '/api/v1/managers/history?kind=stalking&mode=live' },
    { name: 'history, open', path: '/api/v1/managers/history?status=open' },
    { name: 'history, last year, 1000', path: `/api/v1/managers/history?from=${enc(daysAgo(365))}&limit=1000` },
    { name: 'open board', path: '/api/v1/managers/open' },
  ];
}

export async function runBackoffice(db: BenchDb, count: number, log: (line: string) => void): Promise<BackofficeResult> {
  const loadBefore = loadavg()[0]!;
  const bench = await startBenchSystem(db);
  try {
    const { system } = bench;
    await applyProvisioning(system.database.db, seedProvisioning(SITES, COUNTERS, BENCH_PASSWORD));
    await system.reloadDirectory();
    const now = new Date();
    const seeded = await seedIncidents(system.database.db, { count, sites: SITES, counters: COUNTERS, now });
    log(`  seeded ${seeded.incidents} incidents and ${seeded.timeline} timeline entries in ${(seeded.ms / 1000).toFixed(1)} s`);
    const manager = await ApiClient.login(system.url, SEED_MANAGER, BENCH_PASSWORD);
    const endpoints: EndpointTiming[] = [];
    let firstStatisticsMs = NaN;
    let touched = 0;
    // Five incidents written: an update of nothing still passes the triggers, as any write does.
    const touch = () => system.database.db.execute(sql`update incidents set status = status where id in (select id from incidents order by id limit 5 offset ${(touched++ * 5) % count})`);
    for (const q of backofficeQueries(now)) {
      const statistics = q.path.startsWith('/api/v1/statistics');
      const started = performance.now();
      let last = await manager.request('GET', q.path);
      if (statistics && Number.isNaN(firstStatisticsMs)) firstStatisticsMs = performance.now() - started;
      await manager.request('GET', q.path);
      const times: number[] = [];
      for (let i = 0; i < TIMED; i++) {
        if (statistics) await touch();
        const t0 = performance.now();
        last = await manager.request('GET', q.path);
        times.push(performance.now() - t0);
      }
      const body = last.body as { statistics?: { total?: number }; items?: unknown[] };
      const e = { ...q, status: last.status, items: body.statistics?.total ?? body.items?.length ?? 0, ms: summarize(times) };
      log(`  ${q.name}: ${e.status}, ${e.items} incidents, p50 ${e.ms.p50.toFixed(0)} ms, p95 ${e.ms.p95.toFixed(0)} ms`);
      endpoints.push(e);
    }
    log(`  first statistics request (every incident read into memory): ${firstStatisticsMs.toFixed(0)} ms`);
    return { db, incidents: seeded.incidents, timelineRows: seeded.timeline, seedMs: seeded.ms, firstStatisticsMs, endpoints, targetP95Ms: BACKOFFICE_TARGET_P95_MS, load: { before: loadBefore, after: loadavg()[0]! } };
  } finally {
    await bench.close();
  }
}

export function formatBackoffice(r: BackofficeResult): string {
  return [
    `-- back office: ${r.db}, ${r.incidents} incidents (${r.timelineRows} timeline entries, seeded in ${(r.seedMs / 1000).toFixed(1)} s), a manager of ${SITES} sites over HTTP --`,
    '',
    table([...LATENCY_HEADER, 'status', 'incidents'], r.endpoints.map((e) => [...latencyRow(e.name, e.ms), String(e.status), String(e.items)])),
    '',
    `first statistics request after the start (every incident read into memory, not in the table): ${r.firstStatisticsMs.toFixed(0)} ms; five incidents written before each timed statistics request`,
    `machine load average ${r.load.before.toFixed(1)} → ${r.load.after.toFixed(1)}`,
    `target p95 ≤ ${r.targetP95Ms} ms on every endpoint: ${backofficeTargetMet(r) ? 'MET' : 'NOT MET'}${backofficeTargetMet(r) ? '' : ` (${r.endpoints.filter((e) => e.ms.p95 > r.targetP95Ms).map((e) => e.name).join('; ')})`}`,
  ].join('\n');
}
