import { describe, expect, it } from 'vitest';
import {
  DEFAULT_ESCALATION_POLICY as P, escalationDecision, escalationPolicySchema, escalationView, policeTargets, sparedFromStep, type EscalationView,
} from './escalation.ts';

const t0 = new Date('2026-11-23T09:15:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const view = (over: Partial<EscalationView> = {}): EscalationView => ({
  status: 'triggered', mode: 'live', openedAt: t0, acknowledgedAt: null, onSceneAt: null, violenceAt: null, unconfirmed: false, responders: [], ...over,
});
const ids = (steps: { id: string }[]) => steps.map((s) => s.id);
/** Runs the decision like the engine does: repeatedly, marking fired and skipped steps done. */
function timeline(v: (s: number) => EscalationView, until: number): { at: number; fired: string[] }[] {
  const done = new Set<string>();
  const out: { at: number; fired: string[] }[] = [];
  for (let s = 0; s <= until; s++) {
    const d = escalationDecision(v(s), P, done, at(s));
    d.skip.forEach((x) => done.add(x.step.id));
    d.fire.forEach((x) => done.add(x.id));
    if (d.fire.length) out.push({ at: s, fired: ids(d.fire) });
  }
  return out;
}

describe('default escalation policy, by the clock', () => {
  it('an alarm nobody answers: alert at once, voice at 30 s, police and all managers at 60 s', () => {
    expect(timeline(() => view(), 300)).toEqual([
      { at: 0, fired: ['alert'] },
      { at: 30, fired: ['unacknowledged_30s'] },
      { at: 60, fired: ['unacknowledged_60s'] },
    ]);
  });
  it('a long press goes to the police at once', () => {
    expect(timeline(() => view({ violenceAt: t0 }), 10)).toEqual([{ at: 0, fired: ['alert', 'violence_police'] }]);
  });
  it('violence known later fires the police step then', () => {
    expect(timeline((s) => view(s >= 12 ? { violenceAt: at(12), acknowledgedAt: at(5), status: 'acknowledged' } : s >= 5 ? { acknowledgedAt: at(5), status: 'acknowledged' } : {}), 20))
      .toEqual([{ at: 0, fired: ['alert'] }, { at: 12, fired: ['violence_police'] }]);
  });
  it('acknowledging at 20 s stops the unacknowledged steps; nobody on scene at 120 s climbs again', () => {
    const v = (s: number) => (s >= 20 ? view({ status: 'acknowledged', acknowledgedAt: at(20) }) : view());
    expect(timeline(v, 300)).toEqual([{ at: 0, fired: ['alert'] }, { at: 120, fired: ['no_one_on_scene_120s'] }]);
  });
  it('a guard on scene stops the nobody-on-scene step', () => {
    const v = (s: number) => (s >= 20 ? view({ status: 'on_scene', acknowledgedAt: at(20), onSceneAt: at(90) }) : view());
    expect(timeline(v, 300)).toEqual([{ at: 0, fired: ['alert'] }]);
  });
  it('acknowledged after 120 s and nobody there: the guard gets the travel time before the step fires', () => {
    const v = (s: number) => (s >= 150 ? view({ status: 'acknowledged', acknowledgedAt: at(150) }) : view());
    expect(timeline(v, 300)).toEqual([
      { at: 0, fired: ['alert'] }, { at: 30, fired: ['unacknowledged_30s'] }, { at: 60, fired: ['unacknowledged_60s'] }, { at: 210, fired: ['no_one_on_scene_120s'] },
    ]);
  });
  it('a late acknowledgement followed by arrival within the travel time calls nobody about the scene', () => {
    const v = (s: number) => (s >= 190 ? view({ status: 'on_scene', acknowledgedAt: at(150), onSceneAt: at(190) })
      : s >= 150 ? view({ status: 'acknowledged', acknowledgedAt: at(150) }) : view());
    expect(timeline(v, 400).map((x) => x.fired).flat()).not.toContain('no_one_on_scene_120s');
  });
  it('acknowledged at 100 s: the step waits for the travel time, not the 120 s mark', () => {
    const v = (s: number) => (s >= 100 ? view({ status: 'acknowledged', acknowledgedAt: at(100) }) : view());
    expect(timeline(v, 300).at(-1)).toEqual({ at: 160, fired: ['no_one_on_scene_120s'] });
  });
  it('a policy names its own travel time', () => {
    const policy = escalationPolicySchema.parse({ steps: [{ id: 's', when: { kind: 'no_one_on_scene', afterSeconds: 120, travelSeconds: 10 }, recipients: ['guards_on_duty'], channels: ['sms'] }] });
    const d = escalationDecision(view({ status: 'acknowledged', acknowledgedAt: at(150) }), policy, new Set(), at(159));
    expect(d.nextDueAt).toEqual(at(160));
  });
  it('a cancelled or closed incident fires nothing more', () => {
    const d = escalationDecision(view({ status: 'cancelled' }), P, new Set(), at(100));
    expect(d.fire).toEqual([]);
    expect(d.skip.map((s) => s.reason)).toEqual(Array(5).fill('incident cancelled'));
  });
  it('reports when to look again', () => {
    expect(escalationDecision(view(), P, new Set(['alert']), at(1)).nextDueAt).toEqual(at(30));
    expect(escalationDecision(view(), P, new Set(['alert', 'unacknowledged_30s']), at(31)).nextDueAt).toEqual(at(60));
  });
});

