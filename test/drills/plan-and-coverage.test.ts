/** Planning drills: who may, what is refused, managers' own scenarios, and coverage (sites not drilled this half-year). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

describe('planning drills and coverage', () => {
  let t: TestSystem;
  let manager: ApiClient;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    manager = await t.login('manager');
    admin = await t.login('admin1');
  });
  afterAll(async () => {
    await t?.close();
  });

  // A week from now, whatever today is: coverage counts a drill as planned only while it lies ahead.
  const nextWeek = () => new Date(Date.now() + 7 * 86_400_000).toISOString();
  const body = (extra: Record<string, unknown> = {}) => ({
    siteId: 'site-a', counterId: 'passport-3', scenarioId: 'sexual-harassment', scheduledAt: nextWeek(), ...extra,
  });

  it('refuses those who may not plan, and bad plans, naming the problem', async () => {
    for (const who of ['guard', 'staff', 'legal']) {
      const c = await t.login(who);
      expect((await c.post('/api/v1/drills', body())).status, who).toBe(403);
      expect((await c.get('/api/v1/drills')).status, who).toBe(403);
      expect((await c.get('/api/v1/drills/coverage')).status, who).toBe(403);
    }
    // A manager of site-a plans nothing at site-b, and does not see its drills.
    expect((await manager.post('/api/v1/drills', body({ siteId: 'site-b', counterId: 'civil-1' }))).status).toBe(403);
    expect((await manager.get('/api/v1/drills?siteId=site-b')).status).toBe(403);
    expect((await manager.get('/api/v1/drills/trends?siteId=site-b')).status).toBe(403);
    const cases: [Record<string, unknown>, number, string][] = [
      [body({ counterId: 'nope' }), 422, 'unknown_counter'],
      [body({ scenarioId: 'no-such-scenario' }), 422, 'unknown_scenario'],
      [body({ participants: ['guard-b'] }), 422, 'unknown_participants'],
      [body({ scheduledAt: 'tomorrow' }), 400, 'invalid_request'],
      [body({ trigger: 'siren' }), 400, 'invalid_request'],
      [body({ extra: 1 }), 400, 'invalid_request'],
    ];
    for (const [b, status, code] of cases) {
      const r = await manager.post('/api/v1/drills', b);
      expect([r.status, r.body.error?.code], JSON.stringify(b)).toEqual([status, code]);
    }
    // site-b has no drill liaison: a joint police drill there would have nobody to reach.
    const joint = await admin.post('/api/v1/drills', body({ siteId: 'site-b', counterId: 'civil-1', jointPolice: true }));
    expect([joint.status, joint.body.error.code]).toEqual([422, 'no_drill_liaison']);
  });

  it('offers the site\'s people by name, and refuses an unknown participant beside its own entry', async () => {
    const people = await manager.get('/api/v1/drills/people?siteId=site-a');
    expect(people.status).toBe(200);
    const ids = people.body.items.map((p: { id: string }) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['guard-a', 'guard-a2', 'manager-a']));
    expect(ids).not.toContain('guard-b');
    expect(people.body.items.find((p: { id: string }) => p.id === 'guard-a')).toEqual({ id: 'guard-a', name: 'Kim Guard', roles: ['guard'] });
    expect((await manager.get('/api/v1/drills/people?siteId=site-b')).status).toBe(403);
    expect((await (await t.login('guard')).get('/api/v1/drills/people?siteId=site-a')).status).toBe(403);

    const r = await manager.post('/api/v1/drills', body({ participants: ['guard-a', 'guard-b', 'nobody'] }));
    expect(r.status).toBe(422);
    expect(r.body.error).toMatchObject({ code: 'unknown_participants', params: { ids: 'guard-b, nobody' } });
    expect(r.body.error.details).toEqual([
      { path: 'participants.1', code: 'unknown_person', params: { id: 'guard-b' }, message: expect.any(String) },
      { path: 'participants.2', code: 'unknown_person', params: { id: 'nobody' }, message: expect.any(String) },
    ]);
    // A malformed field is named by its path with a code the console says in Korean.
    const bad = await manager.post('/api/v1/drills', body({ scheduledAt: 'tomorrow', trigger: 'siren' }));
    expect(bad.body.error.details.map((d: { path: string; code: string }) => [d.path, d.code])).toEqual([['scheduledAt', 'bad_format'], ['trigger', 'not_one_of']]);
  });

  it('lets managers write scenarios of their own, validated, never over a built-in one', async () => {
    const mine = {
      id: 'queue-dispute', title: { ko: '대기 순번 다툼', en: 'Queue dispute' }, script: [{ ko: '민원인이 순번에 항의한다.', en: 'A complainant protests the queue.' }],
      classification: ['obstruction_of_duty'], violence: false, steps: [{ milestone: 'acknowledged', targetSeconds: 20 }, { milestone: 'on_scene', targetSeconds: 120 }],
    };
    expect((await manager.post('/api/v1/drills/scenarios', mine)).status).toBe(201);
    expect((await manager.post('/api/v1/drills/scenarios', { ...mine, id: 'divorce-application-assault' })).status).toBe(409);
    const twice = await manager.post('/api/v1/drills/scenarios', { ...mine, id: 'bad-one', steps: [mine.steps[0], mine.steps[0]] });
    expect(twice.status).toBe(400);
    expect((await (await t.login('guard')).post('/api/v1/drills/scenarios', mine)).status).toBe(403);
    const list = await manager.get('/api/v1/drills/scenarios');
    const ids = list.body.items.map((s: { id: string }) => s.id);
    expect(ids).toEqual(expect.arrayContaining(['divorce-application-assault', 'verbal-abuse-threat', 'queue-dispute']));
    expect(ids).not.toContain('bad-one');
    const planned = await manager.post('/api/v1/drills', body({ scenarioId: 'queue-dispute' }));
    expect(planned.status).toBe(201);
    expect(planned.body.scenarioTitle.en).toBe('Queue dispute');
  });

  it('shows which sites have not drilled this half-year, until a drill is completed there', async () => {
    const before = await admin.get('/api/v1/drills/coverage');
    expect(before.status).toBe(200);
    expect(before.body.uncovered).toEqual(['site-a', 'site-b']);
    // A planned drill does not cover a site; a manager sees only their own sites.
    expect(before.body.items.find((i: { siteId: string }) => i.siteId === 'site-a').scheduled).toBeGreaterThan(0);
    const mine = await manager.get('/api/v1/drills/coverage');
    expect(mine.body.items.map((i: { siteId: string }) => i.siteId)).toEqual(['site-a']);

    const planned = await manager.post('/api/v1/drills', body({ scheduledAt: new Date().toISOString() }));
    expect((await manager.post(`/api/v1/drills/${planned.body.id}/start`)).status).toBe(200);
    // Running is not done yet.
    expect((await admin.get('/api/v1/drills/coverage')).body.uncovered).toContain('site-a');
    expect((await manager.post(`/api/v1/drills/${planned.body.id}/start`)).status).toBe(409);
    expect((await manager.post(`/api/v1/drills/${planned.body.id}/end`)).status).toBe(200);
    expect((await manager.post(`/api/v1/drills/${planned.body.id}/end`)).status).toBe(409);
    const after = await admin.get('/api/v1/drills/coverage');
    expect(after.body.uncovered).toEqual(['site-b']);
    expect(after.body.items.find((i: { siteId: string }) => i.siteId === 'site-a')).toMatchObject({ covered: true, drillsThisHalf: 1 });
    // Not pressed by anyone yet acknowledged: the drill ended unacknowledged and its incident was cancelled.
    const report = await manager.get(`/api/v1/drills/${planned.body.id}/report`);
    expect(report.body.incident.status).toBe('cancelled');
    expect(report.body.facts.score.missed).toContain('acknowledged');
  });
});
