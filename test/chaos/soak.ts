/**
 * `npm run chaos -- --soak 30m`: the fleet presses and heartbeats for that long with no fault, guards close the
 * incidents as they come, and each Guardbell process's memory, handles and the database's connections are sampled.
 * After a warm-up, their least-squares slopes per hour say whether something grows without bound.
 */
import { countPresses, pressesLost, type PressCounts } from './measure.ts';
import { Rig } from './rig.ts';
import { afterWarmup, gaugeOf, LEAK_THRESHOLDS, leaksOf, slopePerHour, type LeakThresholds, type Sample, type SeriesSlopes } from './slope.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';

export interface SoakOptions {
  durationMs: number;
  warmupMs: number;
  sampleEveryMs: number;
  bells: number;
  perSecond: number;
  processes: 1 | 2;
  backend: 'postgres' | 'embedded';
  /** The bells' heartbeat period (the protocol's default is 60 s). */
  heartbeatSeconds: number;
  /** How often the guards close every open incident. */
  closeEveryMs: number;
  /** Guardbell's own periods, shortened: the retention job and the supervision sweep. */
  retentionIntervalSeconds: number;
  drainMs: number;
  log: (line: string) => void;
  logFile?: string | undefined;
}

const MIB = 1024 * 1024;

interface Series {
  rss: Sample[];
  heap: Sample[];
  openFds: Sample[];
  activeHandles: Sample[];
}

export interface ProcessFigures {
  process: number;
  samples: number;
  /** First and last sample after the warm-up. */
  rssMiB: [number, number] | null;
  heapMiB: [number, number] | null;
  openFds: [number, number] | null;
  activeHandles: [number, number] | null;
  slopes: SeriesSlopes;
}

