import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from 'ulidx';
import type { EscalationPolicy } from '../../api/domain/index.ts';
import { schema } from '../../api/store/index.ts';
import { LIAISON, POLICE } from '../support/fixtures.ts';
import type { FakeTwilio } from '../support/fake-twilio.ts';
import type { TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { startWithTwilio } from './support.ts';

/** Every step names the police, on every channel: the worst policy a drill could meet. */
const POLICE_EVERYWHERE: EscalationPolicy = {
  steps: [
    { id: 'at_once', when: { kind: 'immediate' }, recipients: ['police', 'guards_on_duty', 'situation_room'], channels: ['sms', 'voice'] },
    { id: 'violence', when: { kind: 'violence' }, recipients: ['police'], channels: ['sms', 'voice'] },
    { id: 'unack', when: { kind: 'unacknowledged', afterSeconds: 1 }, recipients: ['police', { person: 'manager-a' }], channels: ['sms'] },
  ],
};

describe('drills never reach the live police number', () => {
  let t: TestSystem;
  let fake: FakeTwilio;
  let close: () => Promise<void>;

  beforeAll(async () => {
    ({ t, fake, close } = await startWithTwilio({ db: 'pglite', broker: 'aedes', policy: POLICE_EVERYWHERE }));
  });
  afterAll(async () => {
    // Whatever happened in this file, not one request ever went to the live police number.
    expect(fake?.requests.filter((r) => r.to === POLICE)).toEqual([]);
    await close?.();
  });

  const drill = (jointPoliceDrill: boolean) =>
    t.system.core.raiseFromConsole({ siteId: 'site-a', counterId: 'passport-3', violence: true, by: 'manager-a', mode: 'drill', jointPoliceDrill });

  it('a drill with police in every step, violence and no acknowledgement reaches its people, marked, and no police', async () => {
    const since = fake.requests.length;
    const incident = await drill(false);
    await waitFor(() => fake.requests.slice(since).some((r) => r.to === '+821000000031'), 5_000, 'the 1 s step to the manager');
    await sleep(500);
    const sent = fake.requests.slice(since);
    expect(sent.filter((r) => r.to === POLICE || r.to === LIAISON)).toEqual([]);
    for (const r of sent.filter((x) => x.kind === 'sms')) expect(r.body).toContain('[훈련/DRILL]');
    for (const r of sent.filter((x) => x.kind === 'call')) expect(r.twiml).toContain('[훈련/DRILL]');
    await t.system.core.act(incident.id, { type: 'acknowledge', by: 'manager-a' });
  });

  it('a joint police drill reaches only the liaison number, marked as a drill', async () => {
    const since = fake.requests.length;
    const incident = await drill(true);
    await waitFor(() => fake.requests.slice(since).some((r) => r.to === LIAISON), 5_000, 'the liaison');
    await sleep(1_500);
    const liaison = fake.requests.slice(since).filter((r) => r.to === LIAISON);
    // at_once, violence and unack each name the police once: three messages to the liaison, all SMS, all marked.
    expect(liaison.map((r) => r.kind)).toEqual(['sms', 'sms', 'sms']);
    for (const r of liaison) expect(r.body).toMatch(/^\[훈련\/DRILL\]/);
    await t.system.core.act(incident.id, { type: 'acknowledge', by: 'manager-a' });
  });

  it('a liaison list that names the live police number is skipped for that number', async () => {
    const { applyProvisioning } = await import('../../api/provisioning/apply.ts');
    const { testProvisioning } = await import('../support/fixtures.ts');
    const doc = testProvisioning();
    doc.sites[0]!.drillLiaison = [POLICE];
    await t.provision(doc);
    const since = fake.requests.length;
    const incident = await drill(true);
    await sleep(1_500);
    expect(fake.requests.slice(since).filter((r) => r.to === POLICE || r.to === LIAISON)).toEqual([]);
    await t.system.core.act(incident.id, { type: 'acknowledge', by: 'manager-a' });
  });

  it('the outbox refuses a police notification of a drill even if something queued it', async () => {
    const incident = await drill(false);
    const id = `ntf_${ulid()}`;
    const now = new Date();
    await t.system.database.db.insert(schema.notifications).values({
      id, incidentId: incident.id, stepId: 'forged', recipientKey: `police:${POLICE}`, personId: null, channel: 'sms', to: POLICE,
      isPolice: true, mode: 'drill', status: 'queued', nextAttemptAt: now, createdAt: now, updatedAt: now,
    });
    t.system.outbox.kick();
    const manager = await t.login('manager');
    await waitFor(async () => {
      const d = await manager.get(`/api/v1/incidents/${incident.id}`);
      return d.body.notifications.find((n: { id: string }) => n.id === id)?.status === 'cancelled';
    }, 5_000, 'the forged police notification cancelled');
    await t.system.core.act(incident.id, { type: 'acknowledge', by: 'manager-a' });
  });
});
