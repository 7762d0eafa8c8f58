/**
 * A live alarm during a drill always wins: it is live on every console and escalates as live (police included),
 * the drill is paused with its escalation held, and the pause is taken out of the drill's times. A real-bell drill
 * takes only the first short press of the drilled counter: a second press, or a hold, is live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../api/store/index.ts';
import { eq } from 'drizzle-orm';
import type { ApiClient } from '../support/http.ts';
import { LIAISON, POLICE } from '../support/fixtures.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { PHONES, smsTo, startWithTwilio } from '../escalation/support.ts';
import type { EscalationPolicy } from '../../api/domain/index.ts';

/** Steps a few seconds apart, so a paused drill visibly holds them. */
const POLICY: EscalationPolicy = {
  steps: [
    { id: 'alert', when: { kind: 'immediate' }, recipients: ['guards_on_duty', 'counter_manager'], channels: ['console', 'sms'] },
    { id: 'violence_police', when: { kind: 'violence' }, recipients: ['police'], channels: ['sms'] },
    { id: 'unack_3s', when: { kind: 'unacknowledged', afterSeconds: 3 }, recipients: ['police', 'site_managers'], channels: ['sms'] },
  ],
};

describe('live wins over a running drill', () => {
  let ctx: Awaited<ReturnType<typeof startWithTwilio>>;
  let manager: ApiClient;
  let guard: ApiClient;

  beforeAll(async () => {
    ctx = await startWithTwilio({ db: 'pglite', broker: 'aedes', policy: POLICY });
    manager = await ctx.t.login('manager');
    guard = await ctx.t.login('guard');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const plan = async (body: Record<string, unknown>) => {
    const r = await manager.post('/api/v1/drills', {
      siteId: 'site-a', counterId: 'passport-3', scenarioId: 'verbal-abuse-threat', scheduledAt: new Date().toISOString(), ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as string;
  };

  it('pauses the drill for a live press at the site, holds its escalation, and times it without the pause', async () => {
    const { fake, t } = ctx;
    const drillId = await plan({ participants: ['guard-a'] });
    const started = await manager.post(`/api/v1/drills/${drillId}/start`);
    expect(started.body.status).toBe('running');
    const drillIncident: string = started.body.incidentId;
    await waitFor(() => smsTo(fake.requests, PHONES.guardA).length > 0, 5_000, 'the drill alert');

    // A real emergency at another counter of the same site, on a real bell.
    const bell = await t.bell('B-0302');
    await bell.event(1, 'press');
    const ack = await bell.waitForAck({ seq: 1, state: 'received' });
    const live = await guard.get(`/api/v1/incidents/${ack.incident}`);
    expect(live.body).toMatchObject({ mode: 'live', source: 'bell' });
    const paused = await waitFor(async () => {
      const d = await manager.get(`/api/v1/drills/${drillId}`);
      return d.body.drill.status === 'paused' ? d.body : null;
    }, 5_000, 'the drill paused');
    expect(paused.drill.pauses).toEqual([expect.objectContaining({ liveIncidentId: ack.incident, to: null })]);
    // The drill's unacknowledged step is held while the live one escalates to the real police number.
    const held = await t.system.database.db.select().from(schema.escalationSteps).where(eq(schema.escalationSteps.incidentId, drillIncident));
    expect(held.find((s) => s.stepId === 'unack_3s')?.status).toBe('held');
    await waitFor(() => smsTo(fake.requests, POLICE).length > 0, 8_000, 'the live alarm reaching the police');
    await sleep(500);
    const drillRows = await t.system.database.db.select().from(schema.notifications).where(eq(schema.notifications.incidentId, drillIncident));
    expect(drillRows.filter((n) => n.stepId === 'unack_3s')).toEqual([]);
    expect(drillRows.every((n) => !n.isPolice)).toBe(true);

    // Resuming is refused while the live alarm is open.
    const early = await manager.post(`/api/v1/drills/${drillId}/resume`);
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('live_incident_open');
    expect((await guard.post(`/api/v1/incidents/${ack.incident}/acknowledge`)).status).toBe(200);
    expect((await manager.post(`/api/v1/incidents/${ack.incident}/close`, { outcome: 'handled', classification: ['threat'] })).status).toBe(200);

    const resumed = await manager.post(`/api/v1/drills/${drillId}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('running');
    // The step that came due during the pause is skipped, not fired late at guards who were at a real alarm.
    const after = await t.system.database.db.select().from(schema.escalationSteps).where(eq(schema.escalationSteps.incidentId, drillIncident));
    expect(after.find((s) => s.stepId === 'unack_3s')).toMatchObject({ status: 'skipped' });

    expect((await guard.post(`/api/v1/incidents/${drillIncident}/acknowledge`)).status).toBe(200);
    const ended = await manager.post(`/api/v1/drills/${drillId}/end`);
    expect(ended.body.status).toBe('completed');
    const report = await manager.get(`/api/v1/drills/${drillId}/report`);
    expect(report.body.facts.pausedSeconds).toBeGreaterThanOrEqual(1);
    // Acknowledged after the pause: its time from the press is shorter than the wall-clock time by the pause.
    const ackStep = report.body.facts.score.steps.find((s: { milestone: string }) => s.milestone === 'acknowledged');
    const incident = await manager.get(`/api/v1/incidents/${drillIncident}`);
    const wall = (Date.parse(incident.body.acknowledgedAt) - Date.parse(incident.body.openedAt)) / 1000;
    expect(ackStep.atSeconds).toBeLessThan(wall - report.body.facts.pausedSeconds + 1);
    expect(incident.body.timeline.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['drill_paused', 'drill_resumed']));
    // The live alarm counted as live; the drill did not.
    const liveList = await manager.get('/api/v1/incidents?status=all&mode=live');
    const ids = liveList.body.items.map((i: { id: string }) => i.id);
    expect(ids).toContain(ack.incident);
    expect(ids).not.toContain(drillIncident);
    expect(fake.requests.filter((r) => r.to === LIAISON)).toEqual([]);
  });

  it('a drill cannot start while a live incident is open at the site', async () => {
    const bell = await ctx.t.bell('B-0301');
    await bell.event(1, 'press');
    const ack = await bell.waitForAck({ seq: 1, state: 'received' });
    const drillId = await plan({});
    const r = await manager.post(`/api/v1/drills/${drillId}/start`);
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('live_incident_open');
    await guard.post(`/api/v1/incidents/${ack.incident}/acknowledge`);
    await manager.post(`/api/v1/incidents/${ack.incident}/close`, { outcome: 'false alarm', classification: ['other'] });
    expect((await manager.post(`/api/v1/drills/${drillId}/cancel`)).body.status).toBe('cancelled');
  });

  it('a real-bell drill takes the first short press only: a second press at the counter is live and pauses the drill', async () => {
    const drillId = await plan({ trigger: 'real_bell' });
    const started = await manager.post(`/api/v1/drills/${drillId}/start`);
    expect(started.body).toMatchObject({ status: 'running', incidentId: null, virtualBellId: null });
    expect(started.body.armedUntil).not.toBeNull();
    const bell = await ctx.t.bell('B-0301');
    await bell.event(2, 'press');
    const first = await bell.waitForAck({ seq: 2, state: 'received' });
    const drillIncident = await guard.get(`/api/v1/incidents/${first.incident}`);
    expect(drillIncident.body).toMatchObject({ mode: 'drill', source: 'bell', counterId: 'passport-3' });
    await waitFor(async () => (await manager.get(`/api/v1/drills/${drillId}`)).body.drill.incidentId === first.incident, 3_000, 'the drill linked to its incident');

    // The same bell again: a real emergency is never swallowed by the drill.
    await bell.event(3, 'press');
    const second = await bell.waitForAck({ seq: 3, state: 'received' });
    expect(second.incident).not.toBe(first.incident);
    expect((await guard.get(`/api/v1/incidents/${second.incident}`)).body).toMatchObject({ mode: 'live' });
    await waitFor(async () => (await manager.get(`/api/v1/drills/${drillId}`)).body.drill.status === 'paused', 5_000, 'the drill paused');

    await manager.post(`/api/v1/drills/${drillId}/end`);
    // Ended unacknowledged: the drill incident is cancelled, never left open; the live one is untouched.
    expect((await manager.get(`/api/v1/incidents/${first.incident}`)).body.status).toBe('cancelled');
    expect((await manager.get(`/api/v1/incidents/${second.incident}`)).body.status).toBe('triggered');
    const report = await manager.get(`/api/v1/drills/${drillId}/report`);
    expect(report.body.facts.score.missed).toContain('acknowledged');
    expect(report.body.facts.score.passed).toBe(false);
    await guard.post(`/api/v1/incidents/${second.incident}/acknowledge`);
    await manager.post(`/api/v1/incidents/${second.incident}/close`, { outcome: 'handled', classification: ['threat'] });
  });

  it('a hold on the armed counter is live, and so is any press after the drill ended', async () => {
    const drillId = await plan({ trigger: 'real_bell' });
    await manager.post(`/api/v1/drills/${drillId}/start`);
    const bell = await ctx.t.bell('B-0301');
    await bell.event(10, 'long_press');
    const hold = await bell.waitForAck({ seq: 10, state: 'received' });
    expect((await guard.get(`/api/v1/incidents/${hold.incident}`)).body).toMatchObject({ mode: 'live', severity: 'critical' });
    await guard.post(`/api/v1/incidents/${hold.incident}/acknowledge`);
    await manager.post(`/api/v1/incidents/${hold.incident}/close`, { outcome: 'handled', classification: ['assault'] });
    await waitFor(async () => (await manager.get(`/api/v1/drills/${drillId}`)).body.drill.status === 'paused', 5_000, 'the drill paused');
    await manager.post(`/api/v1/drills/${drillId}/end`);
    await bell.event(11, 'press');
    const later = await bell.waitForAck({ seq: 11, state: 'received' });
    expect((await guard.get(`/api/v1/incidents/${later.incident}`)).body).toMatchObject({ mode: 'live' });
    await guard.post(`/api/v1/incidents/${later.incident}/acknowledge`);
    await manager.post(`/api/v1/incidents/${later.incident}/close`, { outcome: 'handled', classification: ['other'] });
  });
});
