/**
 * Administration over HTTP: every change goes through the provisioning validation, problems are
 * named by the form's paths, nothing changes on a problem, reads never carry secrets, only admins may do it,
 * and a bell created here presses through the real broker at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/http.ts';
import { metric } from '../support/metrics.ts';
import { waitFor } from '../support/wait.ts';
import { MATRIX, startTestSystem, type TestSystem } from '../support/system.ts';
import { START_TIMEOUT_MS, expectError } from '../api/api-expect.ts';

type Problem = { path: string; message: string; code?: string; params?: Record<string, string | number>; documentPath: string };

describe.each(MATRIX)('admin API on $db with $broker', ({ db, broker }) => {
  let t: TestSystem;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({ db, broker });
    admin = await t.login('admin1');
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const directory = async () => (await admin.get('/api/v1/admin/directory')).body as {
    sites: { id: string; name: string; counters: { id: string; name: string }[]; roster: { personId: string }[]; escalation: unknown; police: unknown }[];
    bells: { id: string; siteId: string; hasKey: boolean }[];
    people: { id: string; roles: string[]; username: string | null; hasPassword: boolean; active: boolean }[];
  };
  const problems = (r: { body: unknown }) => (expectError(r as never, 422, 'invalid_provisioning').details as Problem[]);

  it('creates a site with its counters, and changes it', async () => {
    const r = await admin.request('POST', '/api/v1/admin/sites', {
      id: 'site-n', name: 'Jung-gu Office', address: '1 Sejong-daero, Jung-gu, Seoul', timezone: 'Asia/Seoul',
      police: { channel: 'sms', to: '+82112' }, counters: [{ id: 'civil-1', name: 'Civil counter 1', floor: '1F' }],
    });
    expect(r.status).toBe(201);
    expect(r.body.site).toMatchObject({ id: 'site-n', counters: [{ id: 'civil-1', name: 'Civil counter 1' }] });
    // The running system knows it at once.
    expect(((await admin.get('/api/v1/sites')).body.items as { id: string }[]).map((s) => s.id)).toContain('site-n');

    const u = await admin.request('PUT', '/api/v1/admin/sites/site-n', {
      name: 'Jung-gu District Office', address: '1 Sejong-daero, Jung-gu, Seoul', timezone: 'Asia/Seoul', police: { channel: 'call', to: '+82112' },
    });
    expect(u.status).toBe(200);
    expect(u.body.site).toMatchObject({ name: 'Jung-gu District Office', police: { channel: 'call', to: '+82112' }, counters: [{ id: 'civil-1' }] });

    const c = await admin.request('POST', '/api/v1/admin/sites/site-n/counters', { id: 'tax-2', name: 'Tax counter 2', managerIds: ['manager-a'] });
    expect(c.status).toBe(201);
    const c2 = await admin.request('PUT', '/api/v1/admin/sites/site-n/counters/tax-2', { name: 'Tax counter 2 (east)', floor: '2F' });
    expect(c2.status).toBe(200);
    expect(c2.body.site.counters).toEqual([
      { id: 'civil-1', name: 'Civil counter 1', floor: '1F', managerIds: [] },
      { id: 'tax-2', name: 'Tax counter 2 (east)', floor: '2F', managerIds: [] },
    ]);
  });

  it('refuses a bad site with every problem by its form path, and changes nothing', async () => {
    const before = await directory();
    const r = await admin.request('POST', '/api/v1/admin/sites', {
      id: 'site a', name: '', address: 'x', timezone: '+09:00', polise: {}, counters: [{ id: 'c1', name: 'C' }, { id: 'c1', name: 'D' }],
    });
    const list = problems(r);
    const byPath = Object.fromEntries(list.map((p) => [p.path, p.message]));
    expect(byPath.id).toMatch(/is not a valid id/);
    expect(byPath.name).toBe('must not be empty');
    expect(byPath.timezone).toMatch(/is an offset, not an IANA time zone/);
    expect(byPath.polise).toBe('unknown key "polise" (did you mean "police"?)');
    expect(byPath['counters[1].id']).toMatch(/counter id "c1" is already used/);
    expect(list.find((p) => p.path === 'timezone')!.documentPath).toBe('sites[0].timezone');
    // The same words as the provisioning file gives for the same mistake.
    const file = await admin.request('POST', '/api/v1/provisioning', { sites: [{ id: 'site-z', name: 'Z', address: 'x', timezone: '+09:00' }] });
    expect((file.body.error.details as Problem[]).find((p) => p.path === 'sites[0].timezone')!.message).toBe(byPath.timezone);
    expect(await directory()).toEqual(before);

    const dup = await admin.request('POST', '/api/v1/admin/sites', { id: 'site-a', name: 'Again', address: 'x', timezone: 'Asia/Seoul' });
    expect(problems(dup)).toEqual([{ path: 'id', message: 'site "site-a" already exists', code: 'already_exists', params: { kind: 'site', id: 'site-a' }, documentPath: 'sites[0].id' }]);
    const counter = await admin.request('POST', '/api/v1/admin/sites/site-a/counters', { id: 'new-1', name: 'New', managerIds: ['guard-a', 'nobody'] });
    expect(problems(counter).map((p) => `${p.path}: ${p.message}`).sort()).toEqual([
      'managerIds[0]: person "guard-a" does not have the role "manager"',
      'managerIds[1]: person "nobody" is not in this file or the database',
    ]);
    expect(await directory()).toEqual(before);
  });

  it('creates a bell with a generated key shown once, never again, and it presses through the broker at once', async () => {
    const r = await admin.request('POST', '/api/v1/admin/bells', { siteId: 'site-a', id: 'B-ADM1', counterId: 'passport-3' });
    expect(r.status).toBe(201);
    const key = r.body.key as string;
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(r.body.bell).toMatchObject({ id: 'B-ADM1', siteId: 'site-a', adapter: 'native', hasKey: true });
    expect(JSON.stringify(r.body.bell)).not.toContain(key);

    for (const path of ['/api/v1/admin/directory', '/api/v1/bells', '/api/v1/sites']) {
      const read = await admin.get(path);
      expect(read.status).toBe(200);
      expect(JSON.stringify(read.body)).not.toContain(key);
      expect(JSON.stringify(read.body)).not.toMatch(/keyHex|passwordHash|mqttPasswordHash|scrypt/);
    }
    // A change that names no key keeps the key; the answer does not show it.
    const u = await admin.request('PUT', '/api/v1/admin/bells/B-ADM1', { counterId: 'welfare-1', heartbeatSeconds: 120 });
    expect(u.status).toBe(200);
    expect(u.body.bell).toMatchObject({ counterId: 'welfare-1', heartbeatSeconds: 120, hasKey: true });
    expect(JSON.stringify(u.body)).not.toContain(key);

    // The new bell, signing with that key, opens an incident through the real broker.
    const guard = await t.login('guard');
    const stream = await guard.stream();
    const bell = await t.bell('B-ADM1', key);
    await bell.event(1, 'press');
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-ADM1');
    await bell.waitForAck({ seq: 1, state: 'received', incident: created.data.id });
    expect(created.data).toMatchObject({ siteId: 'site-a', counterId: 'welfare-1' });

    // A new key replaces the old one at once: the old key's presses are refused.
    const rotated = await admin.request('POST', '/api/v1/admin/bells/B-ADM1/key');
    expect(rotated.status).toBe(200);
    expect(rotated.body.key).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.body.key).not.toBe(key);
    await bell.event(2, 'press');
    await stream.waitFor('security.alert', (a) => a.bellId === 'B-ADM1' && a.reason === 'bad_mac');
    const renewed = await t.bell('B-ADM1', rotated.body.key as string);
    await renewed.event(3, 'press');
    await renewed.waitForAck({ seq: 3, state: 'received' });
    expect(bell.acks.map((a) => a.seq)).not.toContain(2);
    stream.close();
  });

  it('takes a bell out of service without deleting it: its presses are refused, its incident stays; and back', async () => {
    const key = (await admin.request('POST', '/api/v1/admin/bells/B-ADM1/key')).body.key as string;
    const incidents = async () => ((await admin.get('/api/v1/incidents')).body.items as { bellId: string | null }[]).filter((i) => i.bellId === 'B-ADM1').length;
    const before = await incidents();
    expect(before).toBeGreaterThan(0);
    expectError(await admin.request('PUT', '/api/v1/admin/bells/B-ADM1/service', { inService: false }), 422, 'invalid_provisioning');

    const out = await admin.request('PUT', '/api/v1/admin/bells/B-ADM1/service', { inService: false, reason: 'stolen from the counter' });
    expect(out.status).toBe(200);
    expect(out.body.bell).toMatchObject({ id: 'B-ADM1', inService: false, retiredReason: 'stolen from the counter' });
    expect(((await admin.get('/api/v1/bells')).body.items as { id: string }[]).map((b) => b.id)).not.toContain('B-ADM1');
    const rejected = () => metric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'unknown_bell' });
    const refusedBefore = await rejected();
    const bell = await t.bell('B-ADM1', key);
    await bell.event(100, 'press');
    await waitFor(async () => (await rejected()) > refusedBefore, 5_000, 'the retired bell\'s press refused as unknown_bell');
    expect(bell.acks).toEqual([]);
    expect(await incidents()).toBe(before);

    expect((await admin.request('PUT', '/api/v1/admin/bells/B-ADM1/service', { inService: true })).body.bell.inService).toBe(true);
    await bell.event(101, 'press');
    await bell.waitForAck({ seq: 101, state: 'received' });
  });

  it('refuses a bad bell with its problems by path and creates nothing', async () => {
    const before = await directory();
    const r = await admin.request('POST', '/api/v1/admin/bells', {
      siteId: 'site-a', id: 'B-0301', counterId: 'nope-9', adapter: 'zigbee2mqtt', key: 'abc', heartbeatSeconds: 5,
    });
    const byPath = Object.fromEntries(problems(r).map((p) => [p.path, p.message]));
    expect(byPath).toEqual({
      id: 'bell "B-0301" already exists',
      counterId: 'counter "nope-9" is not a counter of site "site-a"',
      key: 'a zigbee2mqtt bell cannot sign its events: only native bells take a key',
      heartbeatSeconds: 'must be at least 10 seconds',
      deviceId: 'a zigbee2mqtt bell needs its deviceId, the address its events carry',
    });
    // Each with the code the console says in its user's language.
    expect(Object.fromEntries(problems(r).map((p) => [p.path, p.code]))).toEqual({
      id: 'already_exists', counterId: 'unknown_reference', key: 'key_not_signed', heartbeatSeconds: 'too_small', deviceId: 'device_id_needed',
    });
    expect(problems(await admin.request('POST', '/api/v1/admin/bells', { siteId: 'site-a', id: 'B-Y', counterId: 'welfare-1', key: 'abc', mqttPassword: 'short' }))
      .map((p) => `${p.path}: ${p.message}`)).toEqual([
      'key: must be 32 to 128 hex digits (16 to 64 bytes), an even number of them',
      'mqttPassword: must be at least 12 characters',
    ]);
    expect(problems(await admin.request('POST', '/api/v1/admin/bells', { id: 'B-X', counterId: 'c' }))).toEqual([{ path: 'siteId', message: 'is required', code: 'required', documentPath: 'siteId' }]);
    expect(problems(await admin.request('POST', '/api/v1/admin/bells', [1]))[0]!.path).toBe('(form)');
    expect(await directory()).toEqual(before);
  });

  it('creates a person with roles and a password they can log in with, and changes them', async () => {
    const r = await admin.request('POST', '/api/v1/admin/people', {
      id: 'guard-n', name: 'Bae Guard', roles: ['guard'], siteIds: ['site-a'], phone: '+821055550000', username: 'guardn', password: 'long-enough-pw',
    });
    expect(r.status).toBe(201);
    expect(r.body.person).toMatchObject({ id: 'guard-n', roles: ['guard'], username: 'guardn', hasPassword: true, active: true });
    expect(JSON.stringify(r.body)).not.toContain('long-enough-pw');
    const me = await ApiClient.login(t.url, 'guardn', 'long-enough-pw');
    expect((await me.get('/api/v1/admin/directory')).status).toBe(403);

    // Roles change; no password in the form keeps the password.
    const u = await admin.request('PUT', '/api/v1/admin/people/guard-n', { name: 'Bae Guard', roles: ['guard', 'manager'], siteIds: ['site-a'], username: 'guardn' });
    expect(u.status).toBe(200);
    expect(u.body.person.roles).toEqual(['guard', 'manager']);
    await ApiClient.login(t.url, 'guardn', 'long-enough-pw');

    const bad = await admin.request('POST', '/api/v1/admin/people', {
      id: 'p-bad', name: 'X', roles: ['wizard'], siteIds: ['site-q'], username: 'guard', password: 'short',
    });
    const byPath = Object.fromEntries(problems(bad).map((p) => [p.path, p.message]));
    expect(byPath['roles[0]']).toMatch(/is not one of/);
    expect(byPath['siteIds[0]']).toBe('site "site-q" is not in this file or the database');
    expect(byPath.password).toBe('must be at least 8 characters');
    expect(byPath.username).toBe('username "guard" already belongs to person "guard-a"');
    expect((await directory()).people.find((p) => p.id === 'p-bad')).toBeUndefined();

    // Deactivated: cannot log in, sessions end; the admin cannot deactivate their own account.
    expect((await admin.request('PUT', '/api/v1/admin/people/guard-n/active', { active: false })).status).toBe(200);
    expect((await me.get('/api/v1/me')).status).toBe(401);
    expect((await new ApiClient(t.url).request('POST', '/api/v1/auth/login', { username: 'guardn', password: 'long-enough-pw' })).status).toBe(401);
    expectError(await admin.request('PUT', '/api/v1/admin/people/admin-1/active', { active: false }), 409, 'own_account');
    expect((await admin.request('PUT', '/api/v1/admin/people/guard-n/active', { active: true })).status).toBe(200);
    await ApiClient.login(t.url, 'guardn', 'long-enough-pw');
  });

  it('replaces a roster and sets and clears an escalation policy', async () => {
    const shift = { personId: 'guard-a', startsAt: '2026-11-23T09:00:00+09:00', endsAt: '2026-11-23T18:00:00+09:00' };
    const r = await admin.request('PUT', '/api/v1/admin/sites/site-a/roster', { roster: [shift] });
    expect(r.status).toBe(200);
    expect(r.body.site.roster).toEqual([{ personId: 'guard-a', startsAt: '2026-11-23T00:00:00.000Z', endsAt: '2026-11-23T09:00:00.000Z' }]);

    const bad = await admin.request('PUT', '/api/v1/admin/sites/site-a/roster', { roster: [
      { ...shift, personId: 'staff-a' }, { ...shift, personId: 'guard-b' }, { ...shift, endsAt: '2026-11-23T08:00:00+09:00' }, { ...shift, startsAt: 'tomorrow' },
    ] });
    expect(problems(bad).map((p) => `${p.path}: ${p.message}`).sort()).toEqual([
      'roster[0].personId: person "staff-a" does not have the role "guard"',
      'roster[1].personId: person "guard-b" is not a person of site "site-a"',
      'roster[2].endsAt: a shift must end after it starts',
      'roster[3].startsAt: must be an RFC 3339 time such as "2026-11-23T09:00:00+09:00"',
    ]);
    expect((await directory()).sites.find((s) => s.id === 'site-a')!.roster).toHaveLength(1);

    const policy = { steps: [{ id: 'alert', when: { kind: 'immediate' }, recipients: ['guards_on_duty'], channels: ['console', 'sms'] }] };
    const p = await admin.request('PUT', '/api/v1/admin/sites/site-a/escalation', { escalation: policy });
    expect(p.status).toBe(200);
    expect(p.body.site.escalation).toEqual(policy);
    expect((await admin.get('/api/v1/sites/site-a/escalation-policy')).body).toMatchObject({ isDefault: false, policy });
    // The site's other settings survived the change (the police channel, the counters, the roster).
    expect(p.body.site).toMatchObject({ police: { channel: 'sms' }, roster: [{ personId: 'guard-a' }] });

    // A site form that does not name the policy keeps it.
    const renamed = await admin.request('PUT', '/api/v1/admin/sites/site-a', {
      name: 'Nowon-gu District Office', address: '437 Nohae-ro, Nowon-gu, Seoul', timezone: 'Asia/Seoul', police: { channel: 'sms', to: '+820000000112' }, drillLiaison: ['+821099990000'],
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.site).toMatchObject({ name: 'Nowon-gu District Office', escalation: policy, roster: [{ personId: 'guard-a' }] });
    const wrong = await admin.request('PUT', '/api/v1/admin/sites/site-a/escalation', { escalation: { steps: [] } });
    expect(problems(wrong).map((p) => `${p.path}: ${p.message}`)).toEqual(['escalation.steps: a policy needs at least one step']);
    const cleared = await admin.request('PUT', '/api/v1/admin/sites/site-a/escalation', { escalation: null });
    expect(cleared.body.site.escalation).toBeNull();
    expect((await admin.get('/api/v1/sites/site-a/escalation-policy')).body.isDefault).toBe(true);
  });

  it('refuses everyone but admins, on every route', async () => {
    const manager = await t.login('manager');
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/v1/admin/directory'],
      ['POST', '/api/v1/admin/sites', { id: 'site-m', name: 'M', address: 'x', timezone: 'Asia/Seoul' }],
      ['PUT', '/api/v1/admin/sites/site-a', { name: 'Mine now', address: 'x', timezone: 'Asia/Seoul' }],
      ['POST', '/api/v1/admin/sites/site-a/counters', { id: 'm-1', name: 'M' }],
      ['PUT', '/api/v1/admin/sites/site-a/counters/welfare-1', { name: 'M' }],
      ['POST', '/api/v1/admin/bells', { siteId: 'site-a', id: 'B-M', counterId: 'welfare-1' }],
      ['PUT', '/api/v1/admin/bells/B-0301', { counterId: 'welfare-1' }],
      ['POST', '/api/v1/admin/bells/B-0301/key'],
      ['PUT', '/api/v1/admin/bells/B-0301/service', { inService: false, reason: 'mine' }],
      ['POST', '/api/v1/admin/people', { id: 'm-p', name: 'M', roles: ['admin'], siteIds: [] }],
      ['PUT', '/api/v1/admin/people/manager-a', { name: 'M', roles: ['admin'], siteIds: [] }],
      ['PUT', '/api/v1/admin/people/guard-a/active', { active: false }],
      ['PUT', '/api/v1/admin/sites/site-a/roster', { roster: [] }],
      ['PUT', '/api/v1/admin/sites/site-a/escalation', { escalation: null }],
    ];
    const before = await directory();
    for (const [method, path, body] of calls) {
      expectError(await manager.request(method, path, body), 403, 'forbidden');
      expectError(await new ApiClient(t.url).request(method, path, body), 401, 'unauthorized');
    }
    expect(await directory()).toEqual(before);
  });
});
