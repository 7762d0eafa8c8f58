/** The managers' board: open incidents with their escalation, and history with filters and response times (both databases). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagerHistory, ManagerOpenIncident } from '../../api/contract/managers.ts';
import { START_TIMEOUT_MS, expectError } from '../api/api-expect.ts';
import type { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

describe.each(['pglite', 'postgres'] as const)('the managers\' board (%s)', (db) => {
  let t: TestSystem;
  const as: Record<string, ApiClient> = {};
  let passport: string;
  let welfare: string;
  let startedAt: string;

  beforeAll(async () => {
    t = await startTestSystem({ db, broker: 'aedes' });
    for (const who of ['manager', 'guard', 'guardb', 'staff', 'admin1', 'legal']) as[who] = await t.login(who);
    startedAt = new Date(Date.now() - 1_000).toISOString();
    passport = (await as.staff!.post('/api/v1/incidents', { counterId: 'passport-3' })).body.id;
    welfare = (await as.staff!.post('/api/v1/incidents', { counterId: 'welfare-1' })).body.id;
    expect((await as.guard!.post(`/api/v1/incidents/${passport}/acknowledge`)).status).toBe(200);
    expect((await as.guard!.post(`/api/v1/incidents/${passport}/events`, { type: 'guard_on_scene' })).status).toBe(200);
    expect((await as.manager!.post(`/api/v1/incidents/${passport}/close`, { outcome: 'calmed down', classification: ['threat', 'verbal_abuse'] })).status).toBe(200);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('open incidents carry their escalation: the step, who was reached and who was not', async () => {
    const item = await waitFor(async () => {
      const r = await as.manager!.get<{ items: ManagerOpenIncident[] }>('/api/v1/managers/open');
      expect(r.status).toBe(200);
      const found = r.body.items.find((i) => i.id === welfare);
      return found && found.escalation.notReached.length > 0 ? found : undefined;
    }, 10_000, 'the open incident with its first alert');
    expect(item.counterName).toBe('Welfare counter 1');
    expect(item.escalation.currentStep).toBe('alert');
    expect(item.escalation.stepsTotal).toBeGreaterThan(1);
    // Without Twilio nothing is delivered: everyone the first alert tried is "not reached".
    expect(item.escalation.reached).toEqual([]);
    expect(item.escalation.notReached.map((r) => r.status)).toContain('not_configured');
    expect(item.escalation.notReached.some((r) => r.name === 'Kim Guard')).toBe(true);
    expect(item.responseTimes.fromPress.acknowledged).toBeNull();
    // The closed one is history, not open.
    const open = (await as.manager!.get<{ items: ManagerOpenIncident[] }>('/api/v1/managers/open')).body.items;
    expect(open.map((i) => i.id)).not.toContain(passport);
  });

  it('history filters by site, counter, kind, date and mode, with response times from the timeline', async () => {
    const get = async (q: string) => {
      const r = await as.manager!.get<ManagerHistory>(`/api/v1/managers/history${q}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body;
    };
    const all = await get('');
    expect(all.items.map((i) => i.id).sort()).toEqual([passport, welfare].sort());
    const done = all.items.find((i) => i.id === passport)!;
    expect(done.responseTimes.fromPress.acknowledged).not.toBeNull();
    expect(done.responseTimes.fromPress.onScene).not.toBeNull();
    expect(done.responseTimes.fromPress.closed).not.toBeNull();
    expect(done.responseTimes.fromPress.onScene!).toBeGreaterThanOrEqual(done.responseTimes.fromPress.acknowledged!);
    expect(done.responseTimes.acknowledgedToOnScene).not.toBeNull();
    expect(all.summary.acknowledged.count).toBe(1);
    expect(all.truncated).toBe(false);

    expect((await get('?kind=threat')).items.map((i) => i.id)).toEqual([passport]);
    expect((await get('?kind=assault')).items).toEqual([]);
    expect((await get('?counterId=welfare-1')).items.map((i) => i.id)).toEqual([welfare]);
    expect((await get('?siteId=site-a&status=open')).items.map((i) => i.id)).toEqual([welfare]);
    expect((await get('?mode=drill')).items).toEqual([]);
    expect((await get(`?from=${encodeURIComponent(startedAt)}`)).items).toHaveLength(2);
    expect((await get(`?to=${encodeURIComponent(startedAt)}`)).items).toHaveLength(0);
    const cut = await get('?limit=1');
    expect(cut.items).toHaveLength(1);
    expect(cut.truncated).toBe(true);
  });

  it('admins see every site; guards, staff and legal are refused; bad filters are named', async () => {
    expect((await as.admin1!.get<ManagerHistory>('/api/v1/managers/history')).body.items).toHaveLength(2);
    for (const who of ['guard', 'staff', 'legal', 'guardb']) {
      expectError(await as[who]!.get('/api/v1/managers/open'), 403, 'forbidden');
      expectError(await as[who]!.get('/api/v1/managers/history'), 403, 'forbidden');
    }
    expectError(await as.manager!.get('/api/v1/managers/history?siteId=site-b'), 403, 'forbidden');
    expectError(await as.manager!.get('/api/v1/managers/open?siteId=site-b'), 403, 'forbidden');
    expectError(await as.manager!.get('/api/v1/managers/history?kind=rudeness'), 400, 'invalid_request');
    expectError(await as.manager!.get('/api/v1/managers/history?from=yesterday'), 400, 'invalid_request');
    expectError(await as.manager!.get('/api/v1/managers/history?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z'), 400, 'invalid_request');
    expectError(await as.manager!.get('/api/v1/managers/history?limit=0'), 400, 'invalid_request');
    expectError(await as.manager!.get('/api/v1/managers/history?colour=red'), 400, 'invalid_request');
  });
});
