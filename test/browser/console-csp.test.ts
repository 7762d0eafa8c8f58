/**
 * The console under its real Content-Security-Policy, in Chromium: the sign-in page, a deep link, and every
 * view (and every administration tab) that the fixtures' roles can open, with a live alarm on screen. Not one
 * CSP violation may be reported (the `securitypolicyviolation` event and Chromium's console), no script error,
 * no failed API call, and each view shows itself.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInOn } from '../support/browser.ts';
import { startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { TestSystem } from '../support/system.ts';

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
  let rig: ConsoleRig;
  let t: TestSystem;

  beforeAll(async () => {
    rig = await startConsoleRig();
    ({ t } = rig);
    // A live alarm, so the banner, the list and the incident's detail are on screen too.
    const bell = await t.bell('B-0301');
    await bell.event(1, 'press');
    await bell.waitForAck({ seq: 1, state: 'received' });
  }, 180_000);
  afterAll(() => rig?.close());

  it('the sign-in page and a deep link load with the policy and without a violation', async () => {
    const { page, watch } = await watchedPage(rig.browser);
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
      const { page, watch } = await watchedPage(rig.browser);
      await signInOn(page, t.url, username);
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