describe('escalation view from the timeline', () => {
  it('takes on-scene and violence times from timeline entries', () => {
    const v = escalationView(
      { status: 'on_scene', mode: 'live', openedAt: t0, acknowledgedAt: at(3), violence: true },
      [{ kind: 'press', at: t0 }, { kind: 'severity_raised', at: at(7) }, { kind: 'on_scene', at: at(40) }],
    );
    expect(v).toMatchObject({ onSceneAt: at(40), violenceAt: at(7) });
  });
});

describe('police targets (drills never reach the police)', () => {
  const police = { channel: 'sms' as const, to: '+82112' };
  it('live incidents reach the police channel', () => {
    expect(policeTargets('live', false, police, ['+821099990000'])).toEqual([{ channel: 'sms', to: '+82112', liaison: false }]);
  });
  it('a drill reaches nobody', () => {
    expect(policeTargets('drill', false, police, ['+821099990000'])).toEqual([]);
  });
  it('a joint police drill reaches only the liaison numbers, never the live number even if listed as liaison', () => {
    expect(policeTargets('drill', true, police, ['+821099990000', '+82112'])).toEqual([{ channel: 'sms', to: '+821099990000', liaison: true }]);
    expect(policeTargets('drill', true, police, [])).toEqual([]);
  });
});

describe('policy validation', () => {
  it('accepts the default and refuses bad policies with paths', () => {
    expect(escalationPolicySchema.safeParse(P).success).toBe(true);
    const bad = escalationPolicySchema.safeParse({ steps: [
      { id: 'a', when: { kind: 'unacknowledged', afterSeconds: -5 }, recipients: [], channels: ['fax'] },
      { id: 'a', when: { kind: 'whenever' }, recipients: ['guards_on_duty'], channels: ['sms'] },
    ] });
    expect(bad.success).toBe(false);
    const paths = bad.error!.issues.map((i) => i.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['steps.0.when.afterSeconds', 'steps.0.recipients', 'steps.0.channels.0', 'steps.1.when.kind']));
  });
});

describe('an unconfirmed incident (the bell confirmation rule)', () => {
  it('reaches only guards: steps for police, managers or the situation room alone wait; they fire once confirmed', () => {
    const unconfirmed = escalationDecision(view({ unconfirmed: true, violenceAt: t0 }), P, new Set(), at(90));
    expect(ids(unconfirmed.fire)).toEqual(['alert', 'unacknowledged_30s']);
    const confirmed = escalationDecision(view({ unconfirmed: false, violenceAt: t0 }), P, new Set(['alert', 'unacknowledged_30s']), at(90));
    expect(ids(confirmed.fire)).toEqual(['violence_police', 'unacknowledged_60s']);
  });

  it('the recipients of a mixed step are narrowed to the guards', async () => {
    const { reachableRecipients } = await import('./escalation.ts');
    expect(reachableRecipients(['guards_on_duty', 'counter_manager'], true)).toEqual(['guards_on_duty']);
    expect(reachableRecipients(['police', 'site_managers'], true)).toEqual([]);
    expect(reachableRecipients(['police', 'site_managers'], false)).toEqual(['police', 'site_managers']);
  });

  it('escalationView reads the flag from the incident', () => {
    const v = escalationView({ status: 'triggered', mode: 'live', openedAt: t0, acknowledgedAt: null, violence: false, unconfirmed: true }, []);
    expect(v.unconfirmed).toBe(true);
  });
});

describe('who a step spares (a late acknowledgement)', () => {
  const step = (id: string) => P.steps.find((s) => s.id === id)!;
  it('the nobody-on-scene step spares whoever acknowledged or is on the way', () => {
    const v = escalationView(
      { status: 'responding', mode: 'live', openedAt: t0, acknowledgedAt: at(150), acknowledgedBy: 'guard-a', violence: false },
      [{ kind: 'acknowledged', at: at(150), actorId: 'guard-a' }, { kind: 'responding', at: at(160), actorId: 'guard-b' }, { kind: 'note', at: at(170), actorId: 'guard-c' }],
    );
    expect([...sparedFromStep(step('no_one_on_scene_120s'), v)].sort()).toEqual(['guard-a', 'guard-b']);
  });
  it('the acknowledger is spared even when the timeline has not been read', () => {
    const v = escalationView({ status: 'acknowledged', mode: 'live', openedAt: t0, acknowledgedAt: at(5), acknowledgedBy: 'guard-a', violence: false }, []);
    expect([...sparedFromStep(step('no_one_on_scene_120s'), v)]).toEqual(['guard-a']);
  });
  it('other steps spare nobody, and nobody is spared before anyone answers', () => {
    expect(sparedFromStep(step('unacknowledged_30s'), view({ responders: ['guard-a'] })).size).toBe(0);
    expect(sparedFromStep(step('alert'), view({ responders: ['guard-a'] })).size).toBe(0);
    expect(sparedFromStep(step('no_one_on_scene_120s'), view()).size).toBe(0);
  });
});
