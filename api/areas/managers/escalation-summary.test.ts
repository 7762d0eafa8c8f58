import { describe, expect, it } from 'vitest';
import { summariseEscalation, type NotificationRow } from './escalation-summary.ts';

const now = new Date('2026-11-23T09:05:00.000Z');
const ago = (s: number) => new Date(now.getTime() - s * 1000);
const n = (over: Partial<NotificationRow>): NotificationRow => ({
  recipientKey: 'guard-a', personId: 'guard-a', channel: 'sms', to: '+82', isPolice: false, status: 'sent', createdAt: ago(10), updatedAt: ago(10), ...over,
});
const names = new Map([['guard-a', 'Kim Guard'], ['manager-a', 'Jung Manager']]);

describe('escalation summary for managers', () => {
  it('names the last fired step and the next one due', () => {
    const s = summariseEscalation([
      { stepId: 'alert', status: 'fired', dueAt: ago(300), firedAt: ago(300) },
      { stepId: 'unack_30s', status: 'fired', dueAt: ago(270), firedAt: ago(270) },
      { stepId: 'unack_60s', status: 'pending', dueAt: ago(-20), firedAt: null },
      { stepId: 'scene_120s', status: 'pending', dueAt: null, firedAt: null },
    ], [], names, now);
    expect(s).toMatchObject({ currentStep: 'unack_30s', nextStep: 'unack_60s', stepsFired: 2, stepsTotal: 4 });
  });
  it('a recipient reached on any channel is reached; failed or stale attempts are not reached', () => {
    const s = summariseEscalation([], [
      n({ status: 'failed', createdAt: ago(100) }),
      n({ channel: 'voice', status: 'answered', createdAt: ago(90) }),
      n({ recipientKey: 'manager-a', personId: 'manager-a', status: 'sent', createdAt: ago(200) }),
      n({ recipientKey: 'police:+82112', personId: null, isPolice: true, status: 'not_configured', createdAt: ago(5) }),
      n({ recipientKey: 'guard-b', personId: 'guard-b', status: 'queued', createdAt: ago(5) }),
    ], names, now);
    expect(s.reached).toEqual([{ personId: 'guard-a', name: 'Kim Guard', isPolice: false, channels: ['sms', 'voice'], status: 'answered' }]);
    expect(s.notReached.map((r) => [r.name, r.isPolice, r.status])).toEqual([['Jung Manager', false, 'sent'], [null, true, 'not_configured']]);
    expect(s.pending.map((r) => r.name)).toEqual(['guard-b']);
    expect(s.currentStep).toBeNull();
  });
});
