import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StreamMessage } from '../../api/contract/index.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { START_TIMEOUT_MS } from './api-expect.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

/** Opens the stream and resolves with 'open' or the HTTP status that refused the upgrade. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: 'open'; ws: WebSocket } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ status: 'open', ws }));
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      ws.terminate();
    });
    ws.once('error', (err) => reject(err));
  });
}

/** Generous: a message normally arrives in milliseconds; this only bounds a failure on a loaded machine. */
const WAIT_MS = 15_000;

describe('HTTP API: the live stream', () => {
  let t: TestSystem;
  let wsBase: string;
  const open: WebSocket[] = [];
  const streams: StreamClient[] = [];

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    wsBase = `${t.url.replace(/^http/, 'ws')}/api/v1/stream`;
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    for (const ws of open) ws.terminate();
    for (const s of streams) s.close();
    await t?.close();
  });

  const accepted = async (url: string, headers: Record<string, string> = {}) => {
    const r = await upgrade(url, headers);
    expect(r.status).toBe('open');
    if (r.status === 'open') open.push(r.ws);
  };

  it('refuses the upgrade with HTTP 401 without a token or with a bad one', async () => {
    expect(await upgrade(wsBase)).toEqual({ status: 401 });
    expect(await upgrade(`${wsBase}?token=`)).toEqual({ status: 401 });
    expect(await upgrade(`${wsBase}?token=not-a-session`)).toEqual({ status: 401 });
    expect(await upgrade(wsBase, { cookie: 'gb_session=forged' })).toEqual({ status: 401 });
    expect(await upgrade(wsBase, { authorization: 'Bearer forged' })).toEqual({ status: 401 });
    const guard = await t.login('guard');
    // A logged-out token is refused too.
    const gone = await t.login('guard');
    expect((await gone.post('/api/v1/auth/logout')).status).toBe(204);
    expect(await upgrade(`${wsBase}?token=${gone.token}`)).toEqual({ status: 401 });
    // Only the stream path upgrades.
    expect(await upgrade(`${t.url.replace(/^http/, 'ws')}/api/v1/incidents?token=${guard.token}`)).toEqual({ status: 404 });
  });

  it('accepts ?token=, the session cookie and a Bearer header', async () => {
    const guard = await t.login('guard');
    await accepted(`${wsBase}?token=${encodeURIComponent(guard.token!)}`);
    await accepted(wsBase, { cookie: `gb_session=${encodeURIComponent(guard.token!)}` });
    await accepted(wsBase, { authorization: `Bearer ${guard.token}` });
  });

  it("a staff member's console alarm reaches the site's guard and the raiser, not another site's guard or staff member", async () => {
    const who = async (u: string) => {
      const c = await t.login(u);
      const s = await c.stream();
      streams.push(s);
      return [c, s] as [ApiClient, StreamClient];
    };
    const [staff, staffStream] = await who('staff');
    const [, guardStream] = await who('guard');
    const [guardb, guardbStream] = await who('guardb');
    const [, staff2Stream] = await who('staff2');
    const [, legalStream] = await who('legal');

    const raised = await staff.post('/api/v1/incidents', { counterId: 'passport-3', note: 'man shouting at the counter' });
    expect(raised.status).toBe(201);
    const id = raised.body.id as string;
    const created = await guardStream.waitFor('incident.created', (i) => i.id === id, WAIT_MS);
    expect(created.data).toMatchObject({ id, siteId: 'site-a', counterId: 'passport-3', source: 'console', status: 'triggered', mode: 'live' });
    await staffStream.waitFor('incident.created', (i) => i.id === id, WAIT_MS);
    await legalStream.waitFor('incident.created', (i) => i.id === id, WAIT_MS);

    // A later message that each of the others does receive proves the first one was not merely slow.
    const atB = await guardb.post('/api/v1/incidents', { counterId: 'civil-1' });
    expect(atB.status).toBe(201);
    await guardbStream.waitFor('incident.created', (i) => i.id === atB.body.id, WAIT_MS);
    const staff2 = await t.login('staff2');
    const own = await staff2.post('/api/v1/incidents', { counterId: 'welfare-1' });
    await staff2Stream.waitFor('incident.created', (i) => i.id === own.body.id, WAIT_MS);
    const seen = (s: StreamClient, incidentId: string) => s.messages.some((m: StreamMessage) => m.type.startsWith('incident.') && (m.data as { id?: string }).id === incidentId);
    expect(seen(guardbStream, id)).toBe(false);
    expect(seen(staff2Stream, id)).toBe(false);
    expect(seen(staffStream, atB.body.id)).toBe(false);
    expect(seen(guardStream, atB.body.id)).toBe(false);

    // The guard's acknowledgement is an update to the guard, the raiser and legal, never to site B.
    const guard = await t.login('guard');
    expect((await guard.post(`/api/v1/incidents/${id}/acknowledge`)).status).toBe(200);
    for (const s of [guardStream, staffStream, legalStream]) await s.waitFor('incident.updated', (i) => i.id === id && i.status === 'acknowledged', WAIT_MS);
    const later = await guardb.post('/api/v1/incidents', { counterId: 'civil-1' });
    await guardbStream.waitFor('incident.created', (i) => i.id === later.body.id, WAIT_MS);
    expect(seen(guardbStream, id)).toBe(false);
  });
});
