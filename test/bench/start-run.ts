/**
 * The start phase: `npm start`'s command (`guardbell start`, the embedded database and broker) on an empty data
 * folder, timed from spawn to a healthy `GET /api/v1/health`, then left idle while the RSS of its process tree is
 * sampled. With the demo (the default) and without. Beside it, in the same run, the floor: a bare Node process, and
 * PGlite alone opening a folder seeded from the same prepared copy (what no Guardbell change can take away).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sleep } from './stats.ts';
import { statFieldsFrom3, vmRssBytes } from './proc.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The flags `npm start` gives node (package.json): the same process as an operator's. */
const NODE_FLAGS = ['--max-semi-space-size=2'];
const NODE_ENV = { MALLOC_ARENA_MAX: '2' };

export const START_TARGET_MS = 10_000;
export const IDLE_RSS_TARGET_BYTES = 300 * 1024 * 1024;

export interface StartSample {
  /** Spawn → the first healthy answer (ms). */
  healthyMs: number;
  /** RSS of the process tree at the end of the idle window, and its highest sample in it (bytes). */
  idleRss: number;
  peakIdleRss: number;
}

export interface StartResult {
  idleSeconds: number;
  /** What PGlite alone opened: the prepared migrated copy (as guardbell start does) or an empty folder. */
  floorFolder: string;
  withDemo: StartSample[];
  withoutDemo: StartSample[];
  baseline: { node: StartSample; pglite: StartSample };
}

export async function runStart(runs: number, idleSeconds: number, log: (line: string) => void): Promise<StartResult> {
  const floorFolder = migratedCopy() ? 'the prepared migrated copy' : 'an empty folder (initdb)';
  const result: StartResult = { idleSeconds, floorFolder, withDemo: [], withoutDemo: [], baseline: { node: await floor('node', idleSeconds), pglite: await floor('pglite', idleSeconds) } };
  for (let i = 0; i < runs; i++) {
    for (const demo of [true, false]) {
      log(`  guardbell start, ${demo ? 'with' : 'without'} the demo, run ${i + 1} of ${runs}…`);
      (demo ? result.withDemo : result.withoutDemo).push(await startOnce(demo, idleSeconds));
    }
  }
  return result;
}

async function startOnce(demo: boolean, idleSeconds: number): Promise<StartSample> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-bench-start-'));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...NODE_FLAGS, 'bin/guardbell.js', 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...NODE_ENV, LOG_LEVEL: 'warn', PORT: '0', MQTT_PORT: '0', HOST: '127.0.0.1',
      DATA_DIR: dir, ...(demo ? {} : { GUARDBELL_DEMO: '0' }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = collect(child);
  try {
    const port = await until(() => /Console:\s+http:\/\/localhost:(\d+)/.exec(out.text)?.[1], child, out, 120_000);
    await until(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`).catch(() => undefined);
      return r?.ok && ((await r.json()) as { status?: string }).status === 'ok' ? true : undefined;
    }, child, out, 60_000);
    const healthyMs = performance.now() - t0;
    return { healthyMs, ...(await idle(child.pid!, idleSeconds)) };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function floor(kind: 'node' | 'pglite', idleSeconds: number): Promise<StartSample> {
  const dir = mkdtempSync(join(tmpdir(), 'gb-bench-floor-'));
  const t0 = performance.now();
  const template = migratedCopy();
  const args = kind === 'node'
    ? ['-e', 'console.log("ready"); setInterval(() => undefined, 1 << 30)']
    : [fileURLToPath(new URL('./pglite-alone.mjs', import.meta.url)), join(dir, 'pglite'), ...(template ? [template] : [])];
  const child = spawn(process.execPath, [...NODE_FLAGS, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...NODE_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = collect(child);
  try {
    await until(() => (out.text.includes('ready') ? true : undefined), child, out, 120_000);
    const healthyMs = performance.now() - t0;
    return { healthyMs, ...(await idle(child.pid!, idleSeconds)) };
  } finally {
    await stop(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The prepared, migrated PGlite copy `guardbell start` seeds an empty folder from (npm install makes it), if any. */
function migratedCopy(): string | undefined {
  const folder = join(ROOT, 'node_modules', '.cache', 'guardbell');
  const name = existsSync(folder) ? readdirSync(folder).find((n) => /^pglite-migrated-.*\.tar$/.test(n)) : undefined;
  return name ? join(folder, name) : undefined;
}

function collect(child: ChildProcess): { text: string } {
  const out = { text: '' };
  child.stdout?.on('data', (d: Buffer) => (out.text += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out.text += d.toString()));
  return out;
}

async function until<T>(probe: () => T | undefined | Promise<T | undefined>, child: ChildProcess, out: { text: string }, timeoutMs: number): Promise<T> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the process exited (${child.exitCode}): ${out.text.slice(-2_000)}`);
    const v = await probe();
    if (v !== undefined) return v;
    if (performance.now() > end) throw new Error(`not ready within ${timeoutMs} ms: ${out.text.slice(-2_000)}`);
    await sleep(20);
  }
}

/** Samples the tree's RSS every second for the idle window. */
async function idle(pid: number, seconds: number): Promise<{ idleRss: number; peakIdleRss: number }> {
  let peak = 0;
  let last = 0;
  for (let s = 0; s < seconds; s++) {
    await sleep(1_000);
    last = treeRss(pid);
    peak = Math.max(peak, last);
  }
  return { idleRss: last, peakIdleRss: peak };
}

/** RSS of a process and every descendant (Linux /proc), in bytes. */
export function treeRss(root: number): number {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      parent.set(Number(name), Number(statFieldsFrom3(readFileSync(`/proc/${name}/stat`, 'utf8'))[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parent) if (!tree.has(pid) && tree.has(ppid)) grew = tree.add(pid) !== undefined;
  }
  let bytes = 0;
  for (const pid of tree) {
    try {
      bytes += vmRssBytes(readFileSync(`/proc/${pid}/status`, 'utf8')) || 0;
    } catch {
      /* gone meanwhile */
    }
  }
  return bytes;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(10_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

export function startTargetMet(r: StartResult): boolean {
  const all = [...r.withDemo, ...r.withoutDemo];
  return all.length > 0 && all.every((x) => x.healthyMs <= START_TARGET_MS && x.idleRss <= IDLE_RSS_TARGET_BYTES);
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function formatStart(r: StartResult): string {
  const row = (name: string, x: StartSample) => `${name.padEnd(50)} ${sec(x.healthyMs).padStart(8)}   ${mib(x.idleRss).padStart(8)}   ${mib(x.peakIdleRss).padStart(8)}`;
  return [
    `== start: npm start's command on an empty DATA_DIR (embedded database and broker), then ${r.idleSeconds} s idle ==`,
    '',
    `${'run'.padEnd(50)} ${'healthy'.padStart(8)}   ${'idle RSS'.padStart(8)}   ${'peak'.padStart(8)}`,
    row('floor: node alone', r.baseline.node),
    row(`floor: PGlite alone, ${r.floorFolder}`, r.baseline.pglite),
    ...r.withDemo.map((x, i) => row(`guardbell start, with the demo (${i + 1})`, x)),
    ...r.withoutDemo.map((x, i) => row(`guardbell start, without the demo (${i + 1})`, x)),
    '',
    `target: healthy within ${sec(START_TARGET_MS)} and idle RSS (the process tree) at most ${mib(IDLE_RSS_TARGET_BYTES)}: ${startTargetMet(r) ? 'MET' : 'NOT MET'}`,
  ].join('\n');
}
