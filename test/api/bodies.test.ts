import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { START_TIMEOUT_MS, expectError } from './api-expect.ts';

// The second half of the test matrix (PostgreSQL + Mosquitto); the other API files run on PGlite + aedes.
describe('HTTP API: bad bodies, bad queries and refused transitions', () => {
  let t: TestSystem;
  let staff: ApiClient;
  let guard: ApiClient;
  let manager: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({ db: 'postgres', broker: 'mosquitto' });
    [staff, guard, manager] = await Promise.all([t.login('staff'), t.login('guard'), t.login('manager')]);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const raise = async () => {
    const r = await staff.post('/api/v1/incidents', { counterId: 'passport-3' });
    expect(r.status).toBe(201);
    return r.body.id as string;
  };

  /** The timeline's kinds, without the escalation engine's entries (those follow the clock, not the requests). */
  const kinds = async (id: string) =>
    ((await guard.get(`/api/v1/incidents/${id}`)).body.timeline as { kind: string }[]).map((e) => e.kind).filter((k) => !k.startsWith('escalation_'));

  it('POST /incidents: unknown counters are 422 unknown_counter; wrong types and extra keys are 400 invalid_request', async () => {
    expectError(await staff.post('/api/v1/incidents', { counterId: 'no-such-counter' }), 422, 'unknown_counter');
    const wrongSite = expectError(await staff.post('/api/v1/incidents', { counterId: 'civil-1', siteId: 'site-a' }), 422, 'unknown_counter');
    expect(wrongSite.message).toMatch(/civil-1/);

    const bad: unknown[] = [
      {},
      { counterId: 301 },
      { counterId: null },
      { counterId: 'passport 3' },
      { counterId: 'x'.repeat(65) },
      { counterId: 'passport-3', violence: 'yes' },
      { counterId: 'passport-3', siteId: ['site-a'] },
      { counterId: 'passport-3', note: '   ' },
      { counterId: 'passport-3', note: 'x'.repeat(2001) },
      { counterId: 'passport-3', priority: 'urgent' },
      ['passport-3'],
      'passport-3',
    ];
    for (const body of bad) {
      const e = expectError(await staff.request('POST', '/api/v1/incidents', JSON.stringify(body)), 400, 'invalid_request');
      expect(e.message, JSON.stringify(body)).toMatch(/^invalid body: /);
    }
    const extra = expectError(await staff.post('/api/v1/incidents', { counterId: 'passport-3', priority: 'urgent' }), 400, 'invalid_request');
    expect(extra.message).toMatch(/priority/);
    expectError(await staff.request('POST', '/api/v1/incidents', '{"counterId": "passport-3",}'), 400, 'malformed_json');
    expectError(await staff.post('/api/v1/incidents', { counterId: 'passport-3', note: 'x'.repeat(70 * 1024) }), 413, 'payload_too_large');
    // Nothing above opened an incident.
    expect((await staff.get('/api/v1/incidents')).body.items).toEqual([]);
  });

  it('POST /incidents/{id}/events: unknown types, extra keys and empty notes are 400', async () => {
    const id = await raise();
    const url = `/api/v1/incidents/${id}/events`;
    const unknown = expectError(await guard.post(url, { type: 'teleported' }), 400, 'invalid_request');
    expect(unknown.message).toMatch(/type/);
    expectError(await guard.post(url, {}), 400, 'invalid_request');
    expectError(await guard.post(url, { type: 7 }), 400, 'invalid_request');
    expectError(await guard.post(url, { type: 'police_called', by: 'someone-else' }), 400, 'invalid_request');
    expectError(await guard.post(url, { type: 'police_called', data: { nested: { no: 1 } } }), 400, 'invalid_request');
    expectError(await guard.post(url, { type: 'note' }), 400, 'invalid_request');
    expectError(await guard.post(url, { type: 'note', note: '  ' }), 400, 'invalid_request');
    const ok = await guard.post(url, { type: 'police_called', note: 'called 112', data: { caseNo: 'A-17' } });
    expect(ok.status).toBe(200);
    expect(await kinds(id)).toEqual(['console_alarm', 'police_called']);
  });

  it('close needs an outcome and known classifications; cancel needs a reason', async () => {
    const id = await raise();
    expect((await guard.post(`/api/v1/incidents/${id}/acknowledge`)).status).toBe(200);
    const url = `/api/v1/incidents/${id}/close`;
    const none = expectError(await manager.post(url, { outcome: 'left' }), 400, 'invalid_request');
    expect(none.message).toMatch(/classification/);
    expectError(await manager.post(url, { outcome: 'left', classification: [] }), 400, 'invalid_request');
    const unknown = expectError(await manager.post(url, { outcome: 'left', classification: ['rudeness'] }), 400, 'invalid_request');
    expect(unknown.message).toMatch(/classification/);
    expectError(await manager.post(url, { outcome: 'left', classification: 'threat' }), 400, 'invalid_request');
    expectError(await manager.post(url, { classification: ['threat'] }), 400, 'invalid_request');
    expectError(await manager.post(url, { outcome: '', classification: ['threat'] }), 400, 'invalid_request');
    expectError(await manager.post(url, { outcome: 'left', classification: ['threat'], closedAt: '2020-01-01' }), 400, 'invalid_request');
    expect((await guard.get(`/api/v1/incidents/${id}`)).body.status).toBe('acknowledged');

    const other = await raise();
    expectError(await manager.post(`/api/v1/incidents/${other}/cancel`, {}), 400, 'invalid_request');
    expectError(await manager.post(`/api/v1/incidents/${other}/cancel`, { reason: ' ' }), 400, 'invalid_request');
    expect((await guard.get(`/api/v1/incidents/${other}`)).body.status).toBe('triggered');
  });

  it('refused transitions are 409 with the domain code', async () => {
    const id = await raise();
    const close = { outcome: 'resolved at the counter', classification: ['threat', 'defamation'] };
    expectError(await manager.post(`/api/v1/incidents/${id}/close`, close), 409, 'invalid_transition');
    expectError(await manager.post(`/api/v1/incidents/${id}/reopen`, { reason: 'not closed' }), 409, 'invalid_transition');
    expect((await guard.post(`/api/v1/incidents/${id}/acknowledge`)).status).toBe(200);
    expectError(await guard.post(`/api/v1/incidents/${id}/acknowledge`), 409, 'already_acknowledged');
    expectError(await manager.post(`/api/v1/incidents/${id}/acknowledge`), 409, 'already_acknowledged');
    expectError(await manager.post(`/api/v1/incidents/${id}/cancel`, { reason: 'too late' }), 409, 'invalid_transition');
    expect((await guard.post(`/api/v1/incidents/${id}/events`, { type: 'guard_on_scene' })).status).toBe(200);
    expectError(await guard.post(`/api/v1/incidents/${id}/events`, { type: 'responding' }), 409, 'invalid_transition');

    const closed = await manager.post(`/api/v1/incidents/${id}/close`, close);
    expect(closed.status).toBe(200);
    expect(closed.body.classification).toEqual(['threat', 'defamation']);
    for (const type of ['police_arrived', 'guard_on_scene', 'contained', 'victim_separated']) {
      expectError(await guard.post(`/api/v1/incidents/${id}/events`, { type }), 409, 'incident_closed');
    }
    expectError(await guard.post(`/api/v1/incidents/${id}/acknowledge`), 409, 'incident_closed');
    expectError(await manager.post(`/api/v1/incidents/${id}/close`, close), 409, 'incident_closed');
    expect(await kinds(id)).toEqual(['console_alarm', 'acknowledged', 'on_scene', 'closed']);
    // A note is the one thing still recorded after closing (the domain's transition table allows it).
    const note = await guard.post(`/api/v1/incidents/${id}/events`, { type: 'note', note: 'visitor came back to apologise' });
    expect(note.status).toBe(200);
    expect(note.body.status).toBe('closed');
    expect((await kinds(id)).at(-1)).toBe('note');
  });

  it('GET /incidents validates its query; status filters', async () => {
    for (const q of ['status=bogus', 'mode=practice', 'limit=0', 'limit=abc', 'status=open&status=closed']) {
      const e = expectError(await guard.get(`/api/v1/incidents?${q}`), 400, 'invalid_request');
      expect(e.message, q).toMatch(/^invalid query: /);
    }
    const open = await raise();
    const done = await raise();
    await manager.post(`/api/v1/incidents/${done}/cancel`, { reason: 'test of the filter' });
    const list = async (q: string) => ((await guard.get(`/api/v1/incidents?${q}`)).body.items as { id: string }[]).map((i) => i.id);
    expect(await list('status=open')).toContain(open);
    expect(await list('status=open')).not.toContain(done);
    expect(await list('status=closed')).toContain(done);
    expect(await list('status=closed')).not.toContain(open);
    expect(await list('status=all&mode=live')).toEqual(expect.arrayContaining([open, done]));
    expect(await list('mode=drill')).toEqual([]);
    expect((await list('limit=1')).length).toBe(1);
  });

  it('unknown routes and unknown incidents are 404 JSON', async () => {
    expectError(await guard.get('/api/v1/incidents/does-not-exist'), 404, 'not_found');
    expectError(await guard.post('/api/v1/incidents/does-not-exist/acknowledge'), 404, 'not_found');
    expectError(await guard.post('/api/v1/incidents/does-not-exist/events', { type: 'note', note: 'x' }), 404, 'not_found');
    // Longer than any id may be (PROTOCOL.md: 1–64 characters): malformed, so 400 rather than "not found".
    expectError(await guard.get(`/api/v1/incidents/${'x'.repeat(300)}`), 400, 'invalid_id');
    for (const [method, path] of [['GET', '/api/v1/nope'], ['GET', '/api/v1'], ['DELETE', '/api/v1/incidents'], ['POST', '/api/v1/incidents/x/explode'], ['GET', '/api/v2/incidents']]) {
      const r = await guard.request(method!, path!);
      const e = expectError(r, 404, 'not_found');
      expect(e.message).toContain(method!);
    }
    // Anonymous callers get the same 404 for a route that does not exist.
    expectError(await new ApiClient(t.url).get('/api/v1/nope'), 404, 'not_found');
  });
});
