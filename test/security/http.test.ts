/** HTTP hardening on a running system: headers, malformed ids, the stream's Origin and token, /metrics, the Excel upload. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { configFromEnv } from '../../api/config.ts';
import { START_TIMEOUT_MS, expectError, raw } from '../api/api-expect.ts';
import type { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

function upgrade(url: string, headers: Record<string, string>): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      resolve('open');
      ws.close();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe('HTTP hardening', () => {
  let t: TestSystem;
  let guard: ApiClient;
  let bomb: Uint8Array;

  beforeAll(async () => {
    // Made before the server starts: zipping blocks this process's event loop for seconds, and a kept-alive
    // connection the server closes meanwhile would reset the upload.
    bomb = zipSync({ '[Content_Types].xml': new Uint8Array(10), 'xl/worksheets/sheet1.xml': new Uint8Array(96 * 1024 * 1024) }, { level: 1 });
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    guard = await t.login('guard');
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('the console and the API send CSP (scripts from our origin only), no framing and nosniff', async () => {
    for (const path of ['/', '/api/v1/health', '/api/v1/me']) {
      const r = await raw(`${t.url}${path}`);
      const csp = r.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('upgrade-insecure-requests');
      expect(r.headers.get('x-frame-options'), path).toBe('DENY');
      expect(r.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
    // The built console has no inline script for the CSP to block.
    const html = readFileSync(fileURLToPath(new URL('../../console-ui/dist/index.html', import.meta.url)), 'utf8');
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\ssrc=/);
  });

  it('answers malformed ids in the path with 400, not 500', async () => {
    expectError(await guard.get('/api/v1/incidents/%00'), 400, 'invalid_id');
    expectError(await guard.get('/api/v1/incidents/a%0Ab'), 400, 'invalid_id');
    expectError(await guard.get('/api/v1/incidents/%E0%A4%A'), 400, 'invalid_id');
    expectError(await guard.get(`/api/v1/incidents/${'x'.repeat(300)}`), 400, 'invalid_id');
    expectError(await guard.get('/api/v1/incidents/inc_nope'), 404, 'not_found');
  });

  it('the stream refuses a foreign Origin and a URL token from a browser; the cookie is taken first', async () => {
    const ws = `${t.url.replace(/^http/, 'ws')}/api/v1/stream`;
    const host = new URL(t.url).host;
    const cookie = `gb_session=${encodeURIComponent(guard.token!)}`;
    expect(await upgrade(ws, { origin: 'http://evil.example', cookie })).toBe(403);
    expect(await upgrade(ws, { origin: 'null', cookie })).toBe(403);
    expect(await upgrade(`${ws}?token=${guard.token}`, { origin: `http://${host}` })).toBe(401);
    expect(await upgrade(ws, { origin: `http://${host}`, cookie })).toBe('open');
    // A valid cookie wins over a stale query token.
    expect(await upgrade(`${ws}?token=stale`, { cookie })).toBe('open');
  });

  it('/metrics is behind METRICS: this machine only by default', async () => {
    expect((await raw(`${t.url}/metrics`)).status).toBe(200);
    expect(configFromEnv({}).metrics).toBe('local');
    expect(configFromEnv({ METRICS: 'off' }).metrics).toBe('off');
    expect(() => configFromEnv({ METRICS: 'everyone' })).toThrow(/METRICS/);
  });

  it('refuses an Excel zip bomb before unpacking it, and the server stays responsive', async () => {
    const manager = await t.login('manager');
    expect(bomb.length).toBeLessThan(1_000_000);
    const before = process.memoryUsage().rss;
    const upload = fetch(`${t.url}/api/v1/statistics/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'application/octet-stream' },
      body: new Blob([new Uint8Array(bomb)]),
    });
    const health = await raw(`${t.url}/api/v1/health`);
    expect(health.status).toBe(200);
    const res = await upload;
    const body = await res.json();
    expect(res.status).toBe(422);
    expect(body.error.details[0].reason).toMatch(/sheet1\.xml unpacks to 96\.0 MiB/);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});
