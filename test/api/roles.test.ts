import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { START_TIMEOUT_MS, expectError } from './api-expect.ts';

type Who = 'staff' | 'staff2' | 'guard' | 'guardb' | 'manager' | 'legal' | 'admin1';
const EVERYONE: Who[] = ['staff', 'staff2', 'guard', 'guardb', 'manager', 'legal', 'admin1'];

describe('HTTP API: who may do what with incidents', () => {
  let t: TestSystem;
  const as = {} as Record<Who, ApiClient>;

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    for (const who of EVERYONE) as[who] = await t.login(who);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const raise = async (who: Who, body: Record<string, unknown>) => {
    const r = await as[who].post('/api/v1/incidents', body);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; siteId: string; counterId: string; status: string; source: string };
  };
  const ids = async (who: Who, query = '') => {
    const r = await as[who].get(`/api/v1/incidents${query}`);
    expect(r.status).toBe(200);
    return (r.body.items as { id: string }[]).map((i) => i.id);
  };

  it('raising an alarm: staff, guards and managers at their own sites, admins anywhere; legal never', async () => {
    const byStaff = await raise('staff', { counterId: 'passport-3' });
    expect(byStaff).toMatchObject({ siteId: 'site-a', counterId: 'passport-3', status: 'triggered', source: 'console' });
    expect((await raise('guard', { counterId: 'welfare-1', violence: true })).siteId).toBe('site-a');
    expect((await raise('manager', { counterId: 'passport-3', siteId: 'site-a' })).siteId).toBe('site-a');
    expect((await raise('guardb', { counterId: 'civil-1' })).siteId).toBe('site-b');
    expect((await raise('admin1', { counterId: 'civil-1', siteId: 'site-b' })).siteId).toBe('site-b');
    // An admin belongs to no site: the counter alone is enough when it is unique.
    expect((await raise('admin1', { counterId: 'passport-3' })).siteId).toBe('site-a');

    expectError(await as.legal.post('/api/v1/incidents', { counterId: 'passport-3', siteId: 'site-a' }), 403, 'forbidden');
    expectError(await as.legal.post('/api/v1/incidents', { counterId: 'passport-3' }), 403, 'forbidden');
    // Another site's guard: refused whether or not the counter exists there, so counters cannot be probed.
    expectError(await as.guardb.post('/api/v1/incidents', { counterId: 'passport-3', siteId: 'site-a' }), 403, 'forbidden');
    expectError(await as.guardb.post('/api/v1/incidents', { counterId: 'no-such-counter', siteId: 'site-a' }), 403, 'forbidden');
    expectError(await as.staff.post('/api/v1/incidents', { counterId: 'civil-1', siteId: 'site-b' }), 403, 'forbidden');
    // Without siteId, only the user's own sites are searched.
    expectError(await as.guardb.post('/api/v1/incidents', { counterId: 'passport-3' }), 422, 'unknown_counter');
  });

  it('listing: staff see what they raised, guards and managers their sites, legal and admins everything', async () => {
    const mine = await raise('staff', { counterId: 'welfare-1' });
    const theirs = await raise('staff2', { counterId: 'welfare-1' });
    const atB = await raise('guardb', { counterId: 'civil-1' });
    const byGuard = await raise('guard', { counterId: 'passport-3' });

    const staff = await ids('staff');
    expect(staff).toContain(mine.id);
    expect(staff).not.toContain(theirs.id);
    expect(staff).not.toContain(byGuard.id);
    expect(staff).not.toContain(atB.id);
    expect(await ids('staff2')).toContain(theirs.id);
    expect(await ids('staff2')).not.toContain(mine.id);

    for (const who of ['guard', 'manager'] as const) {
      const list = await ids(who);
      expect(list).toEqual(expect.arrayContaining([mine.id, theirs.id, byGuard.id]));
      expect(list).not.toContain(atB.id);
    }
    const b = await ids('guardb');
    expect(b).toContain(atB.id);
    expect(b).not.toContain(mine.id);
    expect(b).not.toContain(byGuard.id);
    for (const who of ['legal', 'admin1'] as const) expect(await ids(who)).toEqual(expect.arrayContaining([mine.id, theirs.id, atB.id, byGuard.id]));

    // Every listed item is one the user may read on its own.
    for (const who of EVERYONE) {
      for (const id of await ids(who, '?status=open')) expect((await as[who].get(`/api/v1/incidents/${id}`)).status).toBe(200);
    }
  });

  it('reading one incident: one the user may not read is 404, exactly like one that does not exist', async () => {
    const inc = await raise('staff', { counterId: 'passport-3' });
    const readers: Who[] = ['staff', 'guard', 'manager', 'legal', 'admin1'];
    for (const who of readers) {
      const r = await as[who].get(`/api/v1/incidents/${inc.id}`);
      expect(r.status, who).toBe(200);
      expect(r.body.id).toBe(inc.id);
      expect(r.body.timeline[0]).toMatchObject({ kind: 'console_alarm', actorId: 'staff-a' });
    }
    const missing = expectError(await as.guardb.get('/api/v1/incidents/inc_does_not_exist'), 404, 'not_found');
    for (const who of ['staff2', 'guardb'] as const) {
      const hidden = expectError(await as[who].get(`/api/v1/incidents/${inc.id}`), 404, 'not_found');
      expect(hidden.message.replace(inc.id, 'X')).toBe(missing.message.replace('inc_does_not_exist', 'X'));
    }
  });

  it('acknowledging and response events: guards and managers of the site and admins; others 403, or 404 when they may not read it', async () => {
    for (const action of ['acknowledge', 'events'] as const) {
      const body = action === 'events' ? { type: 'note', note: 'seen on camera' } : {};
      const inc = await raise('staff', { counterId: 'passport-3' });
      const url = `/api/v1/incidents/${inc.id}/${action}`;
      expectError(await as.staff.post(url, body), 403, 'forbidden');
      expectError(await as.legal.post(url, body), 403, 'forbidden');
      expectError(await as.staff2.post(url, body), 404, 'not_found');
      expectError(await as.guardb.post(url, body), 404, 'not_found');
      expect((await as.guard.get(`/api/v1/incidents/${inc.id}`)).body.status).toBe('triggered');
      for (const who of ['guard', 'manager', 'admin1'] as const) {
        const again = await raise('staff', { counterId: 'passport-3' });
        const r = await as[who].post(`/api/v1/incidents/${again.id}/${action}`, body);
        expect(r.status, `${who} ${action}`).toBe(200);
        if (action === 'acknowledge') expect(r.body).toMatchObject({ id: again.id, status: 'acknowledged' });
      }
    }
  });

  it('closing and cancelling: managers of the site and admins only', async () => {
    const close = { outcome: 'visitor calmed down and left', classification: ['verbal_abuse'] };
    const acked = async () => {
      const inc = await raise('staff', { counterId: 'passport-3' });
      expect((await as.guard.post(`/api/v1/incidents/${inc.id}/acknowledge`)).status).toBe(200);
      return inc.id;
    };
    const id = await acked();
    for (const who of ['staff', 'guard', 'legal'] as const) expectError(await as[who].post(`/api/v1/incidents/${id}/close`, close), 403, 'forbidden');
    for (const who of ['staff2', 'guardb'] as const) expectError(await as[who].post(`/api/v1/incidents/${id}/close`, close), 404, 'not_found');
    const closed = await as.manager.post(`/api/v1/incidents/${id}/close`, close);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', classification: ['verbal_abuse'], outcome: close.outcome });
    expect((await as.admin1.post(`/api/v1/incidents/${await acked()}/close`, close)).status).toBe(200);

    const cancel = { reason: 'pressed by mistake while cleaning' };
    const triggered = await raise('staff', { counterId: 'welfare-1' });
    const url = `/api/v1/incidents/${triggered.id}/cancel`;
    for (const who of ['staff', 'guard', 'legal'] as const) expectError(await as[who].post(url, cancel), 403, 'forbidden');
    for (const who of ['staff2', 'guardb'] as const) expectError(await as[who].post(url, cancel), 404, 'not_found');
    const cancelled = await as.manager.post(url, cancel);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const other = await raise('guardb', { counterId: 'civil-1' });
    expectError(await as.manager.post(`/api/v1/incidents/${other.id}/cancel`, cancel), 404, 'not_found');
    expect((await as.admin1.post(`/api/v1/incidents/${other.id}/cancel`, cancel)).status).toBe(200);
  });
});
