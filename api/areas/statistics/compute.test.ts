import { describe, expect, it } from 'vitest';
import { computeStatistics, firstTimes, incidentLines, repeatComplainants, type StatIncident } from './compute.ts';
import { percentile, summariseDurations } from '../../domain/measures.ts';

const base = (id: string, openedAt: string, over: Partial<StatIncident> = {}): StatIncident => ({
  id, mode: 'live', status: 'closed', source: 'bell', siteId: 'site-a', siteName: 'Nowon', counterId: 'passport-3', counterName: 'Passport 3',
  timezone: 'Asia/Seoul', openedAt: new Date(openedAt), classification: ['verbal_abuse'], ...over,
});
const after = (iso: string, s: number) => new Date(new Date(iso).getTime() + s * 1000);

describe('statistics from the timeline', () => {
  it('times every step from the press, first entry of each kind', () => {
    const t0 = '2026-03-01T01:00:00Z';
    const times = firstTimes([
      { kind: 'acknowledged', at: after(t0, 12) }, { kind: 'on_scene', at: after(t0, 95) },
      { kind: 'victim_separated', at: after(t0, 200) }, { kind: 'victim_separated', at: after(t0, 300) },
      { kind: 'police_handover', at: after(t0, 1200) }, { kind: 'note', at: after(t0, 1) },
    ]);
    const [line] = incidentLines([base('a', t0)], new Map([['a', times]]));
    expect(line!.seconds).toEqual({ acknowledged: 12, onScene: 95, separated: 200, policeHandover: 1200 });
  });

  it('counts by kind, site, counter, month (site time zone), mode, source and status', () => {
    const lines = incidentLines([
      base('a', '2026-01-31T16:00:00Z', { classification: ['threat', 'assault'] }), // 1 February in Seoul
      base('b', '2026-01-15T02:00:00Z'),
      base('c', '2026-02-02T02:00:00Z', { counterId: 'welfare-1', counterName: 'Welfare 1', source: 'import', classification: [] }),
    ], new Map());
    const s = computeStatistics(lines);
    expect(s.total).toBe(3);
    expect(s.byMonth).toEqual([{ key: '2026-01', label: '2026-01', count: 1 }, { key: '2026-02', label: '2026-02', count: 2 }]);
    expect(s.byKind.map((k) => [k.key, k.count])).toEqual([['assault', 1], ['threat', 1], ['unclassified', 1], ['verbal_abuse', 1]]);
    expect(s.byCounter.map((c) => [c.key, c.count])).toEqual([['site-a/passport-3', 2], ['site-a/welfare-1', 1]]);
    // A chart names each bar by its counter: the counter's own name travels beside the combined label.
    expect(s.byCounter[0]).toMatchObject({ counterName: expect.any(String), siteName: expect.any(String) });
    expect(s.byCounter[0]!.label).toBe(`${s.byCounter[0]!.siteName} · ${s.byCounter[0]!.counterName}`);
    expect(s.bySource).toEqual([{ key: 'bell', label: 'bell', count: 2 }, { key: 'import', label: 'import', count: 1 }]);
    expect(s.responseTimes.acknowledged).toEqual({ count: 0, medianSeconds: null, p90Seconds: null, meanSeconds: null, maxSeconds: null });
  });

  it('ignores a step timed before the press', () => {
    const t0 = '2026-03-01T01:00:00Z';
    const [line] = incidentLines([base('a', t0)], new Map([['a', { acknowledged: after(t0, -5) }]]));
    expect(line!.seconds.acknowledged).toBeNull();
  });

  it('summarises durations: median, nearest-rank p90, mean, max', () => {
    expect(summariseDurations([10, 30, 20, 40])).toEqual({ count: 4, medianSeconds: 25, p90Seconds: 40, meanSeconds: 25, maxSeconds: 40 });
    expect(summariseDurations([5])).toMatchObject({ medianSeconds: 5, p90Seconds: 5 });
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
  });
});

describe('repeat complainants', () => {
  it('lists complainants of two or more counted incidents, across sites, most first', () => {
    const r = repeatComplainants([
      { complainantId: 'c1', incidentId: 'a', siteId: 's1' },
      { complainantId: 'c1', incidentId: 'b', siteId: 's2' },
      { complainantId: 'c1', incidentId: 'b', siteId: 's2' },
      { complainantId: 'c2', incidentId: 'a', siteId: 's1' },
      { complainantId: 'c3', incidentId: 'a', siteId: 's1' },
      { complainantId: 'c3', incidentId: 'c', siteId: 's1' },
      { complainantId: 'c3', incidentId: 'd', siteId: 's1' },
    ]);
    expect(r).toEqual({ complainants: 3, items: [{ complainantId: 'c3', incidents: 3, sites: 1 }, { complainantId: 'c1', incidents: 2, sites: 2 }] });
  });
});

describe('false alarms', () => {
  it('are counted apart, under no kind of abuse', () => {
    const base = { mode: 'live', status: 'closed', source: 'bell', siteId: 's', siteName: 'S', counterId: 'c', counterName: 'C', timezone: 'Asia/Seoul', openedAt: new Date('2026-12-01T00:00:00Z') };
    const seconds = { acknowledged: null, onScene: null, separated: null, policeHandover: null };
    const s = computeStatistics([
      { ...base, id: 'a', classification: ['false_alarm'], seconds },
      { ...base, id: 'b', classification: ['threat'], seconds },
    ]);
    expect(s.total).toBe(2);
    expect(s.falseAlarms).toBe(1);
    expect(s.byKind).toEqual([{ key: 'threat', label: 'threat', count: 1 }]);
  });
});
