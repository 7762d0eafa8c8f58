/**
 * The console phase of the bench: a real Chromium signed in as the guard, 50 alarms raised one after another,
 * and for each the time from `incident.created` leaving the alarm core (the in-process hub) to
 *   - the WebSocket message arriving in the page (the baseline: network, the browser's socket), and
 *   - the alarm's entry in the alarm banner being in the DOM, and the frame that paints it (what a guard sees),
 * plus the page's own time from the message to the alarm painted. And the console's first load: bytes over the
 * wire and time, as a stranger (the login page) and as a signed-in guard (console live, stream connected).
 * Server and page times are both wall clock (performance.timeOrigin + now) on the same machine.
 */
import { performance as nodePerformance } from 'node:perf_hooks';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser.ts';
import { floorPlanPng } from '../places/png.ts';
import type { BenchDb, BenchOptions } from './options.ts';
import { counterIdOf, login, provisionBench, SITE_ID, startBenchSystem, type BenchSystem } from './setup.ts';
import { sleep, summarize, type Summary } from './stats.ts';

const dist = fileURLToPath(new URL('../../console-ui/dist/index.html', import.meta.url));
const GUARD = { username: 'bench-guard', password: 'bench-password-1' };

export interface LoadResult {
  /** Bytes over the wire (transferSize: headers and bodies) of the document, scripts, styles, images and API reads. */
  bytes: number;
  /** Of which the document, scripts and styles (the console itself). */
  appBytes: number;
  requests: number;
  /** Navigation start → the `load` event. */
  loadMs: number;
  /** Navigation start → ready: the login form shown, or the stream connected and the open list shown. */
  readyMs: number;
}

export interface ConsoleResult {
  db: BenchDb;
  alarms: number;
  /** Alarms whose banner entry never appeared within 5 s. */
  missing: number;
  latency: {
    /** incident.created at the hub → message in the page (the baseline). */
    serverToMessage: Summary;
    /** → the alarm's entry in the DOM. */
    serverToDom: Summary;
    /** → the task after the next animation frame (rAF + setTimeout 0): an upper bound of the paint. */
    serverToFrame: Summary;
    /** → painted, as the browser's Element Timing reports it. */
    serverToPaint: Summary;
    /** In the page alone: message → painted (the console's own work; target p99 < 100 ms). */
    messageToPaint: Summary;
  };
  firstLoad: { anonymous: LoadResult; signedIn: LoadResult };
}

export const TARGET_CONSOLE_P99_MS = 100;

