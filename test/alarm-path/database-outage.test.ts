import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { RawBell } from '../support/mqtt.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { PrivatePostgres } from '../support/private-postgres.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { twilioEnv } from '../escalation/support.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';

describe('the database stops while presses arrive (real PostgreSQL, stopped and started again)', () => {
  let server: PrivatePostgres;
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;
  let fake: FakeTwilio;

  beforeAll(async () => {
    server = await PrivatePostgres.create();
    fake = await new FakeTwilio().start();
    fake.autoStatus = { sms: ['sent', 'delivered'], call: [] };
    // The default policy: the alert step (guards on duty and the counter's manager, by SMS) at once.
    ({ t, guard, stream } = await startWatchedSystem({ db: 'postgres', broker: 'aedes', databaseUrl: server.url, env: twilioEnv(fake) }));
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
    await server?.destroy();
  });

  it('consoles still ring, bells are not told received, and every press is stored exactly once when it returns', async () => {
    const bells = await Promise.all(['B-0301', 'B-0302', 'B-0901'].map((id) => t.bell(id)));
    const [a, b, c] = bells as [RawBell, RawBell, RawBell];
    await a.event(1, 'test');
    await a.waitForAck({ seq: 1, state: 'received' });

    await server.stop();
    const pressedAt = Date.now();
    const pressing = [a.pressUntilReceived(2, 300), b.pressUntilReceived(1, 300), c.pressUntilReceived(1, 300)];

    // Consoles of site-a ring within 2 s, with the incident marked not yet stored.
    const ringA = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0301', 2_000);
    const ringB = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302', 2_000);
    expect(ringA.receivedAt - pressedAt).toBeLessThan(2_000);
    expect(ringB.receivedAt - pressedAt).toBeLessThan(2_000);
    expect(ringA.data.stored).toBe(false);

    // Escalation starts without the database too (principle 1): the first alert's SMS go out from memory.
    const alertIdOf = (r: { statusCallback: string | undefined }) => new URL(r.statusCallback ?? 'http://x/').searchParams.get('n');
    await waitFor(() => new Set(fake.requests.filter((r) => r.kind === 'sms' && /Passport counter 3/.test(r.body ?? '')).map(alertIdOf)).size >= 2, 2_000, 'first alert SMS for B-0301 while the database is down');
    await waitFor(() => fake.requests.some((r) => r.kind === 'sms' && /Welfare counter 1/.test(r.body ?? '')), 2_000, 'first alert SMS for B-0302 while the database is down');

    // Retransmissions while the database is away: no answer, and no second alarm on the console.
    await sleep(2_500);
    expect(a.acks.map((x) => x.seq)).toEqual([1]); // only the test press stored before the outage
    expect(b.acks).toEqual([]);
    expect(c.acks).toEqual([]);
    expect(stream.messages.filter((m) => m.type === 'incident.created')).toHaveLength(2);
    const health = await guard.get('/api/v1/health');
    expect(health.body).toMatchObject({ status: 'degraded', db: 'down' });
    expect(health.body.pendingWrites).toBeGreaterThanOrEqual(3);
    // A console that reconnects now still sees the open alarms, from memory.
    const open = await guard.get('/api/v1/incidents?status=open');
    expect(open.status).toBe(200);
    expect(open.body.items.map((i: { bellId: string }) => i.bellId).sort()).toEqual(['B-0301', 'B-0302']);

    await server.start();
    const acks = await Promise.all([
      a.waitForAck({ seq: 2, state: 'received' }, 20_000),
      b.waitForAck({ seq: 1, state: 'received' }, 20_000),
      c.waitForAck({ seq: 1, state: 'received' }, 20_000),
    ]);
    pressing.forEach((p) => p.stop());
    expect(acks[0].incident).toBe(ringA.data.id);
    expect(acks[1].incident).toBe(ringB.data.id);
    await stream.waitFor('incident.updated', (i) => i.id === ringA.data.id && i.stored);

    // Exactly once, checked on the server itself.
    const check = new pg.Client({ connectionString: server.url });
    check.on('error', () => undefined); // left open by a failed expectation, it must not outlive the server uncaught
    await check.connect();
    const events = await check.query(`select bell_id, seq, count(*)::int as n from bell_events group by bell_id, seq order by bell_id, seq`);
    expect(events.rows).toEqual([
      { bell_id: 'B-0301', seq: '1', n: 1 },
      { bell_id: 'B-0301', seq: '2', n: 1 },
      { bell_id: 'B-0302', seq: '1', n: 1 },
      { bell_id: 'B-0901', seq: '1', n: 1 },
    ]);
    const incidents = await check.query(`select bell_id, count(*)::int as n from incidents group by bell_id order by bell_id`);
    expect(incidents.rows).toEqual([
      { bell_id: 'B-0301', n: 1 },
      { bell_id: 'B-0302', n: 1 },
      { bell_id: 'B-0901', n: 1 },
    ]);
    const timeline = await check.query(`select kind from timeline where incident_id = $1 and kind <> 'escalation_step' order by id`, [ringA.data.id]);
    expect(timeline.rows.map((r) => r.kind)).toEqual(['press']);

    // Every first-alert SMS sent during the outage is on the record once, with its delivery status, and the
    // engine did not send the step again once the incidents were stored.
    await sleep(1_000);
    const rows = await check.query(`select id, incident_id, step_id, status from notifications where step_id = 'alert' order by id`);
    const sent = fake.requests.filter((r) => r.kind === 'sms').map(alertIdOf);
    expect(new Set(sent).size).toBe(sent.length);
    expect(rows.rows.map((r) => r.id).sort()).toEqual([...sent].sort());
    const unsettled = async () => (await check.query(`select id, status, updated_at from notifications where status in ('sending', 'sent')`)).rows;
    let stuck: unknown[] = [];
    await waitFor(async () => (stuck = await unsettled()).length === 0, 10_000, () => `delivery statuses recorded; still ${JSON.stringify(stuck)}; callbacks ${JSON.stringify(fake.callbacks.map((c) => [c.params.MessageStatus, c.status, new URL(c.url).searchParams.get('n')]))}`);
    const steps = await check.query(`select incident_id, status from escalation_steps where step_id = 'alert'`);
    expect(steps.rows).toHaveLength(3);
    expect(steps.rows.every((r) => r.status === 'fired')).toBe(true);
    await check.end();
    await waitFor(async () => (await guard.get('/api/v1/health')).body.status === 'ok', 5_000, 'health ok again');
  });

  it('a delivery report that comes while the database is away is applied once it returns (Twilio sends each once)', async () => {
    fake.autoStatus = { sms: ['sent'], call: [] };
    // A new incident at B-0302 (the last one is cancelled), whose alert SMS stop at `sent`.
    const open = await guard.get('/api/v1/incidents?status=open');
    const last = open.body.items.find((i: { bellId: string }) => i.bellId === 'B-0302');
    const manager = await t.login('manager');
    expect((await manager.post(`/api/v1/incidents/${last.id}/cancel`, { reason: 'the outage test is over' })).status).toBe(200);
    const bell = await t.bell('B-0302');
    await bell.event(9, 'press');
    const ack = await bell.waitForAck({ seq: 9, state: 'received' });
    const check = new pg.Client({ connectionString: server.url });
    check.on('error', () => undefined); // the server is stopped below
    await check.connect();
    const sentRows = async () => (await check.query(`select id, status from notifications where incident_id = $1`, [ack.incident])).rows;
    const rows = await waitFor(async () => {
      const r = await sentRows();
      return r.length > 0 && r.every((x) => x.status === 'sent') && r;
    }, 10_000, 'the alert SMS sent');
    await check.end();

    await server.stop();
    const sids = fake.requests.filter((r) => rows.some((x) => x.id === new URL(r.statusCallback ?? 'http://x/').searchParams.get('n'))).map((r) => r.sid);
    expect(sids).toHaveLength(rows.length);
    const answered = await Promise.all(sids.map((sid) => fake.sendStatus(sid, 'delivered')));
    expect(answered.map((c) => c.status)).toEqual(sids.map(() => 200));
    await server.start();
    const again = new pg.Client({ connectionString: server.url });
    await again.connect();
    try {
      await waitFor(async () => (await again.query(`select 1 from notifications where incident_id = $1 and status <> 'delivered'`, [ack.incident])).rows.length === 0, 15_000, 'the reports applied');
    } finally {
      await again.end();
    }
  });
});
