/**
 * How a response is timed and summed up, once for the managers' board, the statistics and drill scoring, so the
 * same incidents never show two medians. A measure is the first timeline entry of its kinds, in seconds from the
 * press (to a tenth); a summary gives the median (the mean of the two middle values for an even count), the
 * nearest-rank 90th percentile, the mean and the maximum. Pure.
 */
import type { DurationSummary } from '../contract/statistics.ts';

export type { DurationSummary };

export interface TimedEntry {
  kind: string;
  at: Date;
}

/** The earliest entry of any of `kinds`, or null when none came. */
export function firstAt(entries: readonly TimedEntry[], kinds: readonly string[]): Date | null {
  let first: Date | null = null;
  for (const e of entries) if (kinds.includes(e.kind) && (first === null || e.at < first)) first = e.at;
  return first;
}

/** Seconds from the press to `at`, to a tenth; null when it never came or came before the press (a clock or an import error). */
export function secondsFromPress(openedAt: Date, at: Date | null | undefined): number | null {
  if (!at || at.getTime() < openedAt.getTime()) return null;
  return tenths((at.getTime() - openedAt.getTime()) / 1000);
}

/** The median of sorted values: the middle one, or the mean of the two middle ones. */
export function median(sorted: readonly number[]): number | null {
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The nearest-rank percentile of sorted values: a value that happened, never an interpolation. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/** Sums up durations in seconds; nulls (the measure never came) are left out of every figure. */
export function summariseDurations(values: readonly (number | null)[]): DurationSummary {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (!sorted.length) return { count: 0, medianSeconds: null, p90Seconds: null, meanSeconds: null, maxSeconds: null };
  return {
    count: sorted.length,
    medianSeconds: tenths(median(sorted)!),
    p90Seconds: percentile(sorted, 90),
    meanSeconds: tenths(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    maxSeconds: sorted[sorted.length - 1]!,
  };
}

const tenths = (n: number) => Math.round(n * 10) / 10;
