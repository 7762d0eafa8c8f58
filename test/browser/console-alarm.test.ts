import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualBell } from '../../firmware-bridge/index.ts';
import { launchChromium, sendPanic } from '../support/browser.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const dist = fileURLToPath(new URL('../../console-ui/dist/index.html', import.meta.url));
const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

describe('the console in Chromium', () => {
  let t: TestSystem;
  let browser: Browser;
  let bell: VirtualBell;

  beforeAll(async () => {
    if (!existsSync(dist)) throw new Error('console-ui is not built: npm test builds it first (npm run build:console)');
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    browser = await launchChromium();
    bell = new VirtualBell({
      bellId: 'B-0301',
      mqttUrl: t.mqttUrl,
      topicRoot: t.topicRoot,
      stateDir: mkdtempSync(join(tmpdir(), 'gb-bell-')),
      retransmitMs: 2_000,
    });
    await bell.start();
  });
  afterAll(async () => {
    await bell?.stop();
    await browser?.close();
    await t?.close();
  });

  it('virtual bell press → the console rings → acknowledge → the bell is told acknowledged', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(t.url);
    await page.getByTestId('login-username').fill('guard');
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });
    await page.getByTestId('arm-sound').click();

    const received = await bell.send('press');
    expect(received.state).toBe('received');
    const incident = received.incident!;
    const banner = page.getByTestId('alarm-banner');
    await banner.waitFor({ state: 'visible', timeout: 5_000 });
    await expect.poll(() => banner.textContent()).toContain('Passport counter 3');
    await page.screenshot({ path: join(screenshots, 'alarm.png') });

    await page.getByTestId(`ack-${incident}`).click();
    const acknowledged = await bell.waitForState('acknowledged', { incident, timeoutMs: 5_000 });
    expect(acknowledged.seq).toBe(received.seq);
    await banner.waitFor({ state: 'hidden', timeout: 5_000 });

    // The incident's timeline shows the press and the acknowledgement by this guard.
    await page.getByTestId(`incident-row-${incident}`).click();
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.textContent()).toContain('Kim Guard');
    await page.screenshot({ path: join(screenshots, 'incident.png') });
    await page.close();
  });

  it('staff raise an alarm with the software panic button and a guard sees it', async () => {
    const guardPage = await browser.newPage();
    await guardPage.goto(t.url);
    await guardPage.getByTestId('login-username').fill('guard');
    await guardPage.getByTestId('login-password').fill(PASSWORD);
    await guardPage.getByTestId('login-submit').click();
    await guardPage.getByTestId('stream-status').and(guardPage.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });

    const staff = await browser.newPage({ viewport: { width: 360, height: 740 } });
    await staff.goto(t.url);
    await staff.getByTestId('login-username').fill('staff');
    await staff.getByTestId('login-password').fill(PASSWORD);
    await staff.getByTestId('login-submit').click();
    await sendPanic(staff, 'site-a/passport-3');
    await staff.getByTestId('panic-sent').waitFor({ timeout: 5_000 });
    await staff.screenshot({ path: join(screenshots, 'staff-panic.png') });

    await guardPage.getByTestId('alarm-banner').waitFor({ state: 'visible', timeout: 5_000 });
    await expect.poll(() => guardPage.getByTestId('alarm-banner').textContent()).toContain('Passport counter 3');
    await guardPage.close();
    await staff.close();
  });
});
