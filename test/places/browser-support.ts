/** Shared steps of the places browser tests: a site with a floor plan and its counters placed, and legible Hangul. */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { ApiClient } from '../support/http.ts';
import { floorPlanPng } from './png.ts';

export async function uploadPlan(url: string, manager: ApiClient, floor: string, png = floorPlanPng()): Promise<void> {
  const r = await fetch(`${url}/api/v1/sites/site-a/floor-plans/${floor}/image`, {
    method: 'PUT', body: new Uint8Array(png), headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'image/png' },
  });
  expect(r.status).toBeLessThan(300);
}

export async function placeCounter(manager: ApiClient, floor: string, counterId: string, x: number, y: number): Promise<void> {
  const r = await manager.request('PUT', `/api/v1/sites/site-a/floor-plans/${floor}/counters/${counterId}`, { x, y });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

export async function raiseAt(staff: ApiClient, counterId: string): Promise<string> {
  const r = await staff.post('/api/v1/incidents', { counterId });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const FONT_DIR = new URL('../../api/reports/fonts/', import.meta.url);

/**
 * Screenshots only: the test machine's Chromium has no Hangul font, so Korean would show as boxes. Serves the
 * Gothic A1 font the PDF reports already use (api/reports/fonts) to this page and puts it first.
 */
export async function legibleHangul(page: Page): Promise<void> {
  const { readFile } = await import('node:fs/promises');
  const files: Record<string, URL> = {
    '400': new URL('GothicA1_400Regular.ttf', FONT_DIR),
    '700': new URL('GothicA1_700Bold.ttf', FONT_DIR),
  };
  await page.route('**/__screenshot-font/*', async (route) => {
    const weight = new URL(route.request().url()).pathname.split('/').pop()!.replace('.ttf', '');
    const file = files[weight];
    if (!file) return route.fulfill({ status: 404 });
    return route.fulfill({ status: 200, contentType: 'font/ttf', body: await readFile(file) });
  });
  await page.addStyleTag({
    content: `@font-face { font-family: 'Hangul Shot'; font-weight: 100 500; src: url('/__screenshot-font/400.ttf'); }
@font-face { font-family: 'Hangul Shot'; font-weight: 600 900; src: url('/__screenshot-font/700.ttf'); }
:root, button, input, select, textarea { font-family: 'Hangul Shot', system-ui, sans-serif !important; }`,
  });
  await page.evaluate(async () => {
    await document.fonts.load("400 16px 'Hangul Shot'", '가');
    await document.fonts.load("700 16px 'Hangul Shot'", '가');
  });
}
