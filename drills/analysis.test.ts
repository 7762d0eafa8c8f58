import { describe, expect, it } from 'vitest';
import { halfYearOf } from '../api/domain/zoned-time.ts';
import { coverage, drillReportFacts, pausedMsBetween, trendOf, withoutPauses } from './analysis.ts';
import { SCENARIO_LIBRARY } from './scenarios.ts';

const at = (s: number) => new Date(Date.UTC(2026, 10, 23, 1, 0, s));

describe('pauses', () => {
  const pauses = [{ from: at(10).toISOString(), to: at(40).toISOString(), liveIncidentId: 'inc_live' }];
  it('takes the paused time before each entry out of it', () => {
    expect(pausedMsBetween(pauses, at(0), at(5), at(100))).toBe(0);
    expect(pausedMsBetween(pauses, at(0), at(20), at(100))).toBe(10_000);
    expect(pausedMsBetween(pauses, at(0), at(60), at(100))).toBe(30_000);
    expect(pausedMsBetween([{ ...pauses[0]!, to: null }], at(0), at(60), at(50))).toBe(40_000);
    expect(withoutPauses([{ kind: 'acknowledged', at: at(50) }], at(0), pauses, at(100))[0]!.at).toEqual(at(20));
  });

  it('scores a drill on its running time and separates liaison from any police leak', () => {
    const scenario = SCENARIO_LIBRARY.find((s) => s.id === 'verbal-abuse-threat')!;
    const facts = drillReportFacts({
      scenario, openedAt: at(0), participants: ['g1', 'g2'], jointPolice: true, pauses, liaisonNumbers: ['+8210'], end: at(100),
      timeline: [{ kind: 'acknowledged', at: at(40) }, { kind: 'on_scene', at: at(50) }],
      notifications: [
        { personId: 'g1', personName: 'G', to: '+1', channel: 'sms', status: 'delivered', isPolice: false, stepId: 'alert' },
        { personId: null, personName: null, to: '+8210', channel: 'sms', status: 'delivered', isPolice: true, stepId: 'p' },
        { personId: null, personName: null, to: '+112', channel: 'sms', status: 'failed', isPolice: true, stepId: 'p' },
      ],
    });
    // 40 s wall clock with 30 s paused: acknowledged at 10 s, within its 15 s target.
    expect(facts.score.steps.find((s) => s.milestone === 'acknowledged')).toMatchObject({ atSeconds: 10, onTime: true });
    expect(facts.pausedSeconds).toBe(30);
    expect(facts.score.reached).toEqual(['g1']);
    expect(facts.score.notReached).toEqual(['g2']);
    expect(facts.score.delivery.total).toBe(1);
    expect(facts.liaison).toEqual([{ to: '+8210', status: 'delivered' }]);
    expect(facts.policeLeaks).toEqual([{ to: '+112', status: 'failed' }]);
    expect(facts.score.missed).toEqual(['victim_separated', 'contained']);
  });
});

describe('coverage per half-year in the site time zone', () => {
  it('puts 30 June 23:30 in Seoul in the first half, though it is still June in UTC only by date', () => {
    expect(halfYearOf(new Date('2026-06-30T14:30:00Z'), 'Asia/Seoul')).toBe('2026-H1');
    expect(halfYearOf(new Date('2026-06-30T15:30:00Z'), 'Asia/Seoul')).toBe('2026-H2');
    expect(halfYearOf(new Date('2026-06-30T15:30:00Z'), 'UTC')).toBe('2026-H1');
  });

  it('counts only completed drills of the current half; planned ones are shown, not counted', () => {
    const now = new Date('2026-11-23T00:00:00Z');
    const sites = [{ id: 'a', name: 'A', timezone: 'Asia/Seoul' }, { id: 'b', name: 'B', timezone: 'Asia/Seoul' }, { id: 'c', name: 'C', timezone: 'Asia/Seoul' }];
    const rows = coverage(sites, [
      { siteId: 'a', status: 'completed', startedAt: new Date('2026-08-01T01:00:00Z'), scheduledAt: new Date('2026-08-01T01:00:00Z') },
      { siteId: 'b', status: 'completed', startedAt: new Date('2026-06-01T01:00:00Z'), scheduledAt: new Date('2026-06-01T01:00:00Z') },
      { siteId: 'b', status: 'cancelled', startedAt: null, scheduledAt: new Date('2026-09-01T01:00:00Z') },
      { siteId: 'c', status: 'scheduled', startedAt: null, scheduledAt: new Date('2026-12-01T01:00:00Z') },
    ], now);
    expect(rows.map((r) => [r.siteId, r.covered, r.drillsThisHalf, r.scheduled])).toEqual([['b', false, 0, 0], ['c', false, 0, 1], ['a', true, 1, 0]]);
    expect(rows.find((r) => r.siteId === 'b')!.lastDrillAt).toBe('2026-06-01T01:00:00.000Z');
  });
});

describe('trends', () => {
  it('lists a site\'s completed, scored drills oldest first, the last N', () => {
    const scored = (id: string, day: number, ack: number | null) => ({
      id, siteId: 'a', status: 'completed', startedAt: new Date(Date.UTC(2026, 9, day)), scenarioId: 's',
      result: { score: { score: 50, passed: ack !== null, steps: [{ milestone: 'acknowledged', atSeconds: ack }] } },
    });
    const t = trendOf([scored('d2', 2, 9.04), scored('d1', 1, 20), scored('d3', 3, null), { ...scored('x', 4, 1), siteId: 'b' }, { ...scored('y', 5, 1), status: 'cancelled' }], 'a', 2);
    expect(t.map((p) => [p.drillId, p.steps.acknowledged])).toEqual([['d2', 9], ['d3', null]]);
  });
});
