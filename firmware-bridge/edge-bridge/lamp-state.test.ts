import { describe, expect, it } from 'vitest';
import { LampState } from './lamp-state.ts';

describe('LampState', () => {
  it('FAST until received, BLINK, ON once acknowledged, OFF once closed', () => {
    const l = new LampState();
    expect(l.lamp).toBe('OFF');
    l.sent(1);
    expect(l.lamp).toBe('FAST');
    l.answered({ seq: 1, incident: 'inc_A', state: 'received' });
    expect(l.lamp).toBe('BLINK');
    l.answered({ seq: 1, incident: 'inc_A', state: 'acknowledged' });
    expect(l.lamp).toBe('ON');
    // A late answer to an old copy never dims the lamp.
    l.answered({ seq: 1, incident: 'inc_A', state: 'received' });
    expect(l.lamp).toBe('ON');
    l.answered({ seq: 1, incident: 'inc_A', state: 'closed' });
    expect(l.lamp).toBe('OFF');
    l.answered({ seq: 1, incident: 'inc_A', state: 'acknowledged' });
    expect(l.lamp).toBe('OFF');
  });

  it('a re-press blinks fast until its own answer, which may already be acknowledged', () => {
    const l = new LampState();
    l.sent(1);
    l.answered({ seq: 1, incident: 'inc_A', state: 'acknowledged' });
    l.sent(2);
    expect(l.lamp).toBe('FAST');
    l.answered({ seq: 2, incident: 'inc_A', state: 'acknowledged' });
    expect(l.lamp).toBe('ON');
  });

  it('a new incident takes the lamp over; the end of the old one then changes nothing', () => {
    const l = new LampState();
    l.sent(1);
    l.answered({ seq: 1, incident: 'inc_A', state: 'received' });
    l.sent(2);
    l.answered({ seq: 2, incident: 'inc_B', state: 'received' });
    l.answered({ seq: 1, incident: 'inc_A', state: 'cancelled' });
    expect(l.lamp).toBe('BLINK');
  });

  it('expires to OFF, and an abandoned event no longer keeps it fast', () => {
    const l = new LampState();
    l.sent(1);
    l.answered({ seq: 1, incident: 'inc_A', state: 'acknowledged' });
    l.expire();
    expect(l.lamp).toBe('OFF');
    l.answered({ seq: 1, incident: 'inc_A', state: 'acknowledged' });
    expect(l.lamp).toBe('OFF');
    l.sent(2);
    l.abandoned(2);
    expect(l.lamp).toBe('OFF');
  });
});
