/**
 * The console under its real Content-Security-Policy, in Chromium: the sign-in page, a deep link, and every
 * view (and every administration tab) that the fixtures' roles can open, with a live alarm on screen. Not one
 * CSP violation may be reported (the `securitypolicyviolation` event and Chromium's console), no script error,
 * no failed API call, and each view shows itself.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/fixtures.ts';
import { launchChromium } from '../support/browser.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

const dist = fileURLToPath(new URL('../../console-ui/dist/index.html', import.meta.url));

/** What a page reported against its policy and otherwise went wrong, collected from its first byte. */
interface Watch {
  violations: string[];
  problems: string[];
}

async function watchedPage(browser: Browser): Promise<{ page: Page; watch: Watch }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(8_000);
  const watch: Watch = { violations: [], problems: [] };
  // Added through the DevTools protocol, so the policy under test does not apply to this listener itself.
  await page.exposeFunction('__reportCsp', (v: string) => watch.violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { __reportCsp(v: string): void }).__reportCsp(`${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame)/i.test(m.text())) watch.violations.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (err) => watch.problems.push(`script error: ${err.message}`));
  page.on('response', (r) => {
    if (r.status() >= 500) watch.problems.push(`${r.status()} ${r.request().method()} ${r.url()}`);
  });
  return { page, watch };
}

describe('the console under its Content-Security-Policy (Chromium)', () => {
  let browser: Browser;
  let t: TestSystem;

  beforeAll(async () => {
    if (!existsSync(dist)) throw new Error('console-ui is not built: npm test builds it first (npm run build:console)');
    browser = await launchChromium();
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    // A live alarm, so the banner, the list and the incident's detail are on screen too.
    const bell = await t.bell('B-0301');
    await bell.event(1, 'press');
    await bell.waitForAck({ seq: 1, state: 'received' });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('the sign-in page and a deep link load with the policy and without a violation', async () => {
    const { page, watch } = await watchedPage(browser);
    for (const path of ['/', '/some/deep/link']) {
      const res = await page.goto(`${t.url}${path}`);
      const csp = res!.headers()['content-security-policy'] ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      await page.getByTestId('login-submit').waitFor();
    }
    expect(watch).toEqual({ violations: [], problems: [] });
    await page.close();
  });

  const seen = new Set<string>();

  for (const username of ['guard', 'staff', 'manager', 'legal', 'admin1']) {
    it(`${username}: every view opens with no violation`, async () => {
      const { page, watch } = await watchedPage(browser);
      await page.goto(t.url);
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 10_000 });
      const views = await page.locator('nav [data-view]').evaluateAll((els) => els.map((e) => e.getAttribute('data-view')!));
      for (const view of views) {
        const button = page.locator(`nav [data-view="${view}"]`);
        await button.click();
        await page.locator(`nav [data-view="${view}"][aria-current="page"]`).waitFor();
        if (view === 'home') {
          const row = page.locator('[data-testid^="incident-row-"]').first();
          if (await row.count()) await row.click();
        }
        if (view === 'admin') {
          for (const tab of await page.getByRole('tab').all()) {
            await tab.click();
            await page.locator('#admin-panel').waitFor();
          }
        }
        // Let the view's requests and renders settle before the next one.
        await page.waitForLoadState('networkidle');
        seen.add(view);
      }
      expect(watch, `${username} on ${views.join(', ')}`).toEqual({ violations: [], problems: [] });
      await page.close();
    });
  }

  it('covered every view the console has', () => {
    expect([...seen].sort()).toEqual(['admin', 'aftercare', 'bell-health', 'cases', 'drills', 'floor-plans', 'home', 'managers', 'statistics']);
  });
});
