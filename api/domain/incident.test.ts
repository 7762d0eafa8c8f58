import { describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES, type IncidentStatus } from '../contract/index.ts';
import {
  ackStateFor, COUNTER_CANCEL_WINDOW_MS, decideBellEvent, DomainError, newIncidentState, transition,
  type IncidentAction, type IncidentState,
} from './index.ts';

const t0 = new Date('2026-11-23T09:15:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
const at = (status: IncidentStatus): IncidentState => ({
  ...newIncidentState({ mode: 'live', violence: false, openedAt: t0 }),
  status,
  acknowledgedAt: status === 'triggered' ? null : t0,
});

// Every action against every status: the expected next status, or the error code.
const actions: Record<string, IncidentAction> = {
  acknowledge: { type: 'acknowledge', by: 'g1' },
  responding: { type: 'advance', to: 'responding', by: 'g1' },
  on_scene: { type: 'advance', to: 'on_scene', by: 'g1' },
  contained: { type: 'advance', to: 'contained', by: 'g1' },
  close: { type: 'close', by: 'm1', outcome: 'complainant left', classification: ['verbal_abuse'] },
  cancel: { type: 'cancel', by: 'm1', reason: 'pressed by mistake' },
  reopen: { type: 'reopen', by: 'm1', reason: 'new evidence' },
  police_called: { type: 'side_event', event: 'police_called', by: 'g1' },
  note: { type: 'note', by: 'g1', note: 'hello' },
};
const expected: Record<IncidentStatus, Record<string, string>> = {
  triggered: { acknowledge: 'acknowledged', responding: 'responding', on_scene: 'on_scene', contained: 'contained', close: 'invalid_transition', cancel: 'cancelled', reopen: 'invalid_transition', police_called: 'triggered', note: 'triggered' },
  acknowledged: { acknowledge: 'already_acknowledged', responding: 'responding', on_scene: 'on_scene', contained: 'contained', close: 'closed', cancel: 'invalid_transition', reopen: 'invalid_transition', police_called: 'acknowledged', note: 'acknowledged' },
  responding: { acknowledge: 'already_acknowledged', responding: 'invalid_transition', on_scene: 'on_scene', contained: 'contained', close: 'closed', cancel: 'invalid_transition', reopen: 'invalid_transition', police_called: 'responding', note: 'responding' },
  on_scene: { acknowledge: 'already_acknowledged', responding: 'invalid_transition', on_scene: 'invalid_transition', contained: 'contained', close: 'closed', cancel: 'invalid_transition', reopen: 'invalid_transition', police_called: 'on_scene', note: 'on_scene' },
  contained: { acknowledge: 'already_acknowledged', responding: 'invalid_transition', on_scene: 'invalid_transition', contained: 'invalid_transition', close: 'closed', cancel: 'invalid_transition', reopen: 'invalid_transition', police_called: 'contained', note: 'contained' },
  closed: { acknowledge: 'incident_closed', responding: 'incident_closed', on_scene: 'incident_closed', contained: 'incident_closed', close: 'incident_closed', cancel: 'invalid_transition', reopen: 'contained', police_called: 'incident_closed', note: 'closed' },
  cancelled: { acknowledge: 'incident_closed', responding: 'incident_closed', on_scene: 'incident_closed', contained: 'incident_closed', close: 'incident_closed', cancel: 'invalid_transition', reopen: 'invalid_transition', police_called: 'incident_closed', note: 'cancelled' },
};

describe('incident state machine: every status × every action', () => {
  for (const status of INCIDENT_STATUSES) {
    for (const [name, action] of Object.entries(actions)) {
      const want = expected[status][name]!;
      it(`${status} + ${name} → ${want}`, () => {
        const run = () => transition(at(status), action, later(1000));
        if ((INCIDENT_STATUSES as readonly string[]).includes(want)) {
          const r = run();
          expect(r.state.status).toBe(want);
          expect(r.entries.length).toBeGreaterThan(0);
          for (const e of r.entries) expect(e.at).toEqual(later(1000));
        } else {
          expect(run).toThrowError(DomainError);
          try { run(); } catch (e) { expect((e as DomainError).code).toBe(want); }
        }
      });
    }
  }
});

describe('implicit acknowledgement and timestamps', () => {
  it('going on scene from triggered records the acknowledgement first', () => {
    const r = transition(at('triggered'), actions.on_scene!, later(5000));
    expect(r.entries.map((e) => e.kind)).toEqual(['acknowledged', 'on_scene']);
    expect(r.state.acknowledgedAt).toEqual(later(5000));
    expect(r.state.acknowledgedBy).toBe('g1');
  });
  it('close keeps outcome and classification and sets closedAt', () => {
    const r = transition(at('on_scene'), actions.close!, later(60_000));
    expect(r.state).toMatchObject({ status: 'closed', outcome: 'complainant left', classification: ['verbal_abuse'], closedAt: later(60_000) });
  });
  it('cancel and reopen need a reason', () => {
    expect(() => transition(at('triggered'), { type: 'cancel', by: 'm', reason: ' ' }, t0)).toThrow(/reason/);
    expect(() => transition(at('closed'), { type: 'reopen', by: 'm', reason: '' }, t0)).toThrow(/reason/);
  });
});

describe('bell cancel window', () => {
  it('cancels a triggered alarm within 15 s', () => {
    const r = transition(at('triggered'), { type: 'bell_cancel', seq: 2 }, later(COUNTER_CANCEL_WINDOW_MS));
    expect(r.state.status).toBe('cancelled');
    expect(r.entries[0]!.kind).toBe('cancelled_at_counter');
  });
  it('is only a note after the window', () => {
    const r = transition(at('triggered'), { type: 'bell_cancel', seq: 2 }, later(COUNTER_CANCEL_WINDOW_MS + 1));
    expect(r.state.status).toBe('triggered');
    expect(r.entries[0]!.kind).toBe('cancel_pressed_late');
  });
  it('is only a note once a person acknowledged', () => {
    const r = transition(at('acknowledged'), { type: 'bell_cancel', seq: 2 }, later(1000));
    expect(r.state.status).toBe('acknowledged');
  });
});

describe('re-press', () => {
  it('a long press raises a press incident to critical, once', () => {
    const r = transition(at('triggered'), { type: 're_press', seq: 3, longPress: true }, later(2000));
    expect(r.state).toMatchObject({ violence: true, severity: 'critical' });
    expect(r.entries.map((e) => e.kind)).toEqual(['re_press', 'severity_raised']);
    const again = transition(r.state, { type: 're_press', seq: 4, longPress: true }, later(3000));
    expect(again.entries.map((e) => e.kind)).toEqual(['re_press']);
  });
});

describe('bell event policy', () => {
  const open = at('triggered');
  it.each([
    ['press', null, { kind: 'open', violence: false }],
    ['long_press', null, { kind: 'open', violence: true }],
    ['press', open, { kind: 'join', longPress: false }],
    ['long_press', open, { kind: 'join', longPress: true }],
    ['cancel', open, { kind: 'cancel' }],
    ['cancel', null, { kind: 'record_only', why: 'cancel_without_incident' }],
    ['test', null, { kind: 'record_only', why: 'test' }],
    ['test', open, { kind: 'record_only', why: 'test' }],
    ['tamper', null, { kind: 'record_only', why: 'trouble' }],
    ['low_battery', open, { kind: 'record_only', why: 'trouble' }],
  ] as const)('%s with open=%s → %o', (type, o, want) => {
    expect(decideBellEvent(type, o)).toEqual(want);
  });
  it('a press after the incident closed opens a new one', () => {
    expect(decideBellEvent('press', at('closed'))).toEqual({ kind: 'open', violence: false });
    // A late copy of a cancel (pressed before an event already taken) never cancels; a late press still joins.
    expect(decideBellEvent('cancel', at('triggered'), { late: true })).toEqual({ kind: 'late_cancel' });
    expect(decideBellEvent('cancel', null, { late: true })).toEqual({ kind: 'record_only', why: 'cancel_without_incident' });
    expect(decideBellEvent('press', at('triggered'), { late: true })).toEqual({ kind: 'join', longPress: false });
  });
});

describe('ack states', () => {
  it.each([
    ['triggered', 'received'], ['acknowledged', 'acknowledged'], ['responding', 'acknowledged'], ['on_scene', 'acknowledged'],
    ['contained', 'acknowledged'], ['cancelled', 'cancelled'], ['closed', 'closed'],
  ] as const)('%s → %s', (s, a) => expect(ackStateFor(s)).toBe(a));
});

describe('a cancel is checked in person', () => {
  it('only a cancelled alarm takes the check; the status stays cancelled and the check is on the timeline', () => {
    const r = transition(at('cancelled'), { type: 'check_cancel', by: 'g1', note: 'she is fine' }, later(60_000));
    expect(r.state.status).toBe('cancelled');
    expect(r.entries).toEqual([{ kind: 'cancel_checked', at: later(60_000), actorId: 'g1', data: { note: 'she is fine' } }]);
    for (const status of INCIDENT_STATUSES.filter((s) => s !== 'cancelled')) {
      expect(() => transition(at(status), { type: 'check_cancel', by: 'g1' }, t0)).toThrowError(/only a cancelled alarm/);
    }
  });
});
