import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { POLICE } from '../support/fixtures.ts';
import type { ApiClient } from '../support/http.ts';
import type { FakeTwilio } from '../support/fake-twilio.ts';
import type { TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { countTransactionStatements } from '../support/transaction-statements.ts';
import { callsTo, FAST_POLICY, PHONES, smsTo, startWithTwilio, STOPPABLE_LAST_UNACK_MS, STOPPABLE_POLICY } from './support.ts';
import type { EscalationPolicy } from '../../api/domain/index.ts';
import { ManualClock } from '../../api/escalation/index.ts';

describe('escalation by the clock, through the real twilio library and a fake Twilio', () => {
  let t: TestSystem;
  let fake: FakeTwilio;
  let close: () => Promise<void>;
  let manager: ApiClient;
  let admin: ApiClient;

  // The engine's clock stands still until a test moves it: a step due at 1–4 s fires when the test says, not when a
  // loaded machine happens to get there first.
  const clock = new ManualClock();
  beforeAll(async () => {
    ({ t, fake, close } = await startWithTwilio({ db: 'pglite', broker: 'aedes', escalationClock: clock }));
    manager = await t.login('manager');
    admin = await t.login('admin');
  });
  afterAll(async () => close?.());
  // Requests of earlier tests stay recorded (their callbacks may still be on the way): each test reads its own.
  let mark = 0;
  const reqs = () => fake.requests.slice(mark);
  beforeEach(() => {
    mark = fake.requests.length;
    fake.autoStatus = { sms: ['sent', 'delivered'], call: ['initiated', 'ringing', 'in-progress', 'completed'] };
  });

  const setPolicy = async (policy: EscalationPolicy) => {
    const r = await admin.request('PUT', '/api/v1/sites/site-a/escalation-policy', { policy });
    expect(r.status).toBe(200);
  };
  const detail = async (id: string) => (await manager.get(`/api/v1/incidents/${id}`)).body;
  /**
   * Moves the engine's clock to `seconds` after the incident opened (or to its acknowledgement, if that came later in
   * real time: a nobody-on-scene step is never due before it) and lets the engine fire what is due.
   */
  const at = async (id: string, seconds: number) => {
    const d = await detail(id);
    const acknowledged = d.acknowledgedAt ? Date.parse(d.acknowledgedAt) : 0;
    clock.set(new Date(Math.max(Date.parse(d.openedAt) + seconds * 1_000, acknowledged)));
    await t.system.escalation.runDue();
  };
  const finish = async (id: string) => {
    await manager.post(`/api/v1/incidents/${id}/acknowledge`);
    await manager.post(`/api/v1/incidents/${id}/close`, { outcome: 'test over', classification: ['other'] });
  };

  it('an alarm nobody answers climbs: SMS at once, calls at 1 s, police and all managers at 2 s', async () => {
    const bell = await t.bell('B-0301');
    await bell.event(1, 'press');
    const incident = (await bell.waitForAck({ seq: 1, state: 'received' })).incident!;
    await waitFor(() => reqs().length >= 3, 5_000, 'three requests');
    expect(reqs().map((r) => `${r.kind} ${r.to}`).sort()).toEqual([`sms ${PHONES.guardA}`, `sms ${PHONES.guardA2}`, `sms ${PHONES.managerA}`]);
    // "At once" is that they came with the engine's clock still at the press: no step was due yet.
    await at(incident, 0.9);
    expect(callsTo(reqs(), PHONES.guardA)).toEqual([]);
    await at(incident, 1);
    await waitFor(() => callsTo(reqs(), PHONES.guardA).length === 1 && callsTo(reqs(), PHONES.managerA).length === 1, 5_000, 'calls at 1 s');
    expect(smsTo(reqs(), POLICE)).toEqual([]);
    await at(incident, 2);
    await waitFor(() => smsTo(reqs(), POLICE).length === 1, 5_000, 'the police at 2 s');
    await waitFor(() => callsTo(reqs(), PHONES.managerA2).length === 1 && smsTo(reqs(), PHONES.managerA2).length === 1, 5_000, 'every manager at 2 s');
    // The police message names the office, the counter and the floor, in Korean.
    const police = smsTo(reqs(), POLICE)[0]!;
    expect(police.body).toContain('Passport counter 3');
    expect(police.body).toContain('1F');
    // Calls speak Korean, or English for people whose language is English, and gather one key.
    expect(callsTo(reqs(), PHONES.guardA)[0]!.twiml).toMatch(/<Gather[^>]*numDigits="1"[\s\S]*language="ko-KR"/);
    expect(callsTo(reqs(), PHONES.guardA2)[0]!.twiml).toContain('language="en-US"');

    // Delivery statuses come back from the fake's signed callbacks and are on the incident.
    await waitFor(async () => (await detail(incident)).notifications.filter((n: { status: string }) => n.status === 'delivered').length >= 4, 5_000, 'delivered SMS');
    const d = await detail(incident);
    expect(d.escalation.find((s: { stepId: string }) => s.stepId === 'unack_1s').status).toBe('fired');
    expect(d.escalation.find((s: { stepId: string }) => s.stepId === 'violence_police').status).toBe('pending');
    expect(d.timeline.filter((e: { kind: string }) => e.kind === 'escalation_step').map((e: { data: { step: string } }) => e.data.step)).toEqual(['alert', 'unack_1s', 'unack_2s']);
    await finish(incident);
  });

  it('a reply of 확인 acknowledges: the bell is told, and the unacknowledged steps stop', async () => {
    await setPolicy(STOPPABLE_POLICY);
    const bell = await t.bell('B-0302');
    await bell.event(1, 'press');
    const incident = (await bell.waitForAck({ seq: 1, state: 'received' })).incident!;
    await waitFor(() => reqs().length >= 3, 5_000, 'three requests');
    const reply = await fake.inboundSms({ from: PHONES.guardA, body: '확인', url: `${t.url}/api/v1/twilio/sms` });
    expect(reply.status).toBe(200);
    await bell.waitForAck({ incident, state: 'acknowledged' });
    expect((await detail(incident)).status).toBe('acknowledged');
    await at(incident, (STOPPABLE_LAST_UNACK_MS + 700) / 1_000);
    await sleep(200); // an outbox tick: anything the engine queued would be sent by now
    expect(reqs().filter((r) => r.kind === 'call')).toEqual([]);
    expect(smsTo(reqs(), POLICE)).toEqual([]);
    const d = await detail(incident);
    expect(d.escalation.filter((s: { stepId: string; status: string }) => s.stepId.startsWith('unack')).map((s: { reason: string }) => s.reason)).toEqual(['acknowledged', 'acknowledged']);
    await finish(incident);
    await setPolicy(FAST_POLICY);
  });

  it('pressing 1 on the call acknowledges; nobody on scene at 3 s calls the others, not the guard on the way', async () => {
    const bell = await t.bell('B-0301');
    await bell.event(2, 'press');
    const incident = (await bell.waitForAck({ seq: 2, state: 'received' })).incident!;
    await at(incident, 1);
    await waitFor(() => callsTo(reqs(), PHONES.guardA).length === 1, 5_000, 'the 1 s call');
    await fake.pressKey({ callSid: callsTo(reqs(), PHONES.guardA)[0]!.sid, digits: '1' });
    await bell.waitForAck({ incident, state: 'acknowledged' });
    const d = await detail(incident);
    expect(d.acknowledgedAt).not.toBeNull();
    expect(d.timeline.find((e: { kind: string }) => e.kind === 'acknowledged').actorName).toBe('Kim Guard');
    await at(incident, 3);
    // The other guard's SMS: the alert's, then this step's (a manager may also have had the 2 s step's).
    await waitFor(() => smsTo(reqs(), PHONES.guardA2).length === 2, 5_000, 'the nobody-on-scene step at 3 s');
    await sleep(200); // an outbox tick: a message to the acknowledging guard would be sent by now
    // Kim Guard answered and is on the way: the step asks the others, and does not ring the one who is running.
    expect(smsTo(reqs(), PHONES.guardA)).toHaveLength(1);
    expect(callsTo(reqs(), PHONES.guardA)).toHaveLength(1);
    const scene = (await detail(incident)).timeline.find((e: { kind: string; data: { step?: string } }) => e.kind === 'escalation_step' && e.data.step === 'scene_3s');
    const acknowledgedBy = d.timeline.find((e: { kind: string }) => e.kind === 'acknowledged').actorId;
    expect(scene.data.spared).toEqual([acknowledgedBy]);
    expect(scene.data.recipients.map((r: { key: string }) => r.key)).not.toContain(acknowledgedBy);
    await finish(incident);
  });

  it('twenty re-presses send one SMS per person, not twenty', async () => {
    const bell = await t.bell('B-0301');
    await bell.event(10, 'press');
    const incident = (await bell.waitForAck({ seq: 10, state: 'received' })).incident!;
    for (let seq = 11; seq <= 30; seq++) await bell.event(seq, 'press');
    await bell.waitForAck({ seq: 30 });
    await sleep(500);
    expect(smsTo(reqs(), PHONES.guardA)).toHaveLength(1);
    expect(reqs().filter((r) => r.kind === 'sms')).toHaveLength(3);
    await finish(incident);
  });

  it('a failed SMS falls over to a call; a provider error is retried with backoff', async () => {
    fake.failNext(1, { status: 400, code: 21211 });
    const bell = await t.bell('B-0301');
    await bell.event(40, 'press');
    const incident = (await bell.waitForAck({ seq: 40, state: 'received' })).incident!;
    await waitFor(async () => (await detail(incident)).notifications.some((n: { fallbackOf: string | null }) => n.fallbackOf), 5_000, 'a fallback call');
    const d = await detail(incident);
    const failed = d.notifications.find((n: { status: string }) => n.status === 'failed');
    expect(failed.channel).toBe('sms');
    expect(d.notifications.find((n: { fallbackOf: string | null }) => n.fallbackOf === failed.id).channel).toBe('voice');
    await finish(incident);

    mark = fake.requests.length;
    fake.failNext(2, { status: 500 });
    await bell.event(41, 'press');
    const second = (await bell.waitForAck({ seq: 41, state: 'received' })).incident!;
    await waitFor(async () => (await detail(second)).notifications.filter((n: { status: string; channel: string }) => n.channel === 'sms' && n.status === 'delivered').length === 3, 8_000, 'all three SMS after retries');
    const retried = (await detail(second)).notifications.filter((n: { attempts: number }) => n.attempts > 1);
    expect(retried.length).toBeGreaterThanOrEqual(1);
    await finish(second);
  });

  it('a cancel at the counter tells everyone already reached to go and verify in person, and stops the climb', async () => {
    await setPolicy(STOPPABLE_POLICY);
    const bell = await t.bell('B-0302');
    await bell.event(50, 'press');
    const incident = (await bell.waitForAck({ seq: 50, state: 'received' })).incident!;
    // Welfare counter 1 names no manager: the alert goes to both guards and both managers of the site.
    await waitFor(() => reqs().length >= 4, 5_000, 'the alert SMS');
    await bell.event(51, 'cancel');
    await bell.waitForAck({ seq: 51, state: 'cancelled' });
    await waitFor(() => reqs().filter((r) => r.kind === 'sms' && /취소|cancelled at the counter/.test(r.body ?? '')).length === 4, 5_000, 'four cancel notices');
    expect(smsTo(reqs(), PHONES.guardA2).at(-1)!.body).toContain('check in person');
    await at(incident, (STOPPABLE_LAST_UNACK_MS + 700) / 1_000);
    await sleep(200); // an outbox tick
    // No call for this incident (a call of an earlier test's incident may still be on its way).
    expect(reqs().filter((r) => r.kind === 'call' && r.twiml?.includes('Welfare counter 1'))).toEqual([]);
    expect((await detail(incident)).status).toBe('cancelled');
    await setPolicy(FAST_POLICY);
  });

  it('a manager\'s cancel settles every step still waiting (skipped, "incident cancelled"), tells nobody, and nothing fires later', async () => {
    await setPolicy(STOPPABLE_POLICY);
    // Earlier tests moved the engine's clock ahead of this press: back to now, so that only the alert is due.
    clock.set(new Date(), { allowBackwards: true });
    const bell = await t.bell('B-0302');
    await bell.event(60, 'press');
    const incident = (await bell.waitForAck({ seq: 60, state: 'received' })).incident!;
    await waitFor(() => reqs().length >= 4, 5_000, 'the alert SMS');
    const cancelled = await manager.post(`/api/v1/incidents/${incident}/cancel`, { reason: 'pressed by mistake' });
    expect(cancelled.status).toBe(200);
    type Step = { stepId: string; status: string; reason: string | null };
    const steps = await waitFor(async () => {
      const d = (await detail(incident)) as { escalation: Step[] };
      return d.escalation.every((s) => s.status !== 'pending') && d.escalation;
    }, 5_000, 'every step settled');
    expect(steps.filter((s) => s.status === 'fired').map((s) => s.stepId)).toEqual(['alert']);
    expect(steps.filter((s) => s.status !== 'fired')).toEqual(
      STOPPABLE_POLICY.steps.filter((s) => s.id !== 'alert').map((s) => expect.objectContaining({ stepId: s.id, status: 'skipped', reason: 'incident cancelled' })),
    );
    await at(incident, (STOPPABLE_LAST_UNACK_MS + 700) / 1_000);
    await sleep(200); // an outbox tick
    expect(reqs().filter((r) => /취소|cancelled at the counter/.test(r.body ?? '') || (r.kind === 'call' && r.twiml?.includes('Welfare counter 1')))).toEqual([]);
    await setPolicy(FAST_POLICY);
  });

  it('steps of several incidents due together are fired in one claim of a few statements, not some per incident', async () => {
    await setPolicy(FAST_POLICY);
    clock.set(new Date(), { allowBackwards: true });
    const ids: string[] = [];
    for (const counterId of ['passport-3', 'welfare-1', 'passport-3', 'welfare-1']) {
      const r = await manager.post('/api/v1/incidents', { counterId, violence: false });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    // Statements sent inside each engine transaction from here on.
    const { perTransaction, restore } = countTransactionStatements(t.system.database.db);
    try {
      const opened = Math.max(...(await Promise.all(ids.map(async (id) => Date.parse((await detail(id)).openedAt)))));
      clock.set(new Date(opened + 1_000));
      await t.system.escalation.runDue();
      type Step = { stepId: string; status: string };
      for (const id of ids) expect(((await detail(id)).escalation as Step[]).find((s) => s.stepId === 'unack_1s')?.status).toBe('fired');
      // One claim of four incidents: the claim, three reads, the notifications, the timeline entries, the steps.
      expect(Math.max(...perTransaction)).toBeLessThanOrEqual(7);
    } finally {
      restore();
      for (const id of ids) await finish(id);
    }
  });

  it('Twilio unreachable: notifications wait in the outbox, shown as not delivered, and go out when it answers', async () => {
    await fake.setUnreachable(true);
    const bell = await t.bell('B-0301');
    await bell.event(60, 'press');
    const incident = (await bell.waitForAck({ seq: 60, state: 'received' })).incident!;
    await waitFor(async () => (await detail(incident)).notifications.filter((n: { attempts: number; status: string; lastError: string | null }) => n.status === 'queued' && n.attempts >= 1 && n.lastError).length >= 3, 5_000, 'failed attempts waiting in the outbox');
    expect((await detail(incident)).notifications.every((n: { delivered: boolean }) => !n.delivered)).toBe(true);
    await fake.setUnreachable(false);
    await waitFor(async () => (await detail(incident)).notifications.filter((n: { channel: string; status: string }) => n.channel === 'sms' && n.status === 'delivered').length === 3, 15_000, 'the SMS delivered after Twilio came back');
    await finish(incident);
  });

  it('refuses a webhook with a bad X-Twilio-Signature', async () => {
    const res = await fetch(`${t.url}/api/v1/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
      body: new URLSearchParams({ From: PHONES.guardA, Body: '1' }),
    });
    expect(res.status).toBe(403);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/guardbell_webhooks_refused_total\{reason="bad_twilio_signature"\} [1-9]/);
  });
});
