/**
 * In Chromium: the alarm shows its counter on the floor plan; a dropped socket is reported at once and
 * the alarm raised meanwhile shows after the reconnect; Korean and English; what staff, guards and managers see;
 * the console at 360 px; alarms announced by aria-live; managers edit plans with the mouse and the keyboard.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FloorPlanView } from '../../api/contract/floor-plans.ts';
import { placeCounter, raiseAt, uploadPlan } from '../places/browser-support.ts';
import { floorPlanPng } from '../places/png.ts';
import { signInOn } from '../support/browser.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { PHONE, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/system.ts';

describe('places in the console (Chromium)', () => {
  let rig: ConsoleRig;
  let t: TestSystem;
  let staff: ApiClient;
  let guard: ApiClient;
  let manager: ApiClient;
  const pages: Page[] = [];
  const open = async (username: string, viewport?: { width: number; height: number }, url?: string) => {
    const page = await rig.signIn(username, { viewport, url });
    pages.push(page);
    return page;
  };
  /** Acknowledges every alarm a test left ringing, so the next test starts quiet. */
  const quiet = async () => {
    const openOnes = (await guard.get('/api/v1/incidents?status=open')).body.items as { id: string; status: string }[];
    for (const i of openOnes.filter((x) => x.status === 'triggered')) await guard.post(`/api/v1/incidents/${i.id}/acknowledge`);
  };

  beforeAll(async () => {
    rig = await startConsoleRig({ signIn: { connectTimeoutMs: 15_000 } });
    ({ t } = rig);
    [staff, guard, manager] = await Promise.all([t.login('staff'), t.login('guard'), t.login('manager')]);
    await uploadPlan(t.url, manager, '1F');
    await placeCounter(manager, '1F', 'passport-3', 0.3, 0.25);
  }, 180_000);
  afterEach(async () => {
    for (const p of pages.splice(0)) await p.close();
    await quiet();
  });
  afterAll(() => rig?.close());

  it('the alarm shows the counter on the floor plan, in the banner and the detail, announced by aria-live (Korean)', async () => {
    const page = await open('guard');
    const id = await raiseAt(staff, 'passport-3');
    const banner = page.getByTestId('alarm-banner');
    await banner.waitFor({ timeout: 5_000 });
    expect(await banner.getAttribute('aria-live')).toBe('assertive');
    expect(await banner.getAttribute('role')).toBe('alert');

    const where = page.getByTestId(`alarm-plan-${id}`);
    await where.waitFor({ timeout: 5_000 });
    expect(await where.locator('figcaption').textContent()).toBe('위치 — 1F');
    const marker = where.getByTestId('plan-marker-passport-3');
    // The marker is a shape with words, not a colour: its label names the counter, and so does its description.
    expect(await marker.getAttribute('aria-label')).toBe('Passport counter 3 위치: 1F 평면도');
    expect(await marker.locator('.places-marker-label').textContent()).toBe('여기 · Passport counter 3');
    expect(await marker.locator('.places-marker-ring').textContent()).toBe('✚');
    // Drawn where it was placed: 30 % across, 25 % down the image.
    const img = await where.locator('img').boundingBox();
    const ring = await marker.locator('.places-marker-ring').boundingBox();
    expect(img && ring).toBeTruthy();
    expect(Math.abs(ring!.x + ring!.width / 2 - (img!.x + img!.width * 0.3))).toBeLessThan(3);
    expect(Math.abs(ring!.y + ring!.height / 2 - (img!.y + img!.height * 0.25))).toBeLessThan(3);
    expect(await where.locator('img').evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(800);

    await page.getByTestId(`incident-row-${id}`).click();
    const detailPlan = page.getByTestId('incident-detail').getByTestId('detail-plan');
    await detailPlan.waitFor({ timeout: 5_000 });
    expect(await detailPlan.getByTestId('plan-marker-passport-3').getAttribute('aria-label')).toContain('Passport counter 3');
  });

  it('an alarm at a counter without a place shows no plan, and the alarm is not held up', async () => {
    const page = await open('guard');
    const id = await raiseAt(staff, 'welfare-1');
    await page.getByTestId(`alarm-item-${id}`).waitFor({ timeout: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await page.getByTestId(`alarm-plan-${id}`).count()).toBe(0);
  });

  it('in English the same alarm reads in English', async () => {
    const page = await open('guard2');
    const id = await raiseAt(staff, 'passport-3');
    const where = page.getByTestId(`alarm-plan-${id}`);
    await where.waitFor({ timeout: 5_000 });
    expect(await where.locator('figcaption').textContent()).toBe('Where — 1F');
    expect(await where.getByTestId('plan-marker-passport-3').getAttribute('aria-label')).toBe('Passport counter 3 on the 1F plan');
    expect(await page.getByTestId(`ack-${id}`).textContent()).toContain('Acknowledge');
    expect(await page.locator('.view-nav').textContent()).toContain('Floor plans');
    expect(await page.locator('.view-nav').textContent()).toContain('Bell health');
  });

  it('the floor plans could not be read when the console opened: read again, the alarm shows its plan', async () => {
    const page = await rig.browser.newPage({ viewport: { width: 1280, height: 900 } });
    pages.push(page);
    let refused = 0;
    await page.route('**/api/v1/floor-plans', async (route) => {
      if (refused === 0) {
        refused += 1;
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
    await signInOn(page, t.url, 'guard', 15_000);
    await expect.poll(() => refused, { timeout: 10_000 }).toBe(1);
    const id = await raiseAt(staff, 'passport-3');
    await page.getByTestId(`alarm-item-${id}`).waitFor({ timeout: 5_000 });
    await page.getByTestId(`alarm-plan-${id}`).getByTestId('plan-marker-passport-3').waitFor({ timeout: 10_000 });
  }, 60_000);

  it('a dropped socket says disconnected at once; the alarm raised meanwhile shows after the reconnect', async () => {
    const proxy = await FaultProxy.forUrl(t.url);
    try {
      const page = await open('guard', undefined, proxy.url);
      const status = page.getByTestId('stream-status');
      proxy.cut();
      await status.and(page.locator('[data-state="disconnected"]')).waitFor({ timeout: 2_000 });
      expect(await status.textContent()).toContain('연결 끊김');
      expect(await status.getAttribute('aria-live')).toBe('assertive');

      const id = await raiseAt(staff, 'passport-3');
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Still cut: nothing could reach this console.
      expect(await page.getByTestId(`alarm-item-${id}`).count()).toBe(0);
      expect(await status.getAttribute('data-state')).toBe('disconnected');

      proxy.restore();
      await status.and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
      await page.getByTestId(`alarm-item-${id}`).waitFor({ timeout: 5_000 });
      await page.getByTestId(`alarm-plan-${id}`).waitFor({ timeout: 5_000 });

      // And the stream works again: a new alarm arrives live.
      const next = await raiseAt(staff, 'welfare-1');
      await page.getByTestId(`alarm-item-${next}`).waitFor({ timeout: 5_000 });
    } finally {
      await proxy.close();
    }
  }, 60_000);

  it('staff, guards and managers see what their roles allow', async () => {
    const id = await raiseAt(staff, 'passport-3');
    const staffPage = await open('staff', PHONE);
    await staffPage.getByTestId('panic-button').waitFor();
    expect(await staffPage.locator('.view-nav button[data-view="floor-plans"]').count()).toBe(0);
    expect(await staffPage.locator('.view-nav button[data-view="managers"]').count()).toBe(0);
    expect(await staffPage.locator('.view-nav button[data-view="bell-health"]').count()).toBe(0);
    expect(await staffPage.getByTestId('alarm-banner').count()).toBe(0);
    // Staff open their own incident: no plan (the API refuses them the plans too).
    await staffPage.getByTestId(`incident-row-${id}`).click();
    await staffPage.getByTestId('incident-detail').waitFor();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await staffPage.getByTestId('detail-plan').count()).toBe(0);
    expect((await staffPage.request.get(`${t.url}/api/v1/sites/site-a/floor-plans/1F/image`)).status()).toBe(404);

    const guardPage = await open('guard');
    await guardPage.locator('.view-nav button[data-view="floor-plans"]').click();
    await guardPage.getByTestId('floor-plans').waitFor();
    await guardPage.getByTestId('floor-plans').getByTestId('plan-frame-site-a-1F').waitFor();
    expect(await guardPage.getByTestId('plan-upload').count()).toBe(0);
    expect(await guardPage.getByTestId('plan-select-passport-3').count()).toBe(0);
    expect(await guardPage.getByTestId('floor-plans').textContent()).toContain('관리자와 시스템 관리자만');
    expect(await guardPage.locator('.view-nav button[data-view="managers"]').count()).toBe(0);
    expect((await guardPage.request.get(`${t.url}/api/v1/managers/open`)).status()).toBe(403);
    await guardPage.locator('.view-nav button[data-view="bell-health"]').click();
    await guardPage.getByTestId('health-row-B-0301').waitFor();
    // Never heard from: offline, in words and an icon.
    expect(await guardPage.getByTestId('health-online-B-0301').textContent()).toContain('끊김');
    expect(await guardPage.getByTestId('health-test-B-0301').textContent()).toContain('없음');
    expect(await guardPage.getByTestId('health-row-B-0901').count()).toBe(0);

    const managerPage = await open('manager');
    await managerPage.locator('.view-nav button[data-view="managers"]').click();
    const item = managerPage.getByTestId(`mgr-open-${id}`);
    await item.waitFor({ timeout: 5_000 });
    expect(await item.textContent()).toContain('Passport counter 3');
    await expect.poll(() => managerPage.getByTestId(`mgr-step-${id}`).textContent(), { timeout: 10_000 }).toContain('alert');
    await expect.poll(() => managerPage.getByTestId(`mgr-not-reached-${id}`).textContent(), { timeout: 10_000 }).toContain('Kim Guard');
    await managerPage.getByTestId(`mgr-history-${id}`).waitFor();
    await managerPage.locator('.view-nav button[data-view="floor-plans"]').click();
    await managerPage.getByTestId('plan-upload').waitFor();
  }, 60_000);

  it('at 360 px the alarm and its acknowledge button fit the width; nothing scrolls sideways', async () => {
    const page = await open('guard', PHONE);
    const id = await raiseAt(staff, 'passport-3');
    await page.getByTestId(`alarm-plan-${id}`).locator('img').waitFor();
    await page.waitForFunction((sel) => {
      const img = document.querySelector<HTMLImageElement>(sel);
      return Boolean(img && img.complete && img.naturalWidth > 0);
    }, `[data-testid="alarm-plan-${id}"] img`);
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
      // What sticks out, to name it when this fails.
      wide: [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5
          && ![...el.children].some((c) => c.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5))
        .slice(0, 5).map((el) => `${el.tagName}.${el.className} ${Math.round(el.getBoundingClientRect().right)}`),
    }));
    expect(widths.scroll, widths.wide.join('; ')).toBeLessThanOrEqual(widths.client);
    for (const testId of ['alarm-banner', `ack-${id}`, `alarm-plan-${id}`]) {
      const box = await page.getByTestId(testId).boundingBox();
      expect(box, testId).toBeTruthy();
      expect(box!.x, testId).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, testId).toBeLessThanOrEqual(360);
    }
    await page.getByTestId(`ack-${id}`).click();
    await page.getByTestId(`alarm-item-${id}`).waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('a manager uploads a plan and places counters by clicking it and with the keyboard', async () => {
    const page = await open('manager');
    await page.locator('.view-nav button[data-view="floor-plans"]').click();
    await page.getByTestId('plan-floor').selectOption('2F');
    await page.getByTestId('plan-missing').waitFor();
    // Not an image: refused with the server's words, nothing changes.
    await page.getByTestId('plan-upload').setInputFiles({ name: 'plan.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') });
    await expect.poll(() => page.getByTestId('plan-error').textContent()).toContain('PNG, JPEG or WebP');
    await page.getByTestId('plan-upload').setInputFiles({ name: 'second-floor.png', mimeType: 'image/png', buffer: floorPlanPng(600, 400) });
    await page.getByTestId('floor-plans').getByTestId('plan-frame-site-a-2F').waitFor({ timeout: 5_000 });

    // Mouse: select the counter, click the plan at 75 % across, 40 % down.
    await page.getByTestId('plan-select-welfare-1').click();
    const img = page.getByTestId('floor-plans').getByTestId('plan-frame-site-a-2F').locator('img');
    await page.waitForFunction(() => [...document.querySelectorAll('img')].every((i) => i.complete));
    const box = (await img.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.75, box.y + box.height * 0.4);
    await page.getByTestId('plan-notice').waitFor();
    const placed = async () => ((await manager.get<{ items: FloorPlanView[] }>('/api/v1/floor-plans')).body.items.find((p) => p.floor === '2F')?.counters ?? []);
    await expect.poll(async () => (await placed())[0]?.counterId).toBe('welfare-1');
    expect((await placed())[0]!.x).toBeCloseTo(0.75, 1);
    expect((await placed())[0]!.y).toBeCloseTo(0.4, 1);
    await page.getByTestId('plan-marker-welfare-1').waitFor();

    // Keyboard only: Tab to the fields, type, Enter.
    await page.getByTestId('plan-x').focus();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('12.5');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('80');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await placed())[0]?.x).toBe(0.125);
    expect((await placed())[0]!.y).toBe(0.8);
    await expect.poll(() => page.getByTestId('plan-counter-welfare-1').textContent()).toContain('12.5%');
    // Drawn there on the image (not on the frame around it).
    const planImg = (await img.boundingBox())!;
    const ring = (await page.getByTestId('floor-plans').getByTestId('plan-marker-welfare-1').locator('.places-marker-ring').boundingBox())!;
    expect(Math.abs(ring.x + ring.width / 2 - (planImg.x + planImg.width * 0.125))).toBeLessThan(3);
    expect(Math.abs(ring.y + ring.height / 2 - (planImg.y + planImg.height * 0.8))).toBeLessThan(3);

    // The guard's alarm for that counter now shows the second floor.
    const guardPage = await open('guard');
    const id = await raiseAt(staff, 'welfare-1');
    const where = guardPage.getByTestId(`alarm-plan-${id}`);
    await where.waitFor({ timeout: 5_000 });
    expect(await where.locator('figcaption').textContent()).toBe('위치 — 2F');
  }, 60_000);
});
