import { describe, expect, it } from 'vitest';
import { parseProvisioningText } from './index.ts';

const doc = (site: Record<string, unknown>) => JSON.stringify({
  sites: [{ id: 's1', name: 'Office', address: '1 Road', timezone: 'Asia/Seoul', counters: [{ id: 'c1', name: 'Counter 1' }], ...site }],
  people: [
    { id: 'g1', name: 'Guard', roles: ['guard'], siteIds: ['s1'] },
    { id: 'm1', name: 'Manager', roles: ['manager'], siteIds: ['s1'] },
  ],
});

describe('provisioning: escalation policy, situation room and roster', () => {
  it('accepts a site policy, a situation room and a roster', () => {
    const r = parseProvisioningText(doc({
      situationRoom: { channel: 'call', to: '+8221234567' },
      escalation: { steps: [{ id: 'a', when: { kind: 'unacknowledged', afterSeconds: 45 }, recipients: ['guards_on_duty', { person: 'm1' }], channels: ['sms'] }] },
      roster: [{ personId: 'g1', startsAt: '2026-11-23T09:00:00+09:00', endsAt: '2026-11-23T18:00:00+09:00' }],
    }), 'site.json');
    expect(r.ok).toBe(true);
  });

  it('names every problem of a bad policy and roster by its path', () => {
    const r = parseProvisioningText(doc({
      situationRoom: { channel: 'fax', to: '12' },
      escalation: { steps: [{ id: 'a', when: { kind: 'unacknowledged', afterSeconds: 0 }, recipients: ['janitors'], channels: ['pigeon'] }] },
      roster: [
        { personId: 'm1', startsAt: '2026-11-23T09:00:00+09:00', endsAt: '2026-11-23T18:00:00+09:00' },
        { personId: 'nobody', startsAt: '2026-11-23T09:00:00+09:00', endsAt: '2026-11-23T08:00:00+09:00' },
      ],
    }), 'site.json');
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining([
      'sites[0].situationRoom.channel', 'sites[0].situationRoom.to',
      'sites[0].escalation.steps[0].when.afterSeconds', 'sites[0].escalation.steps[0].recipients[0]', 'sites[0].escalation.steps[0].channels[0]',
      'sites[0].roster[0].personId', 'sites[0].roster[1].personId', 'sites[0].roster[1].endsAt',
    ]));
  });
});
