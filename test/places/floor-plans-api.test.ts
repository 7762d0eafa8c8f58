/** Floor plans ("where") per site and floor, in the database, and counters placed on them (both databases). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PLAN_BYTES } from '../../api/areas/floor-plans/image.ts';
import type { FloorPlanView } from '../../api/contract/floor-plans.ts';
import { START_TIMEOUT_MS, expectError, raw } from '../api/api-expect.ts';
import type { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { floorPlanPng, JPEG_HEAD } from './png.ts';

describe.each(['pglite', 'postgres'] as const)('floor plans (%s)', (db) => {
  let t: TestSystem;
  const as: Record<string, ApiClient> = {};
  const png = floorPlanPng(400, 250);
  const plans = (who: string) => as[who]!.get<{ items: FloorPlanView[] }>('/api/v1/floor-plans');
  const upload = (who: string, floor: string, body: Uint8Array, type = 'image/png', site = 'site-a') =>
    raw(`${t.url}/api/v1/sites/${site}/floor-plans/${encodeURIComponent(floor)}/image`, {
      method: 'PUT', body: new Uint8Array(body), headers: { authorization: `Bearer ${as[who]!.token}`, 'content-type': type },
    });
  const image = (who: string, floor = '1F', headers: Record<string, string> = {}) =>
    fetch(`${t.url}/api/v1/sites/site-a/floor-plans/${floor}/image`, { headers: { authorization: `Bearer ${as[who]!.token}`, ...headers } });
  const place = (who: string, floor: string, counter: string, body: unknown) =>
    as[who]!.request('PUT', `/api/v1/sites/site-a/floor-plans/${floor}/counters/${counter}`, body);

  beforeAll(async () => {
    t = await startTestSystem({ db, broker: 'aedes' });
    for (const who of ['manager', 'guard', 'guardb', 'staff', 'admin1', 'legal']) as[who] = await t.login(who);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('a manager of the site uploads a plan; the site\'s guards and managers and admins read it, nobody else', async () => {
    const r = await upload('manager', '1F', png);
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ siteId: 'site-a', floor: '1F', contentType: 'image/png', byteSize: png.length, counters: [] });

    for (const who of ['guard', 'manager', 'admin1', 'legal']) {
      const res = await image(who);
      expect(res.status, who).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
      expect((await plans(who)).body.items.map((p) => p.floor)).toEqual(['1F']);
    }
    // Staff of the site and a guard of another site: the plan does not exist for them.
    for (const who of ['staff', 'guardb']) {
      expect((await image(who)).status, who).toBe(404);
      expect((await plans(who)).body.items).toEqual([]);
      expectError(await as[who]!.get('/api/v1/sites/site-a/floor-plans'), 404, 'not_found');
    }
    expect((await fetch(`${t.url}/api/v1/sites/site-a/floor-plans/1F/image`)).status).toBe(401);
  });

  it('the image is revalidated by its hash', async () => {
    const first = await image('guard');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(first.headers.get('cache-control')).toContain('private');
    expect((await image('guard', '1F', { 'if-none-match': etag })).status).toBe(304);
  });

  it('refuses guards, other sites, and bad uploads with clear errors', async () => {
    expectError(await upload('guard', '1F', png), 403, 'forbidden');
    expectError(await upload('guardb', '1F', png), 404, 'not_found');
    expectError(await upload('staff', '1F', png), 404, 'not_found');
    expectError(await upload('manager', '1F', png, 'image/png', 'site-b'), 404, 'not_found');
    const text = expectError(await upload('manager', '2F', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'), 'image/png'), 415, 'unsupported_image');
    expect(text.message).toContain('PNG, JPEG or WebP');
    expectError(await upload('manager', '2F', Buffer.from('GIF89a\u0001\u0000'), 'image/gif'), 415, 'unsupported_image');
    expectError(await upload('manager', '2F', new Uint8Array()), 400, 'empty_upload');
    const big = Buffer.alloc(MAX_PLAN_BYTES + 1);
    png.copy(big);
    const tooBig = expectError(await upload('manager', '2F', big), 413, 'payload_too_large');
    expect(tooBig.message).toContain('5 MiB');
    expectError(await upload('manager', '../etc', png), 400, 'invalid_request');
    // Nothing of that was stored.
    expect((await plans('manager')).body.items.map((p) => p.floor)).toEqual(['1F']);
  });

  it('counters are placed and moved on their floor\'s plan, as fractions of the image', async () => {
    const placed = await place('manager', '1F', 'passport-3', { x: 0.25, y: 0.5 });
    expect(placed.status, JSON.stringify(placed.body)).toBe(200);
    expect(placed.body).toEqual({ siteId: 'site-a', floor: '1F', counterId: 'passport-3', x: 0.25, y: 0.5 });
    expect((await place('admin1', '1F', 'passport-3', { x: 0.75, y: 0.125 })).status).toBe(200);
    const [plan] = (await plans('guard')).body.items;
    expect(plan!.counters).toEqual([{ counterId: 'passport-3', x: 0.75, y: 0.125 }]);

    expectError(await place('guard', '1F', 'passport-3', { x: 0.1, y: 0.1 }), 403, 'forbidden');
    expectError(await place('manager', '1F', 'passport-3', { x: 1.5, y: 0.1 }), 400, 'invalid_request');
    expectError(await place('manager', '1F', 'passport-3', { x: '0.5', y: 0.1 }), 400, 'invalid_request');
    expectError(await place('manager', '1F', 'nope', { x: 0.5, y: 0.5 }), 422, 'unknown_counter');
    expectError(await place('manager', '1F', 'civil-1', { x: 0.5, y: 0.5 }), 422, 'unknown_counter');
    // welfare-1 is on 2F: not on the plan of 1F, and 2F has no plan yet.
    expectError(await place('manager', '1F', 'welfare-1', { x: 0.5, y: 0.5 }), 422, 'wrong_floor');
    expectError(await place('manager', '2F', 'welfare-1', { x: 0.5, y: 0.5 }), 422, 'no_floor_plan');

    // A new image of the floor (JPEG) keeps the placements.
    const replaced = await upload('manager', '1F', JPEG_HEAD, 'application/octet-stream');
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ contentType: 'image/jpeg', counters: [{ counterId: 'passport-3', x: 0.75, y: 0.125 }] });
    expect((await image('guard')).headers.get('content-type')).toBe('image/jpeg');
  });

  it('a plan can be taken away with its placements', async () => {
    expect((await upload('manager', '2F', png)).status).toBe(201);
    expect((await place('manager', '2F', 'welfare-1', { x: 0.5, y: 0.5 })).status).toBe(200);
    expectError(await as.guard!.request('DELETE', '/api/v1/sites/site-a/floor-plans/2F'), 403, 'forbidden');
    expect((await as.manager!.request('DELETE', '/api/v1/sites/site-a/floor-plans/2F/counters/welfare-1')).status).toBe(204);
    expectError(await as.manager!.request('DELETE', '/api/v1/sites/site-a/floor-plans/2F/counters/welfare-1'), 404, 'not_found');
    expect((await place('manager', '2F', 'welfare-1', { x: 0.5, y: 0.5 })).status).toBe(200);
    expect((await as.manager!.request('DELETE', '/api/v1/sites/site-a/floor-plans/2F')).status).toBe(204);
    const left = (await plans('manager')).body.items;
    expect(left.map((p) => p.floor)).toEqual(['1F']);
    expect((await image('guard', '2F')).status).toBe(404);
  });
});
