/**
 * Saves a screenshot of each places view to docs/screenshots/ (shown in README.md): the alarm wall with
 * the counter on its floor plan, an incident with its timeline, the floor-plan editor, the managers' board and
 * the bell health board. Real server, real bells over MQTT, Debian's Chromium, Korean (the default language).
 * Run: npm run build:console && npx vitest run test/browser/places-screenshots.test.ts
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legibleHangul, placeCounter, raiseAt, uploadPlan } from '../places/browser-support.ts';
import { floorPlanPng } from '../places/png.ts';
import { screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { ApiClient } from '../support/http.ts';
import type { RawBell } from '../support/mqtt.ts';
import type { TestSystem } from '../support/system.ts';

/** The whole page in one picture: a viewport as tall as the content. */
async function fullShot(page: Page, name: string, width = 1280): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width, height: Math.min(Math.max(height, 600), 2400) });
  await page.screenshot({ path: screenshotPath(name) });
}

const imagesLoaded = (page: Page) => page.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete && i.naturalWidth > 0));

describe('screenshots of the places views (Chromium)', () => {
  let rig: ConsoleRig;
  let t: TestSystem;
  let staff: ApiClient;
  let guard: ApiClient;
  let manager: ApiClient;
  const bells: RawBell[] = [];

  beforeAll(async () => {
    rig = await startConsoleRig({ signIn: { connectTimeoutMs: 15_000 } });
    ({ t } = rig);
    [staff, guard, manager] = await Promise.all([t.login('staff'), t.login('guard'), t.login('manager')]);
    await uploadPlan(t.url, manager, '1F', floorPlanPng(800, 500));
    await uploadPlan(t.url, manager, '2F', floorPlanPng(800, 500));
    await placeCounter(manager, '1F', 'passport-3', 0.3, 0.25);
    await placeCounter(manager, '2F', 'welfare-1', 0.7, 0.75);
    // Bells that speak: one healthy and tested, one on a low battery; the keyed one never heard from.
    const b1 = await t.bell('B-0301');
    const b2 = await t.bell('B-0302');
    bells.push(b1, b2);
    await b1.publish('heartbeat', JSON.stringify({ battery: 86, rssi: -61, fw: '1.4.2' }), { qos: 0 });
    await b2.publish('heartbeat', JSON.stringify({ battery: 14, rssi: -78, fw: '1.4.0' }), { qos: 0 });
    await b1.event(1, 'test');
    await b1.waitForAck({ seq: 1, state: 'received' });
  }, 180_000);
  afterAll(async () => {
    for (const b of bells) await b.close();
    await rig?.close();
  });

  it('alarm wall, incident with timeline, floor plans, managers, bell health', async () => {
    const guardPage = await rig.signIn('guard', { viewport: { width: 1280, height: 900 } });
    await legibleHangul(guardPage);
    await guardPage.getByTestId('arm-sound').click();
    await bells[0]!.event(2, 'press');
    const ack = await bells[0]!.waitForAck({ seq: 2, state: 'received' });
    const id = ack.incident!;
    await guardPage.getByTestId(`alarm-plan-${id}`).waitFor({ timeout: 5_000 });
    await imagesLoaded(guardPage);
    await guardPage.screenshot({ path: screenshotPath('alarm-wall.png') });

    await guardPage.getByTestId(`ack-${id}`).click();
    await guardPage.getByTestId(`alarm-item-${id}`).waitFor({ state: 'detached', timeout: 5_000 });
    expect((await guard.post(`/api/v1/incidents/${id}/events`, { type: 'responding' })).status).toBe(200);
    expect((await guard.post(`/api/v1/incidents/${id}/events`, { type: 'guard_on_scene', note: '민원인 진정, 직원 분리 준비' })).status).toBe(200);
    await guardPage.getByTestId(`incident-row-${id}`).click();
    await guardPage.getByTestId('detail-plan').waitFor({ timeout: 5_000 });
    await expect.poll(() => guardPage.getByTestId('timeline').textContent()).toContain('현장 도착');
    await imagesLoaded(guardPage);
    await fullShot(guardPage, 'incident-timeline.png');

    await guardPage.setViewportSize({ width: 1280, height: 900 });
    await guardPage.locator('.view-nav button[data-view="bell-health"]').click();
    await guardPage.getByTestId('health-row-B-K1').waitFor();
    await expect.poll(() => guardPage.getByTestId('health-trouble-B-0302').textContent()).toContain('배터리 부족');
    await expect.poll(() => guardPage.getByTestId('health-test-B-0301').textContent()).not.toContain('없음');
    await fullShot(guardPage, 'bell-health.png');

    // The managers' board: one incident closed with its kind, another open and not reached (no SMS set up).
    expect((await manager.post(`/api/v1/incidents/${id}/close`, { outcome: '민원인 귀가', classification: ['verbal_abuse', 'threat'] })).status).toBe(200);
    const openId = await raiseAt(staff, 'welfare-1');
    const managerPage = await rig.signIn('manager', { viewport: { width: 1280, height: 900 } });
    await legibleHangul(managerPage);
    await managerPage.getByTestId(`ack-${openId}`).waitFor();
    await managerPage.locator('.view-nav button[data-view="managers"]').click();
    await expect.poll(() => managerPage.getByTestId(`mgr-not-reached-${openId}`).textContent(), { timeout: 10_000 }).toContain('Kim Guard');
    await managerPage.getByTestId(`mgr-history-${id}`).waitFor();
    await imagesLoaded(managerPage);
    await fullShot(managerPage, 'managers.png');

    await managerPage.setViewportSize({ width: 1280, height: 900 });
    await managerPage.getByTestId(`ack-${openId}`).click();
    await managerPage.getByTestId(`alarm-item-${openId}`).waitFor({ state: 'detached', timeout: 5_000 });
    await managerPage.locator('.view-nav button[data-view="floor-plans"]').click();
    await managerPage.getByTestId('plan-select-passport-3').click();
    await managerPage.getByTestId('floor-plans').getByTestId('plan-marker-passport-3').waitFor();
    await imagesLoaded(managerPage);
    await fullShot(managerPage, 'floor-plan.png');
    await guardPage.close();
    await managerPage.close();
  }, 90_000);
});
