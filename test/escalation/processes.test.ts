import { afterAll, describe, expect, it } from 'vitest';
import { ChildSystem } from '../support/child-system.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { FAST_POLICY, PHONES, twilioEnv } from './support.ts';

describe('escalation across restarts and processes (real PostgreSQL)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  });

  async function setup() {
    const fake = await new FakeTwilio().start();
    const database = await createTestDatabase();
    cleanups.push(() => fake.close(), () => database.drop());
    const start = async (): Promise<TestSystem> => {
      const t = await startTestSystem({ db: 'postgres', broker: 'aedes', databaseUrl: database.url, env: twilioEnv(fake) });
      cleanups.push(() => t.stop());
      return t;
    };
    return { fake, start, database };
  }

  it('a restarted process resumes the escalation of an open incident on time', async () => {
    const { fake, start } = await setup();
    const a = await start();
    const admin = await a.login('admin1');
    await admin.request('PUT', '/api/v1/sites/site-a/escalation-policy', { policy: FAST_POLICY });
    const staff = await a.login('staff');
    const raised = await staff.post('/api/v1/incidents', { counterId: 'passport-3' });
    const openedAt = Date.parse(raised.body.openedAt);
    await waitFor(() => fake.requests.length >= 3, 5_000, 'the first SMS');
    await a.stop();

    const b = await start();
    await waitFor(() => fake.requests.some((r) => r.kind === 'call' && r.to === PHONES.guardA), 10_000, 'the 1 s call after the restart');
    const call = fake.requests.find((r) => r.kind === 'call' && r.to === PHONES.guardA)!;
    // Due at 1 s; the restart itself takes a few seconds (PostgreSQL, migrations), so it fires as soon as the process is up.
    expect(call.receivedAt - openedAt).toBeGreaterThanOrEqual(1_000);
    const manager = await b.login('manager');
    const d = await manager.get(`/api/v1/incidents/${raised.body.id}`);
    expect(d.body.escalation.find((s: { stepId: string }) => s.stepId === 'unack_1s').status).toBe('fired');
    expect(fake.requests.filter((r) => r.kind === 'sms' && r.to === PHONES.guardA)).toHaveLength(1);
    await manager.post(`/api/v1/incidents/${raised.body.id}/acknowledge`);
  });

  it('with two processes on one database each step fires exactly once', async () => {
    const { fake, start, database } = await setup();
    const a = await start();
    const admin = await a.login('admin1');
    await admin.request('PUT', '/api/v1/sites/site-a/escalation-policy', { policy: FAST_POLICY });
    // The second process is a real OS process, started as an operator would, on the same database.
    const b = await ChildSystem.start({ DATABASE_URL: database.url, ...twilioEnv(fake) });
    cleanups.push(() => b.stop());
    const staffA = await a.login('staff');
    const staffB = await ApiClient.login(b.url, 'staff2', PASSWORD);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await staffA.post('/api/v1/incidents', { counterId: 'passport-3' })).body.id);
      ids.push((await staffB.post('/api/v1/incidents', { counterId: 'welfare-1', violence: true })).body.id);
    }
    // Per incident: alert SMS to 2 guards + the counter's managers, calls at 1 s, police + every manager at 2 s (the
    // scene step waits for an acknowledgement). Counted once the 2 s step has fired and every notification has left
    // the outbox, not after a fixed sleep, which a loaded machine can overrun in the middle of the count.
    const manager = await a.login('manager');
    await waitFor(async () => {
      for (const id of ids) {
        const d = (await manager.get(`/api/v1/incidents/${id}`)).body;
        if (d.escalation.find((s: { stepId: string }) => s.stepId === 'unack_2s')?.status !== 'fired') return false;
        if (d.notifications.some((n: { status: string }) => n.status === 'queued' || n.status === 'sending')) return false;
      }
      return true;
    }, 20_000, 'the 2 s step fired and every notification sent');
    for (const id of ids) {
      const d = (await manager.get(`/api/v1/incidents/${id}`)).body;
      const fired = d.timeline.filter((e: { kind: string }) => e.kind === 'escalation_step').map((e: { data: { step: string } }) => e.data.step);
      expect(new Set(fired).size).toBe(fired.length);
      const keys = d.notifications.map((n: { stepId: string; to: string; channel: string }) => `${n.stepId} ${n.to} ${n.channel}`);
      expect(new Set(keys).size).toBe(keys.length);
    }
    // Every request Twilio saw belongs to exactly one notification row: nothing was sent twice.
    const total = fake.requests.length;
    let expected = 0;
    for (const id of ids) expected += (await manager.get(`/api/v1/incidents/${id}`)).body.notifications.filter((n: { status: string }) => n.status !== 'failed').length;
    expect(total).toBe(expected);
    for (const id of ids) await manager.post(`/api/v1/incidents/${id}/acknowledge`);
  });

  it('without Twilio, notifications stay in the outbox as not configured, never dropped', async () => {
    const t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    cleanups.push(() => t.close());
    const staff = await t.login('staff');
    const raised = await staff.post('/api/v1/incidents', { counterId: 'passport-3' });
    const manager = await t.login('manager');
    // Stored as `sending` with the incident (the first alert), then marked not configured.
    await waitFor(async () => {
      const rows = (await manager.get(`/api/v1/incidents/${raised.body.id}`)).body.notifications as { status: string }[];
      return rows.length >= 3 && rows.every((n) => n.status !== 'sending');
    }, 5_000, 'outbox rows settled');
    const d = (await manager.get(`/api/v1/incidents/${raised.body.id}`)).body;
    for (const n of d.notifications) {
      expect(n.status).toBe('not_configured');
      expect(n.delivered).toBe(false);
      expect(n.lastError).toMatch(/not configured|configured/);
    }
  });
});
