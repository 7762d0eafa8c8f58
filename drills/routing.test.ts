import { describe, expect, it } from 'vitest';
import { DrillRouting, routeBellEvent, type DrillRoute } from './routing.ts';

const t0 = new Date('2026-11-23T01:00:00Z');
const realDrill: DrillRoute = {
  drillId: 'd1', siteId: 's', counterId: 'c', trigger: 'real_bell', virtualBellId: null, jointPolice: true, paused: false,
  armedUntil: new Date(t0.getTime() + 60_000), armUsed: false,
};
const virtualDrill: DrillRoute = { ...realDrill, drillId: 'd2', trigger: 'virtual_bell', virtualBellId: 'DRILL-x', armedUntil: null };
const press = (extra: Partial<{ bellId: string; counterId: string; type: string; receivedAt: Date; deviceId: string | null }> = {}) =>
  ({ bellId: 'B-1', siteId: 's', counterId: 'c', type: 'press', receivedAt: t0, ...extra });
const noLive = () => false;

describe('which presses belong to a drill (the safe side is live)', () => {
  it('the drill bell is always the drill, whatever it sends', () => {
    for (const type of ['press', 'long_press', 'cancel']) {
      expect(routeBellEvent([virtualDrill], press({ bellId: 'DRILL-x', type }), () => true)).toEqual({ drillId: 'd2', jointPoliceDrill: true, virtual: true });
    }
  });

  it('the armed counter gives its first short press to the drill', () => {
    expect(routeBellEvent([realDrill], press(), noLive)).toEqual({ drillId: 'd1', jointPoliceDrill: true, virtual: false });
  });

  it.each([
    ['a hold (violence in progress)', [realDrill], press({ type: 'long_press' }), noLive],
    ['another counter', [realDrill], press({ counterId: 'other' }), noLive],
    ['after the window', [realDrill], press({ receivedAt: new Date(t0.getTime() + 60_001) }), noLive],
    ['a paused drill', [{ ...realDrill, paused: true }], press(), noLive],
    ['an arm already used', [{ ...realDrill, armUsed: true }], press(), noLive],
    ['a live incident open at the site', [realDrill], press(), () => true],
    ['a virtual drill at the counter', [virtualDrill], press(), noLive],
    ['no drill', [], press(), noLive],
  ])('is live for %s', (_what, routes, ev, live) => {
    expect(routeBellEvent(routes, ev, live)).toBeNull();
  });

  it('takes one press only, and a pause takes effect at once', () => {
    const r = new DrillRouting();
    r.set([realDrill]);
    expect(r.route(press(), noLive)?.drillId).toBe('d1');
    expect(r.route(press(), noLive)).toBeNull();
    // A refresh from the database that has not recorded the use yet does not re-arm it.
    r.set([realDrill]);
    expect(r.route(press(), noLive)).toBeNull();
    const p = new DrillRouting();
    p.set([realDrill]);
    p.pauseNow('d1');
    p.set([realDrill]);
    expect(p.route(press(), noLive)).toBeNull();
    p.settled('d1');
    p.set([realDrill]);
    expect(p.route(press(), noLive)?.drillId).toBe('d1');
  });
});

describe('a drill bell not yet known to this process (another process started the drill)', () => {
  it('is still a drill, and reaches no police (not a joint police drill until the drill is read)', () => {
    const r = new DrillRouting();
    expect(r.route(press({ bellId: 'DRILL-y', deviceId: 'drill:d9' }), () => true)).toEqual({ drillId: 'd9', jointPoliceDrill: false, virtual: true });
    expect(r.route(press({ deviceId: null }), noLive)).toBeNull();
  });
});
