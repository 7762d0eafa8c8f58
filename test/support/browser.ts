import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { PASSWORD } from './fixtures.ts';

/** Debian's Chromium; never a downloaded browser. Override with CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  // Playwright gives each launch a fresh temporary profile.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run', '--disable-quic',
      // Sound is part of the alarm: let the page start audio after the "arm" click without further gestures.
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface SignInOptions {
  viewport?: { width: number; height: number };
  acceptDownloads?: boolean;
  /** Playwright's default timeout for the page's actions. */
  defaultTimeoutMs?: number;
  /** How long to wait for the live stream to connect after signing in. */
  connectTimeoutMs?: number;
}

/** A new page signed in to the console as `username` (the fixtures' password), its live stream connected. */
export async function signIn(browser: Browser, url: string, username: string, opts: SignInOptions = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1280, height: 900 }, ...(opts.acceptDownloads ? { acceptDownloads: true } : {}) });
  if (opts.defaultTimeoutMs !== undefined) page.setDefaultTimeout(opts.defaultTimeoutMs);
  await signInOn(page, url, username, opts.connectTimeoutMs);
  return page;
}

/** Signs in on a page the test made itself (its own context, listeners or init scripts) and waits for the live stream. */
export async function signInOn(page: Page, url: string, username: string, connectTimeoutMs = 10_000): Promise<void> {
  await submitSignIn(page, url, username);
  await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: connectTimeoutMs });
}

/** Opens the console at `url` and submits the sign-in form as `username` (the fixtures' password), without waiting. */
export async function submitSignIn(page: Page, url: string, username: string): Promise<void> {
  await page.goto(url);
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(PASSWORD);
  await page.getByTestId('login-submit').click();
}

/** Chooses the counter (when the page asks) and sends the panic alarm by pressing and holding until it is sent. */
export async function sendPanic(page: Page, counterKey?: string): Promise<void> {
  if (counterKey) await page.getByTestId('panic-counter').selectOption(counterKey);
  await page.getByTestId('panic-button').click();
  await holdUntilGone(page, 'panic-confirm');
}

/** Presses the hold-to-confirm button and keeps it down until the button has done its work and gone. */
export async function holdUntilGone(page: Page, testId: string): Promise<void> {
  const button = page.getByTestId(testId);
  await button.hover();
  await page.mouse.down();
  try {
    await button.waitFor({ state: 'detached', timeout: 10_000 });
  } finally {
    await page.mouse.up();
  }
}

/**
 * Switches the console's language, clicking again while the switch still offers `to`: in full runs a first click was
 * seen to change nothing (never when the file ran alone). What the tests look at is the page once switched.
 */
export async function switchLanguage(page: Page, to: 'English' | '한국어'): Promise<void> {
  const button = page.getByTestId('lang-switch');
  await expect.poll(async () => {
    if ((await button.textContent()) === to) await button.click();
    return button.textContent();
  }).not.toBe(to);
}
