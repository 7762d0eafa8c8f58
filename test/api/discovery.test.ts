import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { START_TIMEOUT_MS, expectError, raw } from './api-expect.ts';

/** Every path of PROTOCOL.md §4, relative to the base path /api/v1. */
const PROTOCOL_PATHS: [method: string, path: string][] = [
  ['get', '/health'],
  ['get', '/sites'],
  ['get', '/bells'],
  ['post', '/auth/login'],
  ['get', '/incidents'],
  ['post', '/incidents'],
  ['get', '/incidents/{id}'],
  ['post', '/incidents/{id}/acknowledge'],
  ['post', '/incidents/{id}/events'],
  ['post', '/incidents/{id}/close'],
  ['get', '/stream'],
];

/** The sum of a metric's samples in the Prometheus text format, over the samples whose labels include `labels`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) total = (total ?? 0) + Number(m[3]);
  }
  return total;
}

describe('HTTP API: health, OpenAPI description and metrics', () => {
  let t: TestSystem;
  let anonymous: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    anonymous = new ApiClient(t.url);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('GET /health needs no login and reports the database and the broker', async () => {
    const r = await raw(`${t.url}/api/v1/health`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.body).toMatchObject({ status: 'ok', db: 'ok', broker: 'ok' });
  });

  it('GET /openapi.json is an OpenAPI 3.1 document naming every path of PROTOCOL.md §4', async () => {
    const r = await anonymous.get('/api/v1/openapi.json');
    expect(r.status).toBe(200);
    const doc = r.body as {
      openapi: string;
      info: { title: string; version: string };
      servers?: { url: string }[];
      paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean }[]; requestBody?: { content: Record<string, { schema: unknown }> }; responses?: Record<string, { description: string }> }>>;
    };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // The areas' paths come in through the composition root (system/AREAS), not from api/ itself.
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/drills', '/drills/scenarios', '/drills/people']));
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    const base = doc.servers?.[0]?.url ?? '';
    const full = (p: string) => (base.endsWith('/api/v1') ? p : p.replace(/^\/api\/v1/, ''));
    for (const [method, path] of PROTOCOL_PATHS) {
      const item = doc.paths[full(path)] ?? doc.paths[`/api/v1${path}`];
      expect(item?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
    }
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace']).toContain(method);
        // Every {param} in the path is declared as a required path parameter.
        for (const name of [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])) {
          expect(op.parameters?.find((p) => p.name === name && p.in === 'path')?.required, `${method} ${path} {${name}}`).toBe(true);
        }
        for (const response of Object.values(op.responses ?? {})) expect(typeof response.description).toBe('string');
        if (op.requestBody) expect(op.requestBody.content['application/json']?.schema).toMatchObject({ type: 'object' });
      }
    }
    // The schemas are the ones that validate: the close body names the classifications of §4.
    const close = doc.paths[full('/incidents/{id}/close')]!.post!.requestBody!.content['application/json']!.schema as { properties: Record<string, { items?: { enum?: string[] } }> };
    expect(close.properties.classification?.items?.enum).toEqual(
      expect.arrayContaining(['verbal_abuse', 'threat', 'sexual_harassment', 'assault', 'defamation', 'obstruction_of_duty', 'property_damage', 'stalking', 'other']),
    );
  });

  it('GET /metrics counts refused requests by code and exposes the alarm-path metrics', async () => {
    const before = await (await fetch(`${t.url}/metrics`)).text();
    const unauthorizedBefore = sample(before, 'guardbell_http_errors_total', { code: 'unauthorized' }) ?? 0;
    const notFoundBefore = sample(before, 'guardbell_http_errors_total', { code: 'not_found' }) ?? 0;

    expectError(await anonymous.get('/api/v1/incidents'), 401, 'unauthorized');
    expectError(await anonymous.get('/api/v1/me'), 401, 'unauthorized');
    expectError(await anonymous.get('/api/v1/no-such-route'), 404, 'not_found');

    // Alarm-path events: a console alarm, a bell press and a message the gateway refuses.
    const staff = await t.login('staff');
    expect((await staff.post('/api/v1/incidents', { counterId: 'passport-3' })).status).toBe(201);
    const bell = await t.bell('B-0302');
    await bell.event(1, 'press');
    await bell.waitForAck({ seq: 1, state: 'received' });
    await bell.publish('event', 'this is not json');

    const res = await fetch(`${t.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await waitFor(
      async () => {
        const body = await (await fetch(`${t.url}/metrics`)).text();
        return (sample(body, 'guardbell_bell_messages_rejected_total') ?? 0) >= 1 ? body : undefined;
      },
      5_000,
      'a rejected bell message in /metrics',
    );
    expect(sample(text, 'guardbell_http_errors_total', { code: 'unauthorized' })).toBe(unauthorizedBefore + 2);
    expect(sample(text, 'guardbell_http_errors_total', { code: 'not_found' })).toBe(notFoundBefore + 1);
    for (const name of ['guardbell_http_errors_total', 'guardbell_bell_messages_rejected_total', 'guardbell_incidents_opened_total', 'guardbell_press_to_stored_seconds', 'guardbell_press_to_console_seconds']) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'guardbell_incidents_opened_total', { source: 'console', mode: 'live' })).toBe(1);
    expect(sample(text, 'guardbell_incidents_opened_total', { source: 'bell', mode: 'live' })).toBe(1);
    expect(sample(text, 'guardbell_press_to_stored_seconds_count')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'guardbell_press_to_console_seconds_count')).toBeGreaterThanOrEqual(1);
  });
});
