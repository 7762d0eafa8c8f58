import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualBell } from '../../firmware-bridge/index.ts';
import { sendPanic, submitSignIn } from '../support/browser.ts';
import { PHONE, screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { TestSystem } from '../support/system.ts';

describe('the console in Chromium', () => {
  let rig: ConsoleRig;
  let t: TestSystem;
  let bell: VirtualBell;

  beforeAll(async () => {
    rig = await startConsoleRig();
    ({ t } = rig);
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
    await rig?.close();
  });

  it('virtual bell press → the console rings → acknowledge → the bell is told acknowledged', async () => {
    const page = await rig.signIn('guard', { viewport: { width: 1280, height: 800 } });
    await page.getByTestId('arm-sound').click();

    const received = await bell.send('press');
    expect(received.state).toBe('received');
    const incident = received.incident!;
    const banner = page.getByTestId('alarm-banner');
    await banner.waitFor({ state: 'visible', timeout: 5_000 });
    await expect.poll(() => banner.textContent()).toContain('Passport counter 3');
    await page.screenshot({ path: screenshotPath('alarm.png') });

    await page.getByTestId(`ack-${incident}`).click();
    const acknowledged = await bell.waitForState('acknowledged', { incident, timeoutMs: 5_000 });
    expect(acknowledged.seq).toBe(received.seq);
    await banner.waitFor({ state: 'hidden', timeout: 5_000 });

    // The incident's timeline shows the press and the acknowledgement by this guard.
    await page.getByTestId(`incident-row-${incident}`).click();
    const timeline = page.getByTestId('timeline');
    await expect.poll(() => timeline.textContent()).toContain('Kim Guard');
    await page.screenshot({ path: screenshotPath('incident.png') });
    await page.close();
  });

  it('staff raise an alarm with the software panic button and a guard sees it', async () => {
    const guardPage = await rig.signIn('guard');

    // Staff press at once, not waiting for their live stream.
    const staff = await rig.browser.newPage({ viewport: PHONE });
    await submitSignIn(staff, t.url, 'staff');
    await sendPanic(staff, 'site-a/passport-3');
    await staff.getByTestId('panic-sent').waitFor({ timeout: 5_000 });
    await staff.screenshot({ path: screenshotPath('staff-panic.png') });

    await guardPage.getByTestId('alarm-banner').waitFor({ state: 'visible', timeout: 5_000 });
    await expect.poll(() => guardPage.getByTestId('alarm-banner').textContent()).toContain('Passport counter 3');
    await guardPage.close();
    await staff.close();
  });
});
