/**
 * The console tests' rig: a Guardbell system, Debian's Chromium, and a signIn with the file's own defaults
 * (viewport, downloads, timeouts), all closed by one close().
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, signIn as signInAt, type SignInOptions } from './browser.ts';
import { startTestSystem, type TestSystem, type TestSystemOptions } from './system.ts';

const DIST = fileURLToPath(new URL('../../console-ui/dist/index.html', import.meta.url));
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/** The staff's phone, the smallest screen the console is made for. */
export const PHONE = { width: 360, height: 740 } as const;

/** Where a test retakes one of the documentation's screenshots. */
export const screenshotPath = (name: string): string => join(SCREENSHOTS, name);

export interface RigSignInOptions extends SignInOptions {
  /** Another address of the same console (a fault proxy in front of it); the system's own by default. */
  url?: string;
}

/** What a fixture's own start gives: its system, whatever else its tests use, and its own close when it has more to close. */
export type Started<X extends object> = { t: TestSystem; close?: () => Promise<void> } & X;
export type RigStart<X extends object> = () => Promise<Started<X>>;

export interface ConsoleRigOptions<X extends object> {
  /** startTestSystem's options over PGlite and aedes, or a fixture's own start. */
  system?: Partial<TestSystemOptions> | RigStart<X>;
  /** This file's defaults for every signIn; a call's own options override them. */
  signIn?: SignInOptions;
}

export type ConsoleRig<X extends object = object> = Omit<X, 't' | 'close'> & {
  t: TestSystem;
  browser: Browser;
  /** A new page signed in as `username`, its live stream connected. */
  signIn(username: string, opts?: RigSignInOptions): Promise<Page>;
  /** Closes the browser, then the system. */
  close(): Promise<void>;
};

export async function startConsoleRig<X extends object = object>(opts: ConsoleRigOptions<X> = {}): Promise<ConsoleRig<X>> {
  if (!existsSync(DIST)) throw new Error('console-ui is not built: npm test builds it first (npm run build:console)');
  const system = opts.system;
  const start: RigStart<X> = typeof system === 'function'
    ? system
    : async () => ({ t: await startTestSystem({ db: 'pglite', broker: 'aedes', ...system }) }) as Started<X>;
  const browser = await launchChromium();
  let started: Started<X>;
  try {
    started = await start();
  } catch (err) {
    await browser.close();
    throw err;
  }
  const { t, close: closeSystem = () => t.close(), ...rest } = started;
  const defaults = opts.signIn ?? {};
  return {
    ...(rest as Omit<X, 't' | 'close'>),
    t,
    browser,
    signIn: (username, { url, ...own } = {}) => signInAt(browser, url ?? t.url, username, { ...defaults, ...definedOnly(own) }),
    close: async () => {
      try {
        await browser.close();
      } finally {
        await closeSystem();
      }
    },
  };
}

/** The options a call really gives: `{ viewport: undefined }` keeps the file's default viewport. */
function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
