/** The plain-text report of the console phase (console-run.ts). */
import type { ConsoleResult, LoadResult } from './console-run.ts';
import { TARGET_CONSOLE_P99_MS } from './console-run.ts';
import { LATENCY_HEADER, latencyRow, ms, table } from './stats.ts';

export function consoleTargetMet(r: ConsoleResult): boolean {
  return r.missing === 0 && r.latency.messageToPaint.n > 0 && r.latency.messageToPaint.p99 < TARGET_CONSOLE_P99_MS;
}

const kib = (b: number) => `${(b / 1024).toFixed(1)} KiB`;
const loadRow = (name: string, l: LoadResult) => [name, kib(l.bytes), kib(l.appBytes), String(l.requests), ms(l.loadMs), ms(l.readyMs)];

export function formatConsole(r: ConsoleResult): string {
  const l = r.latency;
  return [
    `== console in Chromium (headless, same machine) | ${r.alarms} alarms one after another, each with its counter on a floor plan ==`,
    '',
    table(LATENCY_HEADER, [
      latencyRow('incident.created → message in the page (baseline)', l.serverToMessage),
      latencyRow('incident.created → alarm in the DOM', l.serverToDom),
      latencyRow('incident.created → next frame done (rAF + task)', l.serverToFrame),
      latencyRow('incident.created → alarm painted (Element Timing)', l.serverToPaint),
      latencyRow('message in the page → alarm painted (Element Timing)', l.messageToPaint),
    ]),
    '',
    table(['first load', 'bytes', 'of which app', 'requests', 'load (ms)', 'ready (ms)'], [
      loadRow('login page, cold cache', r.firstLoad.anonymous),
      loadRow('signed-in guard, cold cache (ready: stream connected)', r.firstLoad.signedIn),
    ]),
    '',
    `target: alarm painted within ${TARGET_CONSOLE_P99_MS} ms p99 of the message, none missing: ${consoleTargetMet(r) ? 'MET' : 'NOT MET'}` +
      (r.missing ? ` (${r.missing} alarm(s) never shown within 5 s)` : ''),
  ].join('\n');
}
