import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { START_TIMEOUT_MS, expectError, raw } from './api-expect.ts';

describe('HTTP API: logging in, sessions and passwords', () => {
  let t: TestSystem;
  let anonymous: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    anonymous = new ApiClient(t.url);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const login = (body: unknown, headers: Record<string, string> = {}) => anonymous.request('POST', '/api/v1/auth/login', body, headers);

  it('refuses a wrong password and an unknown user alike: 401 invalid_credentials with one message', async () => {
    const wrong = expectError(await login({ username: 'guard', password: 'not-the-password' }), 401, 'invalid_credentials');
    const unknown = expectError(await login({ username: 'nobody-here', password: PASSWORD }), 401, 'invalid_credentials');
    expect(unknown.message).toBe(wrong.message);
    // Nothing tells a username that exists from one that does not.
    expect(wrong.message).not.toMatch(/guard/);
  });

  it('refuses malformed login bodies with clear codes', async () => {
    const missing = expectError(await login({ username: 'guard' }), 400, 'invalid_request');
    expect(missing.message).toMatch(/password/);
    expectError(await login({}), 400, 'invalid_request');
    expectError(await login({ username: '', password: PASSWORD }), 400, 'invalid_request');
    expectError(await login({ username: 'guard', password: 42 }), 400, 'invalid_request');
    const extra = expectError(await login({ username: 'guard', password: PASSWORD, role: 'admin' }), 400, 'invalid_request');
    expect(extra.message).toMatch(/role/);
    expectError(await login('{"username": "guard", "password": '), 400, 'malformed_json');
    expectError(await login('null'), 400, 'invalid_request');
    expectError(await login('username=guard&password=x', { 'content-type': 'application/x-www-form-urlencoded' }), 400, 'invalid_request');
    const big = { username: 'guard', password: PASSWORD, pad: 'x'.repeat(70 * 1024) };
    expectError(await login(big), 413, 'payload_too_large');
  });

  it('sets an HttpOnly, SameSite=Strict cookie that works for GET /me, and returns a Bearer token', async () => {
    const r = await raw(`${t.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'guard', password: PASSWORD }),
    });
    expect(r.status).toBe(200);
    const body = r.body as { token: string; expiresAt: string; user: Record<string, unknown> };
    expect(typeof body.token).toBe('string');
    expect(body.token.length).toBeGreaterThanOrEqual(32);
    expect(body.user).toMatchObject({ id: 'guard-a', username: 'guard', roles: ['guard'], siteIds: ['site-a'] });
    expect(JSON.stringify(body)).not.toMatch(/scrypt|passwordHash|password_hash/);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now());

    const cookies = r.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('gb_session='));
    expect(session).toBeDefined();
    const attributes = session!.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=strict');
    expect(attributes).toContain('path=/');
    const cookie = session!.split(';')[0]!;
    expect(decodeURIComponent(cookie.slice('gb_session='.length))).toBe(body.token);

    const byCookie = await raw(`${t.url}/api/v1/me`, { headers: { cookie } });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body).toMatchObject({ id: 'guard-a', username: 'guard', name: 'Kim Guard' });
    const byBearer = await new ApiClient(t.url, body.token).get('/api/v1/me');
    expect(byBearer.status).toBe(200);
    expect(byBearer.body).toEqual(byCookie.body);
  });

  it('refuses requests without a token or with a bad one: 401 unauthorized', async () => {
    expectError(await anonymous.get('/api/v1/me'), 401, 'unauthorized');
    expectError(await anonymous.get('/api/v1/incidents'), 401, 'unauthorized');
    expectError(await anonymous.get('/api/v1/sites'), 401, 'unauthorized');
    expectError(await anonymous.get('/api/v1/bells'), 401, 'unauthorized');
    expectError(await anonymous.post('/api/v1/incidents', { counterId: 'passport-3' }), 401, 'unauthorized');
    expectError(await new ApiClient(t.url, 'not-a-real-token').get('/api/v1/me'), 401, 'unauthorized');
    expectError(await anonymous.request('GET', '/api/v1/me', undefined, { cookie: 'gb_session=forged' }), 401, 'unauthorized');
    expectError(await anonymous.request('GET', '/api/v1/me', undefined, { authorization: 'Basic Z3VhcmQ6eA==' }), 401, 'unauthorized');
  });

  it('logout invalidates the token at once and clears the cookie', async () => {
    const staff = await t.login('staff');
    const other = await t.login('staff');
    expect((await staff.get('/api/v1/me')).status).toBe(200);
    const out = await raw(`${t.url}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${staff.token}` } });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie().find((c) => c.startsWith('gb_session='));
    expect(cleared).toMatch(/Expires=Thu, 01 Jan 1970/);
    expectError(await staff.get('/api/v1/me'), 401, 'unauthorized');
    expectError(await staff.post('/api/v1/auth/logout'), 401, 'unauthorized');
    // Only that session ended: another login of the same person still works.
    expect((await other.get('/api/v1/me')).status).toBe(200);
  });

  it('stores passwords as scrypt hashes, never as text, and never the token itself', async () => {
    const rows = await t.rows<{ username: string; password_hash: string }>('select username, password_hash from people where password_hash is not null');
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) {
      expect(row.password_hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(row.password_hash).not.toContain(PASSWORD);
    }
    // Equal passwords get different salts.
    expect(new Set(rows.map((r) => r.password_hash)).size).toBe(rows.length);
    const guard = await t.login('guard');
    const hashes = (await t.rows<{ token_hash: string }>('select token_hash from sessions')).map((r) => r.token_hash);
    expect(hashes).not.toContain(guard.token);
    expect(hashes.every((h) => /^[0-9a-f]{64}$/.test(h))).toBe(true);
  });
});
