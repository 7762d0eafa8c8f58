/**
 * The guard desk never falls silent (Chromium, real server): a session is renewed while the console is
 * connected; a session that really ends is said loudly, with sound, and alarms are not lost; a lost
 * connection is heard and the sound bar stops claiming all is well; the armed sound survives a reload,
 * and a browser that blocks autoplay is named plainly.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raiseAt } from '../places/browser-support.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { sendPanic, signInOn, switchLanguage } from '../support/browser.ts';
import { PHONE, screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import { PASSWORD, testProvisioning } from '../support/fixtures.ts';
import type { TestSystem } from '../support/system.ts';

/** Six seconds: the console renews every two, so three lifetimes pass while the test watches. */
const TTL_MS = 6_000;
const TROUBLE_LOW_HZ = 392;

/** Records every pitch the page asks WebAudio for: the sound is asserted by the audio call itself. */
const RECORD_TONES = `
  window.__tones = [];
  const setValueAtTime = AudioParam.prototype.setValueAtTime;
  AudioParam.prototype.setValueAtTime = function (value, time) {
    if (value > 100) window.__tones.push(value);
    return setValueAtTime.call(this, value, time);
  };`;

const tones = (page: Page) => page.evaluate(() => (window as unknown as { __tones: number[] }).__tones.slice());
const clearTones = (page: Page) => page.evaluate(() => { (window as unknown as { __tones: number[] }).__tones.length = 0; });
/** A fresh staff login each time: the short session lifetime ends an older one. */
const raise = async (t: TestSystem, counterId: string) => raiseAt(await t.login('staff'), counterId);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the guard desk in Chromium', () => {
  let rig: ConsoleRig;
  let t: TestSystem;

  beforeAll(async () => {
    rig = await startConsoleRig({ system: { env: { SESSION_TTL_HOURS: String(TTL_MS / 3_600_000) } } });
    ({ t } = rig);
  }, 180_000);
  afterAll(() => rig?.close());

  async function guardDesk(url = t.url): Promise<Page> {
    const context = await rig.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(RECORD_TONES);
    const page = await context.newPage();
    await signInOn(page, url, 'guard');
    await page.getByTestId('arm-sound').click();
    await page.getByTestId('sound-armed').waitFor();
    return page;
  }

  it('an open console stays signed in for three lifetimes of its session, and rings', async () => {
    const page = await guardDesk();
    try {
      await sleep(3 * TTL_MS);
      expect(await page.getByTestId('session-ended').count()).toBe(0);
      expect(await page.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(200);
      const id = await raise(t, 'passport-3');
      await page.getByTestId(`alarm-item-${id}`).waitFor({ timeout: 5_000 });
      await page.getByTestId('sound-armed').waitFor();
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('a session that really ends is said loudly, with the trouble tone; an alarm meanwhile is shown, and signing in again keeps the console', async () => {
    const page = await guardDesk();
    try {
      const token = (await page.context().cookies()).find((c) => c.name === 'gb_session')!.value;
      await clearTones(page);
      const out = await fetch(`${t.url}/api/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      expect(out.status).toBe(204);

      const ended = page.getByTestId('session-ended');
      await ended.waitFor({ timeout: 10_000 });
      expect(await ended.textContent()).toContain('알림을 받지 못하고 있습니다');
      await expect.poll(async () => (await tones(page)).filter((hz) => hz === TROUBLE_LOW_HZ).length, { timeout: 8_000 }).toBeGreaterThanOrEqual(2);
      // Not the login page: the console (and its sound bar) is still there, saying it cannot receive.
      expect(await page.getByTestId('login-form').count()).toBe(0);
      await page.getByTestId('sound-not-receiving').waitFor();

      const id = await raise(t, 'passport-3');
      await page.getByTestId('relogin-password').fill(PASSWORD);
      await page.getByTestId('relogin-submit').click();
      await ended.waitFor({ state: 'hidden', timeout: 10_000 });
      await page.getByTestId(`alarm-item-${id}`).waitFor({ timeout: 10_000 });
      await page.getByTestId('sound-armed').waitFor({ timeout: 10_000 });
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('a lost connection is heard, and the sound bar stops saying all is well until it is back', async () => {
    const proxy = await FaultProxy.forUrl(t.url);
    const page = await guardDesk(proxy.url);
    try {
      await clearTones(page);
      proxy.cut();
      await page.getByTestId('stream-status').and(page.locator('[data-state="disconnected"]')).waitFor({ timeout: 3_000 });
      await page.getByTestId('sound-not-receiving').waitFor({ timeout: 5_000 });
      expect(await page.getByTestId('sound-armed').count()).toBe(0);
      await expect.poll(async () => (await tones(page)).includes(TROUBLE_LOW_HZ), { timeout: 8_000 }).toBe(true);
      await page.screenshot({ path: screenshotPath('disconnected.png') });

      proxy.restore();
      await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
      await page.getByTestId('sound-armed').waitFor({ timeout: 5_000 });
      await clearTones(page);
      await sleep(3_000);
      expect(await tones(page)).not.toContain(TROUBLE_LOW_HZ);
    } finally {
      await page.context().close();
      await proxy.close();
    }
  }, 120_000);

  it('the armed sound survives a reload; a browser that blocks autoplay is told plainly and arms on the next click', async () => {
    const page = await guardDesk();
    try {
      await page.reload();
      await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });
      await page.getByTestId('sound-armed').waitFor({ timeout: 5_000 });

      // A browser whose autoplay policy refuses (this Chromium is launched allowing autoplay, so the policy is
      // played here): a context starts suspended, and resume() never settles until the user clicks or types in this
      // document. navigator.userActivation is not used: Chromium carries a recent click across a reload, so on a fast
      // machine the console would arm from the click before the reload.
      await page.context().addInitScript(`
        let gestured = false;
        const mark = (event) => { if (event.isTrusted) gestured = true; };
        window.addEventListener('pointerdown', mark, true);
        window.addEventListener('keydown', mark, true);
        const Real = window.AudioContext;
        window.AudioContext = class extends Real {
          constructor(...args) { super(...args); this.blockedByPolicy = !gestured; if (this.blockedByPolicy) void Real.prototype.suspend.call(this); }
          get state() { return this.blockedByPolicy ? 'suspended' : super.state; }
          resume() {
            if (!gestured) return new Promise(() => {});
            this.blockedByPolicy = false;
            return super.resume();
          }
        };`);
      await page.reload();
      const warning = page.getByTestId('sound-warning');
      await expect.poll(() => warning.textContent(), { timeout: 10_000 }).toContain('자동 재생을 막아');
      await page.getByTestId('stream-status').click();
      await page.getByTestId('sound-armed').waitFor({ timeout: 5_000 });
    } finally {
      await page.context().close();
    }
  }, 120_000);

  it('a cancel is not an all-clear: it stays on the wall and on the staff phone until a guard records the check', async () => {
    const guard = await guardDesk();
    const staffPage = await rig.signIn('staff', { viewport: PHONE });
    try {
      // A bell cancelled at the counter within its window.
      const bell = await t.bell('B-0302');
      await bell.event(1, 'press');
      const pressed = await bell.waitForAck({ seq: 1, state: 'received' });
      await bell.event(2, 'cancel');
      await bell.waitForAck({ seq: 2, state: 'cancelled' });
      const atCounter = guard.getByTestId(`cancel-notice-${pressed.incident}`);
      await atCounter.waitFor({ timeout: 5_000 });
      expect(await atCounter.textContent()).toContain('취소됨 — 직접 확인 필요');
      expect(await atCounter.textContent()).toContain('창구에서 취소');

      // Staff's own alarm cancelled by a manager: the staff phone says so too.
      const id = await raise(t, 'passport-3');
      const cancelled = await (await t.login('manager')).post(`/api/v1/incidents/${id}/cancel`, { reason: 'staff said it was a mistake' });
      expect(cancelled.status).toBe(200);
      const onWall = guard.getByTestId(`cancel-notice-${id}`);
      const onPhone = staffPage.getByTestId(`cancel-notice-${id}`);
      await onWall.waitFor({ timeout: 5_000 });
      await onPhone.waitFor({ timeout: 5_000 });
      expect(await onPhone.textContent()).toContain('취소됨 — 직접 확인 필요');
      expect(await onPhone.getByRole('button').count()).toBe(0);
      await guard.screenshot({ path: screenshotPath('cancel-notice.png') });
      await staffPage.screenshot({ path: screenshotPath('staff-cancel-notice.png') });

      // Still there after a reload: the notice is the server's, not the page's memory.
      await guard.reload();
      await onWall.waitFor({ timeout: 10_000 });
      await guard.getByTestId(`cancel-check-${id}`).click();
      await onWall.waitFor({ state: 'hidden', timeout: 5_000 });
      await onPhone.waitFor({ state: 'hidden', timeout: 10_000 });
      expect(await atCounter.count()).toBe(1);

      const detail = await (await t.login('guard')).get<{ timeline: { kind: string; actorName: string | null }[] }>(`/api/v1/incidents/${id}`);
      expect(detail.body.timeline.find((e) => e.kind === 'cancel_checked')?.actorName).toBe('Kim Guard');
    } finally {
      await guard.context().close();
      await staffPage.close();
    }
  }, 120_000);

  it('the panic button at 360 px: it asks for the counter first, remembers it, takes a provisioned counter, and a short press sends nothing', async () => {
    const phone = { viewport: PHONE };
    const page = await rig.signIn('staff', phone);
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/incidents') posts.push(r.url()); });
    try {
      // Nothing known of this person or device: no counter is guessed, and the button asks.
      expect(await page.getByTestId('panic-counter').inputValue()).toBe('');
      await page.getByTestId('panic-button').click();
      await page.getByTestId('panic-choose-first').waitFor();
      expect(await page.getByTestId('panic-confirm').count()).toBe(0);

      await page.getByTestId('panic-counter').selectOption('site-a/welfare-1');
      await page.getByTestId('panic-button').click();
      expect(await page.getByTestId('panic-where').textContent()).toContain('Welfare counter 1');
      // A press let go before the bar is full sends nothing and says so.
      const confirm = page.getByTestId('panic-confirm');
      await confirm.hover();
      await page.mouse.down();
      await page.getByTestId('panic-confirm-progress').waitFor();
      await page.screenshot({ path: screenshotPath('staff-panic-hold.png') });
      await page.mouse.up();
      await page.getByTestId('panic-released-early').waitFor();
      expect(posts).toEqual([]);

      // The device remembers the counter across a reload.
      await page.reload();
      await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });
      await expect.poll(() => page.getByTestId('panic-counter').inputValue()).toBe('site-a/welfare-1');
      await sendPanic(page);
      await page.getByTestId('panic-sent').waitFor({ timeout: 5_000 });
      expect(await page.getByTestId('panic-sent').textContent()).toContain('Welfare counter 1');
      expect(posts).toHaveLength(1);
      await page.screenshot({ path: screenshotPath('staff-panic.png') });
    } finally {
      await page.close();
    }

    // A person's counters from provisioning come first, on any device.
    const doc = testProvisioning();
    doc.people = doc.people.map((p) => (p.id === 'staff-a2' ? { ...p, counterIds: ['passport-3'] } : p));
    await t.provision(doc);
    const other = await rig.signIn('staff2', phone);
    try {
      await expect.poll(() => other.getByTestId('panic-counter').inputValue()).toBe('site-a/passport-3');
      expect(await other.getByTestId('panic-counter').locator('option:checked').textContent()).toContain('★');
    } finally {
      await other.close();
    }
  }, 120_000);

  it('the incident page reads in order: the timeline first, undelivered notifications in one Korean line with the reason', async () => {
    const id = await raise(t, 'passport-3');
    const page = await rig.signIn('guard', { viewport: { width: 1280, height: 1000 } });
    try {
      await page.getByTestId(`incident-row-${id}`).click();
      const summary = page.getByTestId('undelivered-summary');
      await summary.waitFor({ timeout: 10_000 });
      expect(await summary.textContent()).toMatch(/알림 \d+건 전달 안 됨 — 이유: 문자·전화 발신이 설정되지 않음/);
      // The timeline comes before the notifications, and the never-sent rows wait behind one line.
      const timelineFirst = await page.evaluate(() => {
        const timeline = document.querySelector('[data-testid="timeline"]');
        const notifications = document.querySelector('[data-testid="undelivered-summary"]');
        return Boolean(timeline && notifications && timeline.compareDocumentPosition(notifications) & Node.DOCUMENT_POSITION_FOLLOWING);
      });
      expect(timelineFirst).toBe(true);
      expect(await page.locator('.not-delivered:visible').count()).toBe(0);
      // No English server sentence on a Korean screen.
      const text = await page.locator('body').innerText();
      expect(text).not.toMatch(/no sms sender|not configured|Twilio is not/i);
      await page.screenshot({ path: screenshotPath('incident-timeline-first.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 120_000);

  it('a refusal is said in Korean next to its control, never as the server\'s English sentence', async () => {
    const live = await raise(t, 'welfare-1');
    const manager = await rig.signIn('manager');
    try {
      await manager.locator('[data-view="drills"]').click();
      await manager.getByTestId('drills-view').waitFor();
      await manager.getByTestId('drills-participant-guard-a').check();
      await manager.getByTestId('drills-plan-submit').click();
      const item = manager.locator('[data-testid^="drill-drl_"]').first();
      await item.waitFor();
      const drillId = (await item.getAttribute('data-testid'))!.replace('drill-', '');
      await manager.getByTestId(`drill-start-${drillId}`).click();
      const refusal = manager.locator('.error-text[data-code="live_incident_open"]');
      await refusal.waitFor({ timeout: 10_000 });
      expect(await refusal.textContent()).toContain('실제 사건이 진행 중입니다');
      const text = await manager.locator('body').innerText();
      expect(text).not.toContain('cannot start until it is over');
      expect(text).not.toMatch(/is open at site|a drill cannot/);
      expect(live).toMatch(/^inc_/);

      // The language switch inside the console: the same refusal in English, and it stays after a reload.
      await switchLanguage(manager, 'English');
      await expect.poll(() => refusal.textContent()).toContain('A live incident is open at this site');
      await manager.reload();
      await manager.getByTestId('lang-switch').waitFor();
      expect(await manager.getByTestId('lang-switch').textContent()).toBe('한국어');
    } finally {
      await manager.close();
    }
  }, 120_000);
});
