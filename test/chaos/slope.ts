/**
 * The soak's arithmetic, pure: a least-squares slope over samples after a warm-up, per hour, and the verdict on a
 * leak. Kept apart from the sampling so that it is tested without a running Guardbell.
 */

export interface Sample {
  /** Milliseconds (any origin: only differences count). */
  at: number;
  value: number;
}

const HOUR_MS = 3_600_000;

/** The least-squares slope of value over time, in value per hour; null with fewer than two distinct times. */
export function slopePerHour(samples: readonly Sample[]): number | null {
  const n = samples.length;
  if (n < 2) return null;
  const meanT = samples.reduce((s, p) => s + p.at, 0) / n;
  const meanV = samples.reduce((s, p) => s + p.value, 0) / n;
  let cov = 0;
  let varT = 0;
  for (const p of samples) {
    cov += (p.at - meanT) * (p.value - meanV);
    varT += (p.at - meanT) ** 2;
  }
  if (varT === 0) return null;
  return (cov / varT) * HOUR_MS;
}

/** The samples taken at or after `from` (the end of the warm-up). */
export function afterWarmup(samples: readonly Sample[], from: number): Sample[] {
  return samples.filter((s) => s.at >= from);
}

/** The warm-up of a soak of `durationMs`: a sixth of it, at least one minute, at most five. */
export function warmupFor(durationMs: number): number {
  return Math.min(5 * 60_000, Math.max(60_000, Math.round(durationMs / 6)));
}

/** `30m`, `90s`, `1h`, `1h30m` or plain seconds; throws on anything else. */
export function parseDuration(text: string): number {
  const units: Record<string, number> = { h: HOUR_MS, m: 60_000, s: 1_000 };
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1_000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)([hms])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`"${text}" is not a duration such as 30m, 90s, 1h or 1h30m`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * units[p[2]!]!, 0);
}

/** What counts as a leak: a slope above these, per hour, over a window after the warm-up at least `minWindowMs` long. */
export interface LeakThresholds {
  rssMiBPerHour: number;
  heapMiBPerHour: number;
  openFdsPerHour: number;
  dbConnectionsPerHour: number;
  minWindowMs: number;
}

/**
 * A heap that keeps 1 KiB of every press at the soak's 10 presses a second grows 35 MiB an hour, which the heap
 * limit catches; GC's sawtooth (tens of MiB) moves a flat process's slope over a short window, hence at least
 * 10 minutes after the warm-up before anything is judged, and RSS (the allocator's arenas settle slowly) allowed
 * twice the heap's. A descriptor or a connection every two minutes that is never given back is a leak however small.
 */
export const LEAK_THRESHOLDS: LeakThresholds = {
  rssMiBPerHour: 64,
  heapMiBPerHour: 32,
  openFdsPerHour: 30,
  dbConnectionsPerHour: 30,
  minWindowMs: 10 * 60_000,
};

export interface SeriesSlopes {
  rssMiBPerHour: number | null;
  heapMiBPerHour: number | null;
  openFdsPerHour: number | null;
  activeHandlesPerHour: number | null;
}

/** The figures over the threshold, named; empty when nothing leaks or the window is too short to tell. */
export function leaksOf(
  slopes: { process: string; slopes: SeriesSlopes }[],
  dbConnectionsPerHour: number | null,
  windowMs: number,
  t: LeakThresholds = LEAK_THRESHOLDS,
): string[] {
  if (windowMs < t.minWindowMs) return [];
  const over = (what: string, v: number | null, limit: number, unit: string) => (v !== null && v > limit ? [`${what} ${v.toFixed(1)} ${unit} > ${limit}`] : []);
  return [
    ...slopes.flatMap(({ process, slopes: s }) => [
      ...over(`${process} RSS`, s.rssMiBPerHour, t.rssMiBPerHour, 'MiB/h'),
      ...over(`${process} heap`, s.heapMiBPerHour, t.heapMiBPerHour, 'MiB/h'),
      ...over(`${process} open fds`, s.openFdsPerHour, t.openFdsPerHour, '/h'),
    ]),
    ...over('database connections', dbConnectionsPerHour, t.dbConnectionsPerHour, '/h'),
  ];
}

/** One gauge of prom-client's text exposition (summed over its label sets), or undefined when absent. */
export function gaugeOf(metricsText: string, name: string): number | undefined {
  let sum: number | undefined;
  for (const line of metricsText.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const v = Number(m[3]);
    if (Number.isFinite(v)) sum = (sum ?? 0) + v;
  }
  return sum;
}
