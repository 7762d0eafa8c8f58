import { describe, expect, it } from 'vitest';
import { DEFAULT_ESCALATION_POLICY } from '../domain/index.ts';
import { overtakenBy } from './outbox.ts';
import { CANCEL_NOTICE_STEP } from './step-arm.ts';

const incident = (over: Partial<{ status: string; acknowledgedAt: Date | null }> = {}) =>
  ({ status: 'triggered', acknowledgedAt: null, escalationPolicy: DEFAULT_ESCALATION_POLICY, ...over }) as Parameters<typeof overtakenBy>[1];

describe('a notification overtaken before it was sent', () => {
  it('an unacknowledged-step call waiting in the outbox is not made once somebody acknowledged', () => {
    const call = { stepId: 'unacknowledged_30s', isPolice: false };
    expect(overtakenBy(call, incident())).toBeNull();
    expect(overtakenBy(call, incident({ status: 'acknowledged', acknowledgedAt: new Date() }))).toBe('acknowledged before it was sent');
    // The alert itself still goes to someone who was not told yet: acknowledgement does not stop it.
    expect(overtakenBy({ stepId: 'alert', isPolice: false }, incident({ status: 'acknowledged', acknowledgedAt: new Date() }))).toBeNull();
  });

  it('nothing is sent for an incident that is over, except the cancel notice and the police', () => {
    expect(overtakenBy({ stepId: 'alert', isPolice: false }, incident({ status: 'closed' }))).toBe('incident closed before it was sent');
    expect(overtakenBy({ stepId: CANCEL_NOTICE_STEP, isPolice: false }, incident({ status: 'cancelled' }))).toBeNull();
    expect(overtakenBy({ stepId: 'violence_police', isPolice: true }, incident({ status: 'cancelled' }))).toBeNull();
  });
});
