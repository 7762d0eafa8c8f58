import { describe, expect, it } from 'vitest';
import { firstAt, median, percentile, secondsFromPress, summariseDurations } from './measures.ts';

const t0 = new Date('2026-11-23T09:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe('response measures', () => {
  it('takes the earliest entry of the kinds, whatever the order of the timeline', () => {
    const entries = [{ kind: 'on_scene', at: at(90) }, { kind: 'acknowledged', at: at(30) }, { kind: 'acknowledged', at: at(12) }];
    expect(firstAt(entries, ['acknowledged'])).toEqual(at(12));
    expect(firstAt(entries, ['closed', 'cancelled'])).toBeNull();
  });

  it('counts seconds from the press to a tenth, and nothing before the press', () => {
    expect(secondsFromPress(t0, at(12.345))).toBe(12.3);
    expect(secondsFromPress(t0, at(-1))).toBeNull();
    expect(secondsFromPress(t0, null)).toBeNull();
  });

  it('has one median: the middle value, or the mean of the two middle values', () => {
    expect(median([10, 20, 30])).toBe(20);
    expect(median([10, 20, 30, 40])).toBe(25);
    expect(median([])).toBeNull();
  });

  it('takes percentiles by nearest rank: a value that happened', () => {
    expect(percentile([10, 20, 30, 40], 90)).toBe(40);
    expect(percentile([10, 20, 30, 40], 50)).toBe(20);
    expect(percentile([], 90)).toBeNull();
  });

  it('sums up durations, leaving out measures that never came', () => {
    expect(summariseDurations([null, 10, 30, 20, 40])).toEqual({ count: 4, medianSeconds: 25, p90Seconds: 40, meanSeconds: 25, maxSeconds: 40 });
    expect(summariseDurations([5])).toMatchObject({ medianSeconds: 5, p90Seconds: 5 });
    expect(summariseDurations([null])).toEqual({ count: 0, medianSeconds: null, p90Seconds: null, meanSeconds: null, maxSeconds: null });
  });
});
