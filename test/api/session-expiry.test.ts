import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { sleep } from '../support/wait.ts';
import { START_TIMEOUT_MS, expectError } from './api-expect.ts';

// 0.001 h = 3.6 s: long enough to use the token on a loaded machine, short enough to wait out.
const TTL_HOURS = 0.001;

describe('HTTP API: sessions expire', () => {
  let t: TestSystem;

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes', env: { SESSION_TTL_HOURS: String(TTL_HOURS) } });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('a token stops working at its expiry, even when it was first used (and cached) late in its life', async () => {
    const r = await new ApiClient(t.url).post('/api/v1/auth/login', { username: 'guard', password: PASSWORD });
    expect(r.status).toBe(200);
    const expiresAt = Date.parse(r.body.expiresAt);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(TTL_HOURS * 3600_000);
    const guard = new ApiClient(t.url, r.body.token);
    const cookie = { cookie: `gb_session=${encodeURIComponent(r.body.token)}` };

    // First used half-way through its life: the session cache must not count the lifetime from this moment.
    await sleep(Math.max(0, (expiresAt - Date.now()) / 2));
    if (Date.now() < expiresAt - 300) {
      expect((await guard.get('/api/v1/me')).status).toBe(200);
      expect((await guard.get('/api/v1/incidents')).status).toBe(200);
    }

    await sleep(Math.max(0, expiresAt - Date.now()) + 300);
    expectError(await guard.get('/api/v1/me'), 401, 'unauthorized');
    expectError(await guard.get('/api/v1/incidents'), 401, 'unauthorized');
    expectError(await new ApiClient(t.url).request('GET', '/api/v1/me', undefined, cookie), 401, 'unauthorized');
    // Logging in again gives a new, working session.
    expect((await (await t.login('guard')).get('/api/v1/me')).status).toBe(200);
  });

  it('an expired token is refused on the live stream too', async () => {
    const r = await new ApiClient(t.url).post('/api/v1/auth/login', { username: 'manager', password: PASSWORD });
    expect(r.status).toBe(200);
    const expiresAt = Date.parse(r.body.expiresAt);
    const manager = new ApiClient(t.url, r.body.token);
    if (Date.now() < expiresAt - 500) (await manager.stream()).close();
    await sleep(Math.max(0, expiresAt - Date.now()) + 300);
    await expect(manager.stream()).rejects.toThrow(/401/);
  });
});
