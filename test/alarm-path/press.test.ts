import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { MATRIX, startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';

describe.each(MATRIX)('alarm path on $db + $broker', ({ db, broker }) => {
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;

  beforeAll(async () => {
    ({ t, guard, stream } = await startWatchedSystem({ db, broker }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = (query: string) => t.count(query);

  it('a press rings the console, is stored once, acked received, and acknowledged by a guard', async () => {
    const bell = await t.bell('B-0301');
    const sentAt = Date.now();
    await bell.event(1, 'press', { battery: 86 });
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0301');
    expect(created.receivedAt - sentAt).toBeLessThan(2_000);
    expect(created.data).toMatchObject({ status: 'triggered', severity: 'high', violence: false, siteId: 'site-a', counterId: 'passport-3', source: 'bell', mode: 'live', floor: '1F' });
    const received = await bell.waitForAck({ seq: 1, state: 'received' });
    expect(received.incident).toBe(created.data.id);
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-0301' and seq = 1`)).toBe(1);
    // Once stored, consoles hear the incident again with the reference the database gave it, as the API says it.
    const referenced = await stream.waitFor('incident.updated', (i) => i.id === created.data.id && Boolean(i.reference));
    expect(referenced.data.reference).toMatch(/^\d{4}-\d{4}$/);
    expect((await guard.get(`/api/v1/incidents/${created.data.id}`)).body.reference).toBe(referenced.data.reference);

    // Retransmissions of the same seq: answered again, never a second incident or row.
    await bell.event(1, 'press');
    await bell.event(1, 'press');
    await waitFor(() => bell.acks.filter((a) => a.seq === 1).length >= 3, 5_000, 'three answers to seq 1');
    expect(await count(`select count(*) as n from incidents where bell_id = 'B-0301'`)).toBe(1);
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-0301'`)).toBe(1);

    const ack = await guard.post(`/api/v1/incidents/${created.data.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ status: 'acknowledged' });
    await bell.waitForAck({ seq: 1, incident: created.data.id, state: 'acknowledged' });
    // A late retransmission is answered with the current state.
    await bell.event(1, 'press');
    await waitFor(() => bell.acks.filter((a) => a.seq === 1 && a.state === 'acknowledged').length >= 2, 5_000, 'second acknowledged');

    // A re-press joins the open incident; a long press raises it to violence in progress.
    await bell.event(2, 'long_press');
    const raised = await stream.waitFor('incident.updated', (i) => i.id === created.data.id && i.violence);
    expect(raised.data.severity).toBe('critical');
    await bell.waitForAck({ seq: 2, incident: created.data.id, state: 'acknowledged' });
    expect(await count(`select count(*) as n from incidents where bell_id = 'B-0301'`)).toBe(1);

    const detail = await guard.get(`/api/v1/incidents/${created.data.id}`);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind).filter((k: string) => k !== 'escalation_step')).toEqual(['press', 'acknowledged', 're_press', 'severity_raised']);
    expect(detail.body.timeline.find((e: { kind: string }) => e.kind === 'acknowledged').actorName).toBe('Kim Guard');
    // Timeline times are server times, oldest first.
    const times = detail.body.timeline.map((e: { at: string }) => Date.parse(e.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    // A manager closes; the bell is told closed, and the next press opens a new incident.
    const manager = await t.login('manager');
    const closed = await manager.post(`/api/v1/incidents/${created.data.id}/close`, { outcome: 'complainant escorted out', classification: ['verbal_abuse', 'threat'] });
    expect(closed.status).toBe(200);
    await bell.waitForAck({ seq: 1, state: 'closed' });
    await bell.event(3, 'press');
    const second = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0301' && i.id !== created.data.id);
    expect(second.data.status).toBe('triggered');
  });

  it('an incident is found by the reference a caller reads out, within the searcher\'s own sites', async () => {
    const [first] = (await guard.get('/api/v1/incidents?status=all')).body.items.filter((i: { bellId: string | null }) => i.bellId === 'B-0301').slice(-1);
    const reference = first.reference as string;
    const number = reference.split('-')[1]!;
    const found = await guard.get(`/api/v1/incidents?reference=${number}`);
    expect(found.status).toBe(200);
    expect(found.body.items.map((i: { id: string }) => i.id)).toContain(first.id);
    expect((await guard.get(`/api/v1/incidents?reference=${reference}`)).body.items.map((i: { reference: string }) => i.reference)).toEqual([reference]);
    // Another site's guard finds nothing there, whatever the number.
    expect((await (await t.login('guardb')).get(`/api/v1/incidents?reference=${reference}`)).body.items).toEqual([]);
    const bad = await guard.get('/api/v1/incidents?reference=inc_01%25');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([expect.objectContaining({ path: 'reference', code: 'bad_format' })]);
  });

  it('a long press opens an incident marked violence in progress', async () => {
    const bell = await t.bell('B-0302');
    await bell.event(10, 'long_press');
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302');
    expect(created.data).toMatchObject({ violence: true, severity: 'critical' });
    await bell.waitForAck({ seq: 10, state: 'received' });
  });

  it('cancel inside the window cancels; test never opens an incident', async () => {
    const bell = await t.bell('B-0901');
    await bell.event(1, 'test');
    await bell.waitForAck({ seq: 1, state: 'received' });
    expect(bell.acks.find((a) => a.seq === 1)?.incident).toBeUndefined();
    expect(await count(`select count(*) as n from incidents where bell_id = 'B-0901'`)).toBe(0);

    const otherSite = await (await t.login('guardb')).stream();
    await bell.event(2, 'press');
    const created = await otherSite.waitFor('incident.created', (i) => i.bellId === 'B-0901');
    // Consoles see only their sites: site-a's guard is not told of site-b's alarm.
    await sleep(100);
    expect(stream.messages.some((m) => m.type === 'incident.created' && m.data.bellId === 'B-0901')).toBe(false);
    otherSite.close();
    await bell.waitForAck({ seq: 2, state: 'received' });
    await bell.event(3, 'cancel');
    await bell.waitForAck({ seq: 3, state: 'cancelled' });
    const list = await (await t.login('legal')).get(`/api/v1/incidents/${created.data.id}`);
    expect(list.body.status).toBe('cancelled');
    expect(list.body.timeline.map((e: { kind: string }) => e.kind).filter((k: string) => k !== 'escalation_step')).toEqual(['press', 'cancelled_at_counter']);
    // A cancel with nothing open is stored and answered, and opens nothing.
    await bell.event(4, 'cancel');
    await bell.waitForAck({ seq: 4, state: 'received' });
    expect(await count(`select count(*) as n from incidents where bell_id = 'B-0901'`)).toBe(1);
  });

  it('a cancel after a person acknowledged is only a note', async () => {
    const bell = await t.bell('B-0302');
    const open = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302');
    await guard.post(`/api/v1/incidents/${open.data.id}/acknowledge`);
    await bell.event(11, 'cancel');
    await bell.waitForAck({ seq: 11, state: 'acknowledged' });
    const d = await guard.get(`/api/v1/incidents/${open.data.id}`);
    expect(d.body.status).toBe('acknowledged');
    expect(d.body.timeline.at(-1).kind).toBe('cancel_pressed_late');
  });

  it('heartbeats and the will message update the bell', async () => {
    const bell = await t.bell('B-0302');
    await bell.publish('heartbeat', JSON.stringify({ battery: 42, rssi: -61, fw: '1.4.2', uptime: 3600 }), { qos: 0 });
    const up = await stream.waitFor('bell.status', (b) => b.id === 'B-0302' && b.battery === 42);
    expect(up.data).toMatchObject({ online: true, siteId: 'site-a', counterId: 'welfare-1', adapter: 'native' });
    expect(up.data.lastSeenAt).not.toBeNull();
    await bell.publish('status', JSON.stringify({ online: false }), { retain: true });
    await stream.waitFor('bell.status', (b) => b.id === 'B-0302' && !b.online);
    const bells = await guard.get('/api/v1/bells');
    expect(bells.body.items.find((b: { id: string }) => b.id === 'B-0302')).toMatchObject({ online: false, battery: 42 });
    await bell.publish('status', '', { retain: true }); // clear the retained message on the shared broker
  });

  it('a keyed bell: a valid MAC opens an incident; a missing or bad MAC is a security alert and opens nothing', async () => {
    const bell = await t.bell('B-K1', KEY);
    await bell.event(5, 'press', { mac: '0'.repeat(64) });
    const bad = await stream.waitFor('security.alert', (a) => a.bellId === 'B-K1' && a.reason === 'bad_mac');
    expect(bad.data.siteId).toBe('site-a');
    const unsigned = await t.bell('B-K1');
    await unsigned.event(6, 'press');
    await stream.waitFor('security.alert', (a) => a.bellId === 'B-K1' && a.reason === 'missing_mac');
    await sleep(200);
    expect(bell.acks).toEqual([]);
    expect(await count(`select count(*) as n from incidents where bell_id = 'B-K1'`)).toBe(0);

    await bell.event(7, 'press');
    await bell.waitForAck({ seq: 7, state: 'received' });
    await stream.waitFor('incident.created', (i) => i.bellId === 'B-K1');
  });
});
