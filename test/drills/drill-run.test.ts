/**
 * A whole drill, end to end: planned by a manager, its virtual bell pressed through the real broker and gateway,
 * escalation in drill mode (a joint police drill reaching only the liaison number), the response recorded by API
 * on the guard's console, the end (no drill incident left open, none counted as live), scoring and the report.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { LIAISON, POLICE } from '../support/fixtures.ts';
import { MATRIX } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { pdfText } from '../support/pdf-text.ts';
import { FAST_POLICY, PHONES, smsTo, startWithTwilio } from '../escalation/support.ts';

describe.each(MATRIX)('a drill run on $db with $broker', ({ db, broker }) => {
  let ctx: Awaited<ReturnType<typeof startWithTwilio>>;
  let manager: ApiClient;
  let guard: ApiClient;
  let guardStream: StreamClient;

  beforeAll(async () => {
    ctx = await startWithTwilio({ db, broker, policy: FAST_POLICY });
    manager = await ctx.t.login('manager');
    guard = await ctx.t.login('guard');
    guardStream = await guard.stream();
  });
  afterAll(async () => {
    // Drill isolation, from the drill side: whatever happened here, the live police number never heard a word.
    expect(ctx?.fake.requests.filter((r) => r.to === POLICE)).toEqual([]);
    guardStream?.ws.close();
    await ctx?.close();
  });

  it('runs the divorce-application assault as a joint police drill and scores it from the timeline', async () => {
    const { fake, t } = ctx;
    const planned = await manager.post('/api/v1/drills', {
      siteId: 'site-a', counterId: 'passport-3', scenarioId: 'divorce-application-assault', scheduledAt: new Date().toISOString(),
      participants: ['guard-a', 'manager-a', 'guard-a2'], announced: false, jointPolice: true,
    });
    expect(planned.status).toBe(201);
    expect(planned.body).toMatchObject({ status: 'scheduled', jointPolice: true, announced: false, trigger: 'virtual_bell' });

    const since = fake.requests.length;
    const started = await manager.post(`/api/v1/drills/${planned.body.id}/start`);
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('running');
    const incidentId: string = started.body.incidentId;
    expect(incidentId).toMatch(/^inc_/);
    expect(started.body.virtualBellId).toMatch(/^DRILL-/);

    // The guard's console rang, plainly as a drill; the incident came through the bell path (a hold: violence).
    const created = await waitFor(() => guardStream.messages.find((m) => m.type === 'incident.created' && m.data.id === incidentId), 5_000, 'the drill on the guard console');
    expect(created.data).toMatchObject({ mode: 'drill', source: 'drill', severity: 'critical', siteId: 'site-a', counterId: 'passport-3' });
    const detail = await guard.get(`/api/v1/incidents/${incidentId}`);
    expect(detail.body.timeline[0]).toMatchObject({ kind: 'long_press' });

    // Drill escalation: guards and manager by SMS marked as a drill; the police step only to the liaison.
    await waitFor(() => smsTo(fake.requests.slice(since), PHONES.guardA).length > 0 && smsTo(fake.requests.slice(since), LIAISON).length > 0, 5_000, 'guard and liaison SMS');
    for (const r of fake.requests.slice(since).filter((x) => x.kind === 'sms')) expect(r.body).toContain('[훈련/DRILL]');

    // The response, by API from the guard's and manager's consoles.
    expect((await guard.post(`/api/v1/incidents/${incidentId}/acknowledge`)).status).toBe(200);
    for (const type of ['guard_on_scene', 'victim_separated', 'protective_equipment_used', 'police_called', 'police_arrived', 'police_handover']) {
      const r = await guard.post(`/api/v1/incidents/${incidentId}/events`, { type });
      expect(r.status, `${type}: ${JSON.stringify(r.body)}`).toBe(200);
    }
    // The drill incident is never listed as live, while it runs or after.
    const live = await manager.get('/api/v1/incidents?status=all&mode=live');
    expect(live.body.items.map((i: { id: string }) => i.id)).not.toContain(incidentId);

    const running = await manager.get(`/api/v1/drills/${planned.body.id}`);
    expect(running.body.final).toBe(false);
    expect(running.body.facts.score.missed).toEqual([]);

    const ended = await manager.post(`/api/v1/drills/${planned.body.id}/end`);
    expect(ended.status).toBe(200);
    expect(ended.body.status).toBe('completed');
    // No drill incident stays open: the end closed it with the scenario's classification.
    const closed = await manager.get(`/api/v1/incidents/${incidentId}`);
    expect(closed.body).toMatchObject({ status: 'closed', mode: 'drill', classification: ['assault'] });
    // Statistics leave drills out: the live count has no incident, the drill count has this one.
    const liveStats = await manager.get('/api/v1/statistics?mode=live');
    expect(liveStats.status).toBe(200);
    expect(liveStats.body.statistics.total).toBe(0);
    expect((await manager.get('/api/v1/statistics?mode=drill')).body.statistics.total).toBe(1);
    const open = await manager.get('/api/v1/incidents?status=open');
    expect(open.body.items.filter((i: { mode: string }) => i.mode === 'drill')).toEqual([]);

    const report = await manager.get(`/api/v1/drills/${planned.body.id}/report`);
    expect(report.status).toBe(200);
    const facts = report.body.facts;
    expect(report.body.final).toBe(true);
    expect(facts.score.passed).toBe(true);
    expect(facts.score.missed).toEqual([]);
    for (const step of facts.score.steps) expect(step.atSeconds, step.milestone).not.toBeNull();
    expect(facts.policeLeaks).toEqual([]);
    expect(facts.liaison.map((l: { to: string }) => l.to)).toContain(LIAISON);
    expect(facts.score.delivery.total).toBeGreaterThan(0);
    // guard-a and manager-a were texted; every participant is either reached or not, by name in the report.
    expect([...facts.score.reached, ...facts.score.notReached].sort()).toEqual(['guard-a', 'guard-a2', 'manager-a']);
    expect(report.body.names['guard-a']).toBe('Kim Guard');

    const pdf = await fetch(`${t.url}/api/v1/drills/${planned.body.id}/report.pdf`, { headers: { authorization: `Bearer ${manager.token}` } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    // The drill incident by the reference a person can say (drills count apart: D), in the report and its PDF.
    expect(report.body.incident.reference).toMatch(/^\d{4}-D\d{4}$/);
    expect(await pdfText(bytes)).toContain(report.body.incident.reference);

    // The drill's bell is gone: a press on it now is refused as an unknown bell, never an incident.
    const bells = await manager.get('/api/v1/bells');
    expect(bells.body.items.map((b: { id: string }) => b.id)).not.toContain(started.body.virtualBellId);
    const ghost = await t.bell(started.body.virtualBellId);
    await ghost.event(99, 'press');
    await new Promise((r) => setTimeout(r, 500));
    const after = await manager.get('/api/v1/incidents?status=open');
    expect(after.body.items).toEqual([]);

    const trends = await manager.get('/api/v1/drills/trends?siteId=site-a');
    expect(trends.body.items.at(-1)).toMatchObject({ drillId: planned.body.id, passed: true });
    expect(typeof trends.body.items.at(-1).steps.acknowledged).toBe('number');
  });
});
