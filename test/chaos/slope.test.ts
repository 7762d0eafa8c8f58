import { describe, expect, it } from 'vitest';
import { afterWarmup, gaugeOf, leaksOf, LEAK_THRESHOLDS, parseDuration, slopePerHour, warmupFor, type SeriesSlopes } from './slope.ts';

const MIN = 60_000;

describe('the soak slope: least squares per hour after the warm-up', () => {
  it('finds the slope of a line, per hour, whatever the time origin', () => {
    // 2 MiB a minute = 120 MiB/h.
    const line = Array.from({ length: 11 }, (_, i) => ({ at: 1_700_000_000_000 + i * MIN, value: 300 + 2 * i }));
    expect(slopePerHour(line)).toBeCloseTo(120, 9);
  });

  it('is the least-squares fit through noise, not the first-to-last difference', () => {
    // A sawtooth around a flat level: ends high, but no trend.
    const saw = [10, 20, 10, 20, 10, 20].map((value, i) => ({ at: i * MIN, value }));
    // Least squares: Σ(t−t̄)(v−v̄)/Σ(t−t̄)² = 15/17.5 per minute on these six points, not (20 − 10)/5 end to end.
    expect(slopePerHour(saw)).toBeCloseTo((15 / 17.5) * 60, 6);
  });

  it('has no slope with fewer than two samples or a single instant', () => {
    expect(slopePerHour([])).toBeNull();
    expect(slopePerHour([{ at: 5, value: 1 }])).toBeNull();
    expect(slopePerHour([{ at: 5, value: 1 }, { at: 5, value: 9 }])).toBeNull();
  });

  it('drops the warm-up: a start that grows then levels off has no slope afterwards', () => {
    const samples = Array.from({ length: 20 }, (_, i) => ({ at: i * MIN, value: i < 5 ? i * 50 : 250 }));
    expect(slopePerHour(samples)).toBeGreaterThan(100);
    expect(slopePerHour(afterWarmup(samples, 5 * MIN))).toBe(0);
  });

  it('warms up for a sixth of the run, between one and five minutes', () => {
    expect(warmupFor(5 * MIN)).toBe(MIN);
    expect(warmupFor(12 * MIN)).toBe(2 * MIN);
    expect(warmupFor(30 * MIN)).toBe(5 * MIN);
    expect(warmupFor(120 * MIN)).toBe(5 * MIN);
  });
});

describe('the leak verdict', () => {
  const flat: SeriesSlopes = { rssMiBPerHour: 3, heapMiBPerHour: -1, openFdsPerHour: 0, activeHandlesPerHour: 0 };

  it('names each figure over its threshold', () => {
    const leaking = { ...flat, heapMiBPerHour: 40, openFdsPerHour: 31 };
    expect(leaksOf([{ process: 'process 0', slopes: flat }, { process: 'process 1', slopes: leaking }], 0, 20 * MIN)).toEqual([
      'process 1 heap 40.0 MiB/h > 32',
      'process 1 open fds 31.0 /h > 30',
    ]);
    expect(leaksOf([{ process: 'process 0', slopes: flat }], 45, 20 * MIN)).toEqual(['database connections 45.0 /h > 30']);
  });

  it('judges nothing on a window shorter than the minimum, nor on missing figures', () => {
    const leaking = { ...flat, rssMiBPerHour: 500 };
    expect(leaksOf([{ process: 'p', slopes: leaking }], null, LEAK_THRESHOLDS.minWindowMs - 1)).toEqual([]);
    expect(leaksOf([{ process: 'p', slopes: leaking }], null, LEAK_THRESHOLDS.minWindowMs)).toEqual(['p RSS 500.0 MiB/h > 64']);
    expect(leaksOf([{ process: 'p', slopes: { rssMiBPerHour: null, heapMiBPerHour: null, openFdsPerHour: null, activeHandlesPerHour: null } }], null, 60 * MIN)).toEqual([]);
  });
});

describe('durations and metrics text', () => {
  it('reads 30m, 90s, 1h30m and plain seconds, and refuses the rest', () => {
    expect(parseDuration('30m')).toBe(30 * MIN);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('1h30m')).toBe(90 * MIN);
    expect(parseDuration('45')).toBe(45_000);
    expect(() => parseDuration('30 minutes')).toThrow(/not a duration/);
    expect(() => parseDuration('m')).toThrow(/not a duration/);
  });

  it("reads a gauge of prom-client's exposition, summing its label sets", () => {
    const text = [
      '# HELP process_resident_memory_bytes Resident memory size in bytes.',
      '# TYPE process_resident_memory_bytes gauge',
      'process_resident_memory_bytes 351272960',
      'nodejs_heap_size_used_bytes 61234567',
      'nodejs_active_handles{type="Socket"} 12',
      'nodejs_active_handles{type="Timeout"} 3',
      'nodejs_active_handles_total 15',
    ].join('\n');
    expect(gaugeOf(text, 'process_resident_memory_bytes')).toBe(351272960);
    expect(gaugeOf(text, 'nodejs_active_handles')).toBe(15);
    expect(gaugeOf(text, 'nodejs_active_handles_total')).toBe(15);
    expect(gaugeOf(text, 'process_open_fds')).toBeUndefined();
  });
});