/** Page-side timing: the socket's messages, the banner entries and the stream status, by wall clock. */
const INSTRUMENT = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const gb = window.__gbBench = { message: {}, dom: {}, frame: {}, paint: {}, connectedAt: null, readyAt: null };
  // Element Timing: when the alarm's "where" line (elementtiming="alarm-<id>") was painted, by the browser itself.
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (!e.identifier || !e.identifier.startsWith('alarm-') || !e.renderTime) continue;
        const id = e.identifier.slice('alarm-'.length);
        if (!(id in gb.paint)) gb.paint[id] = performance.timeOrigin + e.renderTime;
      }
    }).observe({ type: 'element', buffered: true });
  } catch {}
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      // Registered before the console sets onmessage: runs first, on arrival.
      this.addEventListener('message', (e) => {
        const at = now();
        if (typeof e.data !== 'string' || !e.data.startsWith('{"type":"incident.created"')) return;
        try { const id = JSON.parse(e.data).data.id; if (!(id in gb.message)) gb.message[id] = at; } catch {}
      });
    }
  };
  const seen = (el) => {
    const id = el.getAttribute('data-testid').slice('alarm-item-'.length);
    if (id in gb.dom) return;
    gb.dom[id] = now();
    // The frame that paints it: its requestAnimationFrame runs just before the paint; the task after it, after.
    requestAnimationFrame(() => setTimeout(() => { gb.frame[id] = now(); }, 0));
  };
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (!(n instanceof Element)) continue;
      if (n.matches('[data-testid^="alarm-item-"]')) seen(n);
      for (const el of n.querySelectorAll('[data-testid^="alarm-item-"]')) seen(el);
    }
    if (gb.connectedAt === null && document.querySelector('[data-testid="stream-status"][data-state="connected"]')) gb.connectedAt = performance.now();
    if (gb.readyAt === null && document.querySelector('[data-testid="login-username"]')) gb.readyAt = performance.now();
  }).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-state'] });
})();`;

type Gb = { message: Record<string, number>; dom: Record<string, number>; frame: Record<string, number>; paint: Record<string, number>; connectedAt: number | null; readyAt: number | null };

async function loadMetrics(page: Page, readyAt: number): Promise<LoadResult> {
  return page.evaluate((ready) => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const res = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    const app = res.filter((r) => /\.(js|css)(\?|$)/.test(r.name));
    return {
      bytes: nav.transferSize + res.reduce((s, r) => s + r.transferSize, 0),
      appBytes: nav.transferSize + app.reduce((s, r) => s + r.transferSize, 0),
      requests: 1 + res.length,
      loadMs: nav.loadEventEnd,
      readyMs: ready,
    };
  }, readyAt);
}

async function firstLoads(browser: Browser, url: string): Promise<ConsoleResult['firstLoad']> {
  // A stranger: a fresh profile, nothing cached.
  const anonCtx = await browser.newContext();
  const anon = await anonCtx.newPage();
  await anon.addInitScript(INSTRUMENT);
  await anon.goto(url, { waitUntil: 'load' });
  await anon.getByTestId('login-username').waitFor();
  const anonReady = await anon.waitForFunction(() => (window as unknown as { __gbBench: Gb }).__gbBench.readyAt).then((h) => h.jsonValue() as Promise<number>);
  const anonymous = await loadMetrics(anon, anonReady);
  // Sign in there, then open the console in a fresh context with only the session cookie: a cold cache.
  await anon.getByTestId('login-username').fill(GUARD.username);
  await anon.getByTestId('login-password').fill(GUARD.password);
  await anon.getByTestId('login-submit').click();
  await anon.getByTestId('stream-status').and(anon.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
  const cookies = await anonCtx.cookies();
  await anonCtx.close();

  const ctx = await browser.newContext();
  await ctx.addCookies(cookies);
  const page = await ctx.newPage();
  await page.addInitScript(INSTRUMENT);
  await page.goto(url, { waitUntil: 'load' });
  await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
  const connected = await page.waitForFunction(() => (window as unknown as { __gbBench: Gb }).__gbBench.connectedAt).then((h) => h.jsonValue() as Promise<number>);
  // The open list and the bells are read on connect: let them land before counting bytes.
  await page.waitForLoadState('networkidle');
  const signedIn = await loadMetrics(page, connected);
  await ctx.close();
  return { anonymous, signedIn };
}

export async function runConsole(db: BenchDb, opts: BenchOptions, deadline: number): Promise<ConsoleResult> {
  if (!existsSync(dist)) throw new Error('console-ui is not built: run npm run build:console first');
  const bench: BenchSystem = await startBenchSystem(db);
  let browser: Browser | undefined;
  try {
    const { system } = bench;
    await provisionBench(system, 20, { counters: 4 });
    const [guard, admin] = await Promise.all([login(system, 'bench-guard'), login(system, 'admin')]);
    // A floor plan with the counters on it: every alarm draws its counter on the plan, as in an office.
    const put = await fetch(`${system.url}/api/v1/sites/${SITE_ID}/floor-plans/1F/image`, {
      method: 'PUT', body: new Uint8Array(floorPlanPng()), headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'image/png' },
    });
    if (put.status >= 300) throw new Error(`floor plan upload: HTTP ${put.status}`);
    for (let c = 0; c < 4; c++) await admin.request('PUT', `/api/v1/sites/${SITE_ID}/floor-plans/1F/counters/${counterIdOf(c)}`, { x: 0.15 + c * 0.2, y: 0.3 });

    browser = await launchChromium();
    const firstLoad = await firstLoads(browser, system.url);

    const created = new Map<string, number>();
    const untap = system.hub.subscribe({
      canSee: () => true,
      send: (text) => {
        if (!text.startsWith('{"type":"incident.created"')) return;
        const at = nodePerformance.timeOrigin + nodePerformance.now();
        created.set((JSON.parse(text) as { data: { id: string } }).data.id, at);
      },
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.addInitScript(INSTRUMENT);
    await page.goto(system.url);
    await page.getByTestId('login-username').fill(GUARD.username);
    await page.getByTestId('login-password').fill(GUARD.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('stream-status').and(page.locator('[data-state="connected"]')).waitFor({ timeout: 15_000 });
    await sleep(500);

    const ids: string[] = [];
    let missing = 0;
    for (let i = 0; i < opts.consoleAlarms && Date.now() < deadline; i++) {
      const r = await guard.post('/api/v1/incidents', { siteId: SITE_ID, counterId: counterIdOf(i % 4) });
      if (r.status !== 201) throw new Error(`raising alarm ${i + 1}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      const id = r.body.id as string;
      ids.push(id);
      const shown = await page
        .waitForFunction((x) => {
          const g = (window as unknown as { __gbBench: Gb }).__gbBench;
          return g.paint[x] !== undefined && g.frame[x] !== undefined;
        }, id, { timeout: 5_000, polling: 20 })
        .then(() => true, () => false);
      if (!shown) missing++;
      // Quiet again before the next one: acknowledged, and off the banner.
      await guard.post(`/api/v1/incidents/${id}/acknowledge`);
      await page.getByTestId(`alarm-item-${id}`).waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
      await sleep(100);
    }
    untap();
    const gb = await page.evaluate(() => (window as unknown as { __gbBench: Gb }).__gbBench);
    const since = (times: Record<string, number>, from: (id: string) => number | undefined) =>
      ids.flatMap((id) => {
        const a = from(id);
        const b = times[id];
        return a !== undefined && b !== undefined ? [b - a] : [];
      });
    return {
      db,
      alarms: ids.length,
      missing,
      latency: {
        serverToMessage: summarize(since(gb.message, (id) => created.get(id))),
        serverToDom: summarize(since(gb.dom, (id) => created.get(id))),
        serverToFrame: summarize(since(gb.frame, (id) => created.get(id))),
        serverToPaint: summarize(since(gb.paint, (id) => created.get(id))),
        messageToPaint: summarize(since(gb.paint, (id) => gb.message[id])),
      },
      firstLoad,
    };
  } finally {
    await browser?.close();
    await bench.close();
  }
}
