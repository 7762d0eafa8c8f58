/**
 * Korean from end to end (Chromium, real server): the main screens are walked in Korean, the server's known
 * refusals are provoked, and no visible notice or problem says the server's English sentence. Along the way:
 * the incident reference on the wall, the list and the page, found by the number a caller reads out; drill
 * participants by name; the scenario form's problems under their controls.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { legibleHangul, raiseAt } from '../places/browser-support.ts';
import { switchLanguage } from '../support/browser.ts';
import { screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { TestSystem } from '../support/system.ts';

/** Every notice, refusal and field problem on the page, as the user sees it. */
const NOTICES = '.error-text, .field-issues, [role="alert"], [role="status"]';
const noticeTexts = (page: Page) => page.locator(NOTICES).evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText.trim()).filter(Boolean));

/** A bad scenario: every field the form has is wrong in its own way. */
const BAD_SCENARIO = {
  id: 'Bad Id!', title: { ko: '', en: 'Queue' }, script: [{ ko: '대본', en: 'Script' }], classification: [], violence: false,
  steps: [{ milestone: 'acknowledged', targetSeconds: 0, required: true }, { milestone: 'acknowledged', targetSeconds: 30, required: true }],
};

describe('Korean screens never show an English server sentence (Chromium)', () => {
  let rig: ConsoleRig;
  let t: TestSystem;
  /** The server's own English sentences for the refusals provoked below, asked of the API directly. */
  const english = new Set<string>();

  beforeAll(async () => {
    rig = await startConsoleRig();
    ({ t } = rig);
  }, 180_000);
  afterAll(() => rig?.close());

  const expectNoEnglish = async (page: Page, where: string) => {
    const shown = await noticeTexts(page);
    for (const sentence of english) for (const text of shown) expect(text, `${where}: "${text}" says the server's "${sentence}"`).not.toContain(sentence);
    // zod's and the server's phrasings, whatever the exact sentence.
    for (const text of shown) expect(text, where).not.toMatch(/Invalid input|expected (string|number)|is listed twice|not a person of site|cannot start until|is open at site|lower-case letters/);
  };

  it('the reference a caller reads out is on the wall, the list and the page, and finds the incident', async () => {
    const id = await raiseAt(await t.login('staff'), 'welfare-1');
    const guard = await rig.signIn('guard');
    try {
      const onWall = guard.getByTestId(`alarm-reference-${id}`);
      await onWall.waitFor({ timeout: 10_000 });
      const reference = (await onWall.textContent())!.replace('사건 번호 ', '');
      expect(reference).toMatch(/^20\d\d-0001$/);
      expect(await guard.getByTestId(`incident-reference-${id}`).textContent()).toContain(reference);
      expect(await guard.locator('body').innerText()).not.toContain(id);
      // The caller says "forty-two" — here "1": the search finds it whatever its status.
      await guard.getByTestId('reference-search').fill('1');
      await guard.getByTestId('reference-search-go').click();
      await guard.getByTestId('reference-search-results').getByText(reference).click();
      await expect.poll(() => guard.getByTestId('detail-reference').textContent()).toBe(reference);
      expect(await guard.locator('#detail-heading').textContent()).toContain(reference);
      await guard.getByTestId('reference-search').fill('9999');
      await guard.getByTestId('reference-search-go').click();
      expect(await guard.getByTestId('reference-search-none').textContent()).toContain('9999에 해당하는 사건이 없습니다');
      await legibleHangul(guard);
      await guard.screenshot({ path: screenshotPath('incident-reference.png'), fullPage: true });
      await expectNoEnglish(guard, 'guard console');
    } finally {
      await guard.close();
    }
  }, 120_000);

  it('drills in Korean: participants by name, a refusal beside its control, the scenario form\'s problems under each field', async () => {
    const manager = await t.login('manager');
    // The English the server says for each refusal provoked through the console.
    const scenario = await manager.post('/api/v1/drills/scenarios', BAD_SCENARIO);
    expect(scenario.status).toBe(400);
    english.add(scenario.body.error.message);
    for (const d of scenario.body.error.details as { message: string }[]) english.add(d.message);
    const unknown = await manager.post('/api/v1/drills', { siteId: 'site-a', counterId: 'passport-3', scenarioId: 'sexual-harassment', scheduledAt: new Date().toISOString(), participants: ['nobody'] });
    english.add(unknown.body.error.message);
    english.add(unknown.body.error.details[0].message);

    const page = await rig.signIn('manager', { viewport: { width: 1280, height: 1400 } });
    try {
      await page.locator('[data-view="drills"]').click();
      await page.getByTestId('drills-view').waitFor();
      await page.getByTestId('drills-participant-guard-a').check();
      await page.getByTestId('drills-plan-submit').click();
      const item = page.locator('[data-testid^="drill-drl_"]').first();
      await item.waitFor();
      const drillId = (await item.getAttribute('data-testid'))!.replace('drill-', '');
      // The live incident of the first test is still open: starting the drill is refused, in Korean.
      await page.getByTestId(`drill-start-${drillId}`).click();
      const refusal = page.locator('.error-text[data-code="live_incident_open"]');
      await refusal.waitFor({ timeout: 10_000 });
      english.add((await manager.post(`/api/v1/drills/${drillId}/start`)).body.error.message);

      // The scenario form, filled as BAD_SCENARIO.
      await page.getByTestId('scenario-id').fill(BAD_SCENARIO.id);
      await page.getByTestId('scenario-title-en').fill('Queue');
      await page.getByLabel('한국어 1').fill('대본');
      await page.getByLabel('English 1').fill('Script');
      await page.getByTestId('scenario-step-0-target').fill('0');
      await page.getByTestId('scenario-step-1-milestone').selectOption('acknowledged');
      await page.getByTestId('scenario-save').click();
      await page.getByTestId('scenario-id-issues').waitFor();
      expect(await page.getByTestId('scenario-id-issues').textContent()).toContain('형식이 올바르지 않습니다');
      expect(await page.getByTestId('scenario-title-issues').textContent()).toContain('한국어: 입력하세요');
      expect(await page.getByTestId('scenario-classification-issues').textContent()).toContain('1개 이상 골라야 합니다');
      const steps = await page.getByTestId('scenario-steps-issues').textContent();
      expect(steps).toContain('단계 1: 1 이상이어야 합니다');
      expect(steps).toMatch(/단계 2: [가-힣 ]+이\(가\) 두 번 있습니다/);
      expect(steps).not.toContain('acknowledged');
      await legibleHangul(page);
      await page.getByTestId('scenario-form').screenshot({ path: screenshotPath('scenario-form.png') });
      await expectNoEnglish(page, 'drills view');
      expect(english.size).toBeGreaterThan(5);

      // The same problems in English once the console is switched: the console's own sentences, by code.
      await switchLanguage(page, 'English');
      await expect.poll(() => page.getByTestId('scenario-steps-issues').textContent()).toMatch(/Step 2: [A-Za-z ]+ is listed twice\./);
      await switchLanguage(page, '한국어');
    } finally {
      await page.close();
    }
  }, 120_000);

  it('statistics and the incident list in Korean: counters by name, no English notice', async () => {
    const page = await rig.signIn('manager');
    try {
      await page.locator('[data-view="statistics"]').click();
      const byCounter = page.getByTestId('statistics-by-counter');
      await byCounter.waitFor({ timeout: 10_000 });
      expect(await byCounter.locator('.statistics-bar-label').first().textContent()).toBe('Welfare counter 1 (Nowon-gu Office)');
      await expectNoEnglish(page, 'statistics');
    } finally {
      await page.close();
    }
  }, 60_000);
});
