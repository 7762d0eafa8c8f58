/**
 * People and sessions on a running system: login throttling and hash upgrade, sessions that end closing their
 * live streams, administration changes in the audit log, no self-granted secrets, and the smaller leaks.
 */
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { auditTrail, verifyAuditLog } from '../../api/audit/audit-log.ts';
import { costOf } from '../../api/auth/passwords.ts';
import { sessionIdOf } from '../../api/auth/sessions.ts';
import { CLOSE_RIGHTS_CHANGED, CLOSE_SESSION_ENDED } from '../../api/http/stream.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { schema } from '../../api/store/index.ts';
import { START_TIMEOUT_MS, expectError } from '../api/api-expect.ts';
import { PASSWORD, testHasher, testProvisioning } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const WAIT_MS = 15_000;

/** A stream opened with a Bearer header, resolving its close code. */
async function openStream(url: string, token: string): Promise<{ closed: Promise<number>; ws: WebSocket }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/api/v1/stream`, { headers: { authorization: `Bearer ${token}` } });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { closed, ws };
}

const within = <T>(p: Promise<T>, ms = WAIT_MS) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms))]);

describe('people and sessions', () => {
  let t: TestSystem;
  let admin: ApiClient;
  const person = (id: string) => testProvisioning().people.find((p) => p.id === id)!;

  beforeAll(async () => {
    // Above the fixtures' cost, so a login shows the upgrade.
    t = await startTestSystem({ db: 'pglite', broker: 'aedes', env: { PASSWORD_HASH_COST: '15' } });
    const doc = testProvisioning();
    doc.people.push({ id: 'staff-b1', name: 'Staff of B', roles: ['staff'], siteIds: ['site-b'], language: 'ko', phone: '+821000000099' });
    await applyProvisioning(t.system.database.db, doc, { hasher: testHasher });
    admin = await t.login('admin1');
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('throttles a username after 5 failures: 429 with Retry-After, even for the right password', async () => {
    const anon = new ApiClient(t.url);
    for (let i = 0; i < 5; i++) expectError(await anon.post('/api/v1/auth/login', { username: 'guard2', password: `wrong-${i}` }), 401, 'invalid_credentials');
    const res = await fetch(`${t.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'guard2', password: PASSWORD }) });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await res.json()).error.code).toBe('login_throttled');
    // Another person is not held up by it.
    expect((await anon.post('/api/v1/auth/login', { username: 'manager', password: PASSWORD })).status).toBe(200);
  });

  it('upgrades a password hash made at a lower cost on the next login', async () => {
    const row = async () => (await t.system.database.db.select().from(schema.people).where(eq(schema.people.id, 'manager-a2')))[0]!;
    expect(costOf((await row()).passwordHash)!.N).toBe(2 ** 14);
    await t.login('manager2');
    expect(costOf((await row()).passwordHash)!.N).toBe(2 ** 15);
    await t.login('manager2');
  });

  it('logout closes the streams of that session, not of another session of the same person', async () => {
    const one = await t.login('guard');
    const two = await t.login('guard');
    const s1 = await openStream(t.url, one.token!);
    const s2 = await openStream(t.url, two.token!);
    expect((await one.post('/api/v1/auth/logout')).status).toBe(204);
    expect(await within(s1.closed)).toBe(CLOSE_SESSION_ENDED);
    expect(s2.ws.readyState).toBe(WebSocket.OPEN);
    s2.ws.close();
  });

  it('deactivation closes every stream of the person at once; the token is refused', async () => {
    const guard = await t.login('guard');
    const s = await openStream(t.url, guard.token!);
    expect((await admin.request('PUT', '/api/v1/admin/people/guard-a/active', { active: false })).status).toBe(200);
    expect(await within(s.closed)).toBe(CLOSE_SESSION_ENDED);
    expectError(await guard.get('/api/v1/me'), 401, 'unauthorized');
    expect((await admin.request('PUT', '/api/v1/admin/people/guard-a/active', { active: true })).status).toBe(200);
    const trail = await auditTrail(t.system.database.db, 'person', 'guard-a');
    expect(trail[0]).toMatchObject({ actorId: 'system', action: 'create', detail: { now: { roles: ['guard'], siteIds: ['site-a'] } } });
    expect(trail.slice(-2).map((r) => [r.actorId, r.detail])).toEqual([
      ['admin-1', { via: 'admin', fields: ['active'], now: { active: false } }],
      ['admin-1', { via: 'admin', fields: ['active'], now: { active: true } }],
    ]);
  });

  it('a password change ends the old sessions and their streams; it is audited without the password', async () => {
    const staff2 = await t.login('staff2');
    const s = await openStream(t.url, staff2.token!);
    const { password: _old, ...rest } = person('staff-a2');
    const r = await admin.request('PUT', '/api/v1/admin/people/staff-a2', { ...rest, password: 'a-new-password-2' });
    expect(r.status).toBe(200);
    expect(await within(s.closed)).toBe(CLOSE_SESSION_ENDED);
    expectError(await staff2.get('/api/v1/me'), 401, 'unauthorized');
    expect((await ApiClient.login(t.url, 'staff2', 'a-new-password-2').then((c) => c.get('/api/v1/me'))).status).toBe(200);
    const trail = await auditTrail(t.system.database.db, 'person', 'staff-a2');
    expect(trail.at(-1)).toMatchObject({ actorId: 'admin-1', action: 'update', detail: { via: 'admin.json', fields: ['password'] } });
    expect(JSON.stringify(trail)).not.toMatch(/a-new-password|scrypt\$/);
  });

  it('changed roles or sites reopen the streams with the new rights; the session goes on', async () => {
    const manager2 = await t.login('manager2');
    const s = await openStream(t.url, manager2.token!);
    const { password: _p, ...rest } = person('manager-a2');
    expect((await admin.request('PUT', '/api/v1/admin/people/manager-a2', { ...rest, siteIds: ['site-a', 'site-b'] })).status).toBe(200);
    expect(await within(s.closed)).toBe(CLOSE_RIGHTS_CHANGED);
    expect((await manager2.get('/api/v1/me')).body.siteIds).toEqual(['site-a', 'site-b']);
    const trail = await auditTrail(t.system.database.db, 'person', 'manager-a2');
    expect(trail.at(-1)).toMatchObject({ actorId: 'admin-1', detail: { fields: ['siteIds'], now: { siteIds: ['site-a', 'site-b'] } } });
  });

  it('a session that expires closes its stream at its expiry', async () => {
    const token = randomBytes(32).toString('base64url');
    await t.system.database.db.insert(schema.sessions).values({ tokenHash: sessionIdOf(token), personId: 'guard-a2', expiresAt: new Date(Date.now() + 1_500) });
    const s = await openStream(t.url, token);
    expect(await within(s.closed)).toBe(CLOSE_SESSION_ENDED);
  });

  it('bell keys, rosters and policies are audited as the admin who changed them, secrets by name only', async () => {
    const key = await admin.post('/api/v1/admin/bells/B-0302/key');
    expect(key.status).toBe(200);
    const bell = await auditTrail(t.system.database.db, 'bell', 'B-0302');
    expect(bell.at(-1)).toMatchObject({ actorId: 'admin-1', action: 'update', detail: { fields: expect.arrayContaining(['key']) } });
    expect(JSON.stringify(bell)).not.toContain(key.body.key);
    if (key.body.mqttPassword) expect(JSON.stringify(bell)).not.toContain(key.body.mqttPassword);
    const roster = [{ personId: 'guard-a', startsAt: '2026-01-01T00:00:00.000Z', endsAt: '2036-01-01T00:00:00.000Z' }];
    expect((await admin.request('PUT', '/api/v1/admin/sites/site-a/roster', { roster })).status).toBe(200);
    expect((await auditTrail(t.system.database.db, 'roster', 'site-a')).at(-1)).toMatchObject({ actorId: 'admin-1', action: 'update' });
    expect((await admin.request('PUT', '/api/v1/admin/bells/B-0301/service', { inService: false, reason: 'broken' })).status).toBe(200);
    expect((await auditTrail(t.system.database.db, 'bell', 'B-0301')).at(-1)).toMatchObject({ actorId: 'admin-1', detail: { fields: ['inService'] } });
    expect((await admin.request('PUT', '/api/v1/admin/bells/B-0301/service', { inService: true })).status).toBe(200);
    expect((await verifyAuditLog(t.system.database.db)).ok).toBe(true);
  });

  it('an admin cannot grant themselves counselor, legal or auditor, by the form or by a provisioning file', async () => {
    const self = { id: 'admin-1', name: 'Yoon Admin', siteIds: [], language: 'en', username: 'admin1' };
    expectError(await admin.request('PUT', '/api/v1/admin/people/admin-1', { ...self, roles: ['admin', 'counselor'] }), 403, 'self_grant');
    const file = await admin.post('/api/v1/provisioning', { people: [{ ...self, roles: ['admin', 'legal'] }] });
    const error = expectError(file, 422, 'invalid_provisioning');
    expect(error.details).toEqual([{ path: 'people[0].roles', message: expect.stringMatching(/legal/), code: 'self_grant' }]);
    expect((await admin.get('/api/v1/me')).body.roles).toEqual(['admin']);
    // Another administrator may.
    const { password: _p, ...guard2 } = person('guard-a2');
    expect((await admin.request('PUT', '/api/v1/admin/people/guard-a2', { ...guard2, roles: ['guard', 'counselor'] })).status).toBe(200);
  });

  it("aftercare names only staff of the incident's site, with one answer for a foreign and an unknown id", async () => {
    const staff = await t.login('staff');
    const raised = await staff.post('/api/v1/incidents', { counterId: 'passport-3' });
    expect(raised.status).toBe(201);
    const manager = await t.login('manager');
    const foreign = expectError(await manager.post('/api/v1/aftercare', { incidentId: raised.body.id, personId: 'staff-b1' }), 422, 'not_staff');
    const unknown = expectError(await manager.post('/api/v1/aftercare', { incidentId: raised.body.id, personId: 'no-such-person' }), 422, 'not_staff');
    expect(foreign.message.replace('staff-b1', 'X')).toBe(unknown.message.replace('no-such-person', 'X'));
    expect((await manager.post('/api/v1/aftercare', { incidentId: raised.body.id, personId: 'staff-a' })).status).toBe(201);

    // The raiser sees who was reached, not their phone numbers; the guards of the site do.
    const guard = await t.login('guard');
    const reached = await waitFor(async () => {
      const d = (await guard.get(`/api/v1/incidents/${raised.body.id}`)).body;
      return d.notifications.length > 0 ? d.notifications : undefined;
    }, WAIT_MS, 'notifications of the incident');
    expect(reached.some((n: { to: string }) => /^\+82\d+$/.test(n.to))).toBe(true);
    const seen = (await staff.get(`/api/v1/incidents/${raised.body.id}`)).body.notifications as { to: string }[];
    expect(seen.length).toBeGreaterThan(0);
    for (const n of seen) expect(n.to).toMatch(/^•+\d{0,2}$/);
  });
});