export interface SoakReport {
  durationMs: number;
  warmupMs: number;
  /** From the end of the warm-up to the last sample: what the slopes are over. */
  windowMs: number;
  compressed: string[];
  presses: PressCounts & { lost: boolean };
  incidentsClosed: number;
  processes: ProcessFigures[];
  dbConnections: { slopePerHour: number | null; range: [number, number] | null; byApplication: Record<string, number> } | null;
  thresholds: LeakThresholds;
  /** Figures over their threshold (judged only when the window is at least `thresholds.minWindowMs`). */
  leaks: string[];
  failed: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(o: SoakOptions): Promise<SoakReport> {
  const compressed = [
    `bells heartbeat every ${o.heartbeatSeconds} s (provisioned so; the protocol's default is 60 s)`,
    `${o.perSecond} presses a second over ${o.bells} bells (a bell is pressed every ${(o.bells / o.perSecond).toFixed(0)} s), the guards acknowledge and close every open incident every ${o.closeEveryMs / 1000} s`,
    `the retention job runs every ${o.retentionIntervalSeconds} s (RETENTION_INTERVAL_SECONDS; daily by default)`,
    'the supervision sweep runs every second (SUPERVISION_SWEEP_MS; 5 s by default)',
  ];
  for (const line of compressed) o.log(`soak: ${line}`);
  const rig = await Rig.start({
    bells: o.bells,
    processes: o.processes,
    backend: o.backend,
    log: o.log,
    logFile: o.logFile,
    heartbeatSeconds: o.heartbeatSeconds,
    extraEnv: { RETENTION_INTERVAL_SECONDS: String(o.retentionIntervalSeconds), SUPERVISION_SWEEP_MS: '1000' },
  });
  try {
    const series: Series[] = rig.systems.map(() => ({ rss: [], heap: [], openFds: [], activeHandles: [] }));
    const connections: Sample[] = [];
    let byApplication: Record<string, number> = {};
    const started = Date.now();
    const warmEnd = started + o.warmupMs;
    const until = started + o.durationMs;
    const managers = await Promise.all(rig.systems.map((s) => ApiClient.login(s.url, 'manager', PASSWORD)));
    let closed = 0;
    let nextReport = started + 60_000;
    rig.command({ type: 'press', perSecond: o.perSecond });
    // The guards' rounds go on beside the sampling: a slow round must not space the samples out.
    const guards = (async () => {
      for (let round = 0; Date.now() < until; round++) {
        closed += await closeOpenIncidents(managers, round, until).catch((err: Error) => (o.log(`soak: closing incidents failed: ${err.message}`), 0));
        // The orchestrator's consoles keep every message; a soak would grow its own memory, not Guardbell's.
        for (const c of rig.consoles) if (c) c.messages.length = 0;
        await sleep(Math.max(0, Math.min(o.closeEveryMs, until - Date.now())));
      }
    })();
    while (Date.now() < until) {
      await sample(rig, series, connections).then((apps) => (byApplication = apps), (err: Error) => o.log(`soak: a sample failed: ${err.message}`));
      if (Date.now() >= nextReport) {
        nextReport += 60_000;
        const rss = series.map((s, i) => `process ${i} RSS ${mib(s.rss.at(-1)?.value)} heap ${mib(s.heap.at(-1)?.value)} fds ${s.openFds.at(-1)?.value ?? '?'}`).join('; ');
        o.log(`soak: ${Math.round((Date.now() - started) / 60_000)} min, ${rig.presses.sent.size} presses sent, ${closed} incidents closed; ${rss}; db connections ${connections.at(-1)?.value ?? '-'}`);
      }
      await sleep(Math.max(0, Math.min(o.sampleEveryMs, until - Date.now())));
    }
    rig.command({ type: 'pause' });
    await guards;
    const keys = [...rig.presses.sent.keys()];
    const drainUntil = Date.now() + o.drainMs;
    while (Date.now() < drainUntil && keys.some((k) => !rig.presses.received.has(k))) await sleep(200);
    await sleep(1_000);
    const counted = await countPresses(rig, keys);
    const processes = series.map((s, i) => figuresOf(i, s, warmEnd));
    const lastAt = Math.max(...series.flatMap((s) => s.rss.map((p) => p.at)), warmEnd);
    const windowMs = lastAt - warmEnd;
    const dbAfter = afterWarmup(connections, warmEnd);
    const dbConnections = rig.embedded ? null : { slopePerHour: slopePerHour(dbAfter), range: ends(dbAfter), byApplication };
    const leaks = leaksOf(processes.map((p) => ({ process: `process ${p.process}`, slopes: p.slopes })), dbConnections?.slopePerHour ?? null, windowMs);
    const lost = pressesLost(counted, rig.rung.length);
    return {
      durationMs: o.durationMs, warmupMs: o.warmupMs, windowMs, compressed,
      presses: { ...counted, lost }, incidentsClosed: closed, processes, dbConnections,
      thresholds: LEAK_THRESHOLDS, leaks, failed: lost || leaks.length > 0,
    };
  } finally {
    await rig.close();
  }
}

async function sample(rig: Rig, series: Series[], connections: Sample[]): Promise<Record<string, number>> {
  for (let i = 0; i < rig.systems.length; i++) {
    const text = await rig.metrics(i);
    const at = Date.now();
    const push = (to: Sample[], name: string) => {
      const value = gaugeOf(text, name);
      if (value !== undefined) to.push({ at, value });
    };
    push(series[i]!.rss, 'process_resident_memory_bytes');
    push(series[i]!.heap, 'nodejs_heap_size_used_bytes');
    push(series[i]!.openFds, 'process_open_fds');
    push(series[i]!.activeHandles, 'nodejs_active_handles_total');
  }
  const apps = await rig.databaseConnections();
  if (!rig.embedded) connections.push({ at: Date.now(), value: Object.values(apps).reduce((a, b) => a + b, 0) });
  return apps;
}

/** A guard's work: acknowledge and close whatever is open, on the processes in turn. */
async function closeOpenIncidents(managers: ApiClient[], round: number, until: number): Promise<number> {
  const manager = managers[round % managers.length]!;
  // A round takes at most a hundred: on a busy machine the rounds must keep their pace.
  const open = await manager.get<{ items: { id: string; status: string }[] }>('/api/v1/incidents?status=open&limit=100');
  let closed = 0;
  for (const incident of open.body.items) {
    // The soak's end is not held up by a round (on a loaded machine each request takes seconds).
    if (Date.now() >= until) break;
    if (incident.status !== 'acknowledged') await manager.post(`/api/v1/incidents/${incident.id}/acknowledge`);
    const r = await manager.post(`/api/v1/incidents/${incident.id}/close`, { outcome: 'soak: closed by the guard round', classification: ['verbal_abuse'] });
    if (r.status === 200) closed++;
  }
  return closed;
}

function figuresOf(process: number, s: Series, warmEnd: number): ProcessFigures {
  const after = (xs: Sample[], scale = 1) => afterWarmup(xs, warmEnd).map((p) => ({ at: p.at, value: p.value / scale }));
  const rss = after(s.rss, MIB);
  const heap = after(s.heap, MIB);
  const openFds = after(s.openFds);
  const activeHandles = after(s.activeHandles);
  return {
    process,
    samples: s.rss.length,
    rssMiB: ends(rss),
    heapMiB: ends(heap),
    openFds: ends(openFds),
    activeHandles: ends(activeHandles),
    slopes: {
      rssMiBPerHour: slopePerHour(rss),
      heapMiBPerHour: slopePerHour(heap),
      openFdsPerHour: slopePerHour(openFds),
      activeHandlesPerHour: slopePerHour(activeHandles),
    },
  };
}

function ends(xs: Sample[]): [number, number] | null {
  return xs.length > 0 ? [round1(xs[0]!.value), round1(xs.at(-1)!.value)] : null;
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const mib = (bytes: number | undefined) => (bytes === undefined ? '?' : `${(bytes / MIB).toFixed(0)} MiB`);
const fixed = (v: number | null, unit: string) => (v === null ? 'n/a' : `${v >= 0 ? '+' : ''}${v.toFixed(1)} ${unit}`);

export function formatSoak(r: SoakReport): string[] {
  const p = r.presses;
  const lines = [
    `${r.failed ? 'FAIL' : 'ok  '} soak ${(r.durationMs / 60_000).toFixed(1)} min (slopes over ${(r.windowMs / 60_000).toFixed(1)} min after a ${(r.warmupMs / 60_000).toFixed(1)} min warm-up): ` +
      `presses sent ${p.sent}, received ${p.received}, stored ${p.stored} (more than once ${p.storedMoreThanOnce}, received but not stored ${p.receivedNotStored}, never received ${p.neverReceived}), ` +
      `rung on every console ${p.rungOnEveryConsole}/${p.pressedBells}, incidents closed ${r.incidentsClosed}`,
    ...r.processes.map((f) =>
      `  process ${f.process}: RSS ${fixed(f.slopes.rssMiBPerHour, 'MiB/h')} (${f.rssMiB?.join(' → ') ?? '?'} MiB), heap ${fixed(f.slopes.heapMiBPerHour, 'MiB/h')} (${f.heapMiB?.join(' → ') ?? '?'} MiB), ` +
      `open fds ${fixed(f.slopes.openFdsPerHour, '/h')} (${f.openFds?.join(' → ') ?? '?'}), active handles ${fixed(f.slopes.activeHandlesPerHour, '/h')} (${f.activeHandles?.join(' → ') ?? '?'}); ${f.samples} samples`),
    r.dbConnections
      ? `  database connections ${fixed(r.dbConnections.slopePerHour, '/h')} (${r.dbConnections.range?.join(' → ') ?? '?'}; last by application: ${JSON.stringify(r.dbConnections.byApplication)})`
      : '  database connections: n/a (embedded database)',
  ];
  if (r.windowMs < r.thresholds.minWindowMs) lines.push(`  leaks not judged: the window after the warm-up is under ${r.thresholds.minWindowMs / 60_000} min`);
  for (const leak of r.leaks) lines.push(`  LEAK ${leak}`);
  return lines;
}
