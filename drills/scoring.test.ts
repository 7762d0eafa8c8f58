import { describe, expect, it } from 'vitest';
import { SCENARIO_LIBRARY, scenarioSchema } from './scenarios.ts';
import { scoreDrill } from './scoring.ts';

const t0 = new Date('2026-11-23T10:00:00+09:00');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const assault = SCENARIO_LIBRARY.find((s) => s.id === 'divorce-application-assault')!;

describe('drill scenarios', () => {
  it('the library is valid by the same schema managers write theirs with, and has the divorce-application assault', () => {
    for (const s of SCENARIO_LIBRARY) expect(scenarioSchema.safeParse(s).success).toBe(true);
    expect(assault).toMatchObject({ violence: true, classification: ['assault'] });
  });

  it("a manager's own scenario is refused with the reason: a milestone twice, an unknown one, a bad id", () => {
    const bad = scenarioSchema.safeParse({
      id: 'Mine', title: { ko: '내 훈련', en: 'Mine' }, script: [{ ko: '가', en: 'a' }], classification: ['threat'], violence: false,
      steps: [{ milestone: 'on_scene', targetSeconds: 60 }, { milestone: 'on_scene', targetSeconds: 90 }, { milestone: 'teleported', targetSeconds: 5 }],
    });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(['id', 'steps.2.milestone']);
    const twice = scenarioSchema.safeParse({
      id: 'mine', title: { ko: '내 훈련', en: 'Mine' }, script: [{ ko: '가', en: 'a' }], classification: ['threat'], violence: false,
      steps: [{ milestone: 'on_scene', targetSeconds: 60 }, { milestone: 'on_scene', targetSeconds: 90 }],
    });
    expect(twice.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['steps.1.milestone', 'on_scene is listed twice']]);
  });
});

describe('scoring a drill from its timeline', () => {
  const timeline = [
    { kind: 'long_press', at: at(0) },
    { kind: 'escalation_step', at: at(0) },
    { kind: 'acknowledged', at: at(9) },
    { kind: 'on_scene', at: at(70) },
    { kind: 'victim_separated', at: at(140) },
    { kind: 'police_called', at: at(100) },
  ];
  const notifications = [
    { personId: 'guard-a', status: 'delivered', isPolice: false },
    { personId: 'guard-b', status: 'failed', isPolice: false },
    { personId: 'manager-a', status: 'answered', isPolice: false },
    { personId: null, status: 'delivered', isPolice: true },
  ];

  it('times each milestone against its target: on time, late by how much, and missed', () => {
    const score = scoreDrill(assault, { openedAt: t0, timeline, notifications });
    const by = Object.fromEntries(score.steps.map((s) => [s.milestone, s]));
    expect(by.acknowledged).toMatchObject({ atSeconds: 9, onTime: true, lateBySeconds: null });
    expect(by.on_scene).toMatchObject({ atSeconds: 70, onTime: true });
    expect(by.victim_separated).toMatchObject({ atSeconds: 140, onTime: false, lateBySeconds: 20 });
    expect(by.police_handover).toMatchObject({ atSeconds: null, required: false });
    expect(score.late).toEqual(['victim_separated']);
    expect(score.missed).toEqual([]);
    // Required: acknowledged, on_scene, victim_separated, police_called — three of four on time.
    expect(score.score).toBe(75);
    expect(score.passed).toBe(true);
  });

  it('in a joint police drill the police milestones are required: a missing handover fails it', () => {
    const score = scoreDrill(assault, { openedAt: t0, timeline, notifications }, { jointPolice: true });
    expect(score.missed).toEqual(['police_arrived', 'police_handover']);
    expect(score.passed).toBe(false);
  });

  it('says who was reached and who was not, and how delivery went', () => {
    const score = scoreDrill(assault, { openedAt: t0, timeline, notifications }, { participants: ['guard-a', 'guard-b', 'manager-a', 'guard-c'] });
    expect(score.reached).toEqual(['guard-a', 'manager-a']);
    expect(score.notReached).toEqual(['guard-b', 'guard-c']);
    expect(score.delivery).toEqual({ total: 4, delivered: 3, failed: 1, notDelivered: 1 });
  });

  it('a later step of the ladder implies an earlier one nobody recorded (on scene without "acknowledged")', () => {
    const score = scoreDrill(assault, { openedAt: t0, timeline: [{ kind: 'on_scene', at: at(12) }], notifications: [] });
    expect(score.steps.find((s) => s.milestone === 'acknowledged')).toMatchObject({ atSeconds: 12, onTime: true });
  });
});
