import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentDetail, NotificationView } from '../../api/contract/index.ts';
import { START_TIMEOUT_MS } from '../api/api-expect.ts';
import { PHONES, startWithTwilio } from '../escalation/support.ts';
import { PHONE, screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { FakeTwilio } from '../support/fake-twilio.ts';
import { POLICE } from '../support/fixtures.ts';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

async function raise(t: TestSystem): Promise<string> {
  const r = await (await t.login('staff')).post('/api/v1/incidents', { counterId: 'passport-3' });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

const detailOf = async (client: ApiClient, id: string) => (await client.get<IncidentDetail>(`/api/v1/incidents/${id}`)).body;

describe('escalation in the console (Chromium)', () => {
  describe('with Twilio', () => {
    let rig: ConsoleRig<{ fake: FakeTwilio }>;
    beforeAll(async () => {
      rig = await startConsoleRig({ system: () => startWithTwilio({ db: 'pglite', broker: 'aedes' }) });
    }, START_TIMEOUT_MS);
    afterAll(() => rig?.close());

    it('steps fire and notifications reach delivered live, without reloading the incident', async () => {
      const { t, fake } = rig;
      // SMS stay "sent" until this test delivers (or fails) them by hand; calls run through on their own.
      fake.autoStatus = { sms: [], call: ['initiated', 'ringing', 'in-progress', 'completed'] };
      const manager = await t.login('manager');
      const page = await rig.signIn('manager', { viewport: { width: 1280, height: 1000 } });
      const detailGets: string[] = [];
      page.on('request', (req) => {
        if (/\/api\/v1\/incidents\/[^/?]+$/.test(new URL(req.url()).pathname) && req.method() === 'GET') detailGets.push(req.url());
      });

      const id = await raise(t);
      await page.getByTestId(`incident-row-${id}`).click();
      await page.getByTestId('incident-detail').waitFor();

      // The steps fire on the clock: the console shows each one fired (alert at once, then 1 s, 2 s).
      for (const step of ['alert', 'unack_1s', 'unack_2s']) {
        await page.getByTestId(`step-${step}`).and(page.locator('[data-status="fired"]')).waitFor({ timeout: 10_000 });
      }
      // No violence and nobody acknowledged: these wait for their condition.
      expect(await page.getByTestId('step-violence_police').getAttribute('data-status')).toBe('pending');
      expect(await page.getByTestId('step-scene_3s').textContent()).toContain('조건이 충족되면');
      // In the order they happened; those still waiting last.
      const stepOrder = await page.getByTestId('escalation-steps').locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
      expect(stepOrder.slice(0, 3)).toEqual(['step-alert', 'step-unack_1s', 'step-unack_2s']);

      // The timeline says what each escalation step did, in words.
      const timeline = page.getByTestId('timeline');
      await expect.poll(() => timeline.textContent(), { timeout: 5_000 }).toContain('단계 상향: unack_2s 단계 → 2명, 경찰');
      expect(await timeline.textContent()).toContain('단계 상향: alert 단계 → 3명 (문자) + 콘솔 경보');
      expect(await timeline.textContent()).not.toContain('escalation_step');

      const d = await waitFor(async () => {
        const body = await detailOf(manager, id);
        const sms = body.notifications?.filter((n) => n.channel === 'sms' && n.stepId === 'alert' && n.status === 'sent') ?? [];
        return sms.length === 3 ? body : undefined;
      }, 10_000, 'the three alert SMS sent');
      const guardSms = d.notifications!.find((n) => n.stepId === 'alert' && n.to === PHONES.guardA)!;
      const managerSms = d.notifications!.find((n) => n.stepId === 'alert' && n.to === PHONES.managerA)!;
      const policeSms = await waitFor(async () => (await detailOf(manager, id)).notifications?.find((n) => n.isPolice), 5_000, 'the police SMS');
      expect(policeSms.to).toBe(POLICE);

      const guardRow = page.getByTestId(`notification-${guardSms.id}`);
      await guardRow.and(page.locator('[data-status="sent"]')).waitFor({ timeout: 5_000 });
      expect(await guardRow.textContent()).toContain('Kim Guard');
      expect(await guardRow.textContent()).toContain('문자');
      expect(await page.getByTestId(`not-delivered-${guardSms.id}`).count()).toBe(0);
      // The police row is marked and named "경찰", never by a person's name.
      const policeRow = page.getByTestId(`notification-${policeSms.id}`);
      await policeRow.waitFor({ timeout: 5_000 });
      expect(await policeRow.textContent()).toContain('경찰 신고');

      // From here on nothing may reload the incident: statuses arrive as notification.status messages.
      await page.evaluate(() => { (window as unknown as { marker: string }).marker = 'same page'; });
      const getsBefore = detailGets.length;
      const sidOf = (to: string) => fake.requests.find((r) => r.kind === 'sms' && r.to === to)!.sid;

      await fake.sendStatus(sidOf(PHONES.guardA), 'delivered');
      await guardRow.and(page.locator('[data-status="delivered"]')).waitFor({ timeout: 5_000 });
      expect(await page.getByTestId(`notification-status-${guardSms.id}`).textContent()).toContain('전달됨');
      expect(await page.getByTestId(`not-delivered-${guardSms.id}`).count()).toBe(0);

      // A failed SMS is NOT DELIVERED, and the call that replaces it appears under it.
      await fake.sendStatus(sidOf(PHONES.managerA), 'failed');
      const managerRow = page.getByTestId(`notification-${managerSms.id}`);
      await managerRow.and(page.locator('[data-status="failed"]')).waitFor({ timeout: 5_000 });
      await page.getByTestId(`not-delivered-${managerSms.id}`).waitFor({ timeout: 5_000 });
      expect(await page.getByTestId(`not-delivered-${managerSms.id}`).textContent()).toContain('전달 안 됨');
      const fallback = await waitFor(async () => (await detailOf(manager, id)).notifications?.find((n) => n.fallbackOf === managerSms.id), 5_000, 'the fallback call');
      const fallbackRow = page.getByTestId(`notification-${fallback.id}`);
      await fallbackRow.waitFor({ timeout: 5_000 });
      expect(await fallbackRow.textContent()).toContain('→ 전화로 다시 연락');
      expect(await fallbackRow.textContent()).toContain('Jung Manager');
      // Rendered right under the failed SMS.
      const order = await page.getByTestId('notifications').locator(':scope > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
      expect(order.indexOf(`notification-${fallback.id}`)).toBe(order.indexOf(`notification-${managerSms.id}`) + 1);
      await fallbackRow.and(page.locator('[data-status="answered"]')).waitFor({ timeout: 5_000 });

      expect(await page.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
      expect(detailGets.length).toBe(getsBefore);

      // A viewport as tall as the page, so the sticky alarm strip stays at the top of the picture.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({ width: 1280, height });
      await page.screenshot({ path: screenshotPath('escalation.png') });
      await page.close();
    }, 60_000);
  });

  describe('without Twilio', () => {
    let rig: ConsoleRig;
    let t: TestSystem;
    beforeAll(async () => {
      rig = await startConsoleRig();
      ({ t } = rig);
    }, START_TIMEOUT_MS);
    afterAll(() => rig?.close());

    it('SMS that cannot be sent are shown NOT DELIVERED', async () => {
      const manager = await t.login('manager');
      const page = await rig.signIn('manager');
      const id = await raise(t);
      await page.getByTestId(`incident-row-${id}`).click();
      await page.getByTestId('step-alert').and(page.locator('[data-status="fired"]')).waitFor({ timeout: 10_000 });
      const rows = await waitFor(async () => {
        const n = (await detailOf(manager, id)).notifications ?? [];
        return n.length >= 3 && n.every((x) => x.status === 'not_configured') ? n : undefined;
      }, 10_000, 'not_configured notifications');
      // The never-sent notifications are summarised in one line; each is behind the summary's toggle, opened here.
      await page.getByTestId(`not-delivered-${(rows as NotificationView[])[0]!.id}`).waitFor({ state: 'attached', timeout: 10_000 });
      await page.evaluate(() => document.querySelectorAll('details').forEach((d) => { d.open = true; }));
      for (const n of rows as NotificationView[]) {
        const badge = page.getByTestId(`not-delivered-${n.id}`);
        await badge.waitFor({ timeout: 5_000 });
        expect(await badge.textContent()).toContain('전달 안 됨');
        expect(await page.getByTestId(`notification-${n.id}`).textContent()).toContain('발송 설정 없음');
      }
      await page.close();
    }, 40_000);

    it('a roster with nobody on duty warns guards, never staff', async () => {
      const admin = await t.login('admin1');
      const day = 86_400_000;
      const r = await admin.request('PUT', '/api/v1/sites/site-a/roster', {
        shifts: [
          { personId: 'guard-a', startsAt: new Date(Date.now() - 2 * day).toISOString(), endsAt: new Date(Date.now() - day).toISOString() },
          { personId: 'guard-a2', startsAt: new Date(Date.now() - 3 * day).toISOString(), endsAt: new Date(Date.now() - 2 * day).toISOString() },
        ],
      });
      expect(r.status).toBe(200);
      expect(r.body.warnings).toEqual(['nobody_on_duty']);

      const guard = await rig.signIn('guard');
      const warning = guard.getByTestId('duty-warning');
      await warning.waitFor({ timeout: 5_000 });
      expect(await warning.getAttribute('role')).toBe('status');
      await expect.poll(() => warning.textContent()).toContain('Nowon-gu Office');
      expect(await warning.textContent()).toContain('근무 중인 보안 요원이 없습니다');

      const staff = await rig.signIn('staff', { viewport: PHONE });
      await staff.getByTestId('panic-button').waitFor();
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await staff.getByTestId('duty-warning').count()).toBe(0);

      // The roster fixed: the warning goes away at the next read (here: a reload).
      const fixed = await admin.request('PUT', '/api/v1/sites/site-a/roster', {
        shifts: [{ personId: 'guard-a', startsAt: new Date(Date.now() - day).toISOString(), endsAt: new Date(Date.now() + day).toISOString() }],
      });
      expect(fixed.body.warnings).toEqual([]);
      await guard.reload();
      await guard.getByTestId('stream-status').and(guard.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await guard.getByTestId('duty-warning').count()).toBe(0);
      await guard.close();
      await staff.close();
    }, 40_000);
  });
});
