import { describe, expect, it } from 'vitest';
import { responseTimes } from './response-times.ts';

const t0 = new Date('2026-11-23T09:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

describe('response times from the timeline', () => {
  it('takes the first entry of each kind, in seconds from the press', () => {
    const r = responseTimes(t0, [
      { kind: 'triggered', at: t0 },
      { kind: 'acknowledged', at: at(12.34) },
      { kind: 'responding', at: at(20) },
      { kind: 'on_scene', at: at(95) },
      { kind: 'on_scene', at: at(80) },
      { kind: 'victim_separated', at: at(130) },
      { kind: 'closed', at: at(600) },
    ]);
    expect(r.fromPress).toEqual({
      acknowledged: 12.3, responding: 20, onScene: 80, contained: null, separated: 130, policeCalled: null, policeHandover: null, closed: 600,
    });
    expect(r.acknowledgedToOnScene).toBe(67.7);
  });
  it('never reports a negative time, and nothing for what did not happen', () => {
    const r = responseTimes(t0, [{ kind: 'acknowledged', at: at(-5) }, { kind: 'cancelled', at: at(9) }]);
    expect(r.fromPress.acknowledged).toBeNull();
    expect(r.fromPress.closed).toBe(9);
    expect(r.acknowledgedToOnScene).toBeNull();
  });
});
