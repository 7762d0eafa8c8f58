/** The bench's handle on a child process of the supervision phase (supervision-child.ts): requests and events. */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { sleep } from './stats.ts';
import type { BellAckMessage } from './fleet.ts';
import { CLOCK_TICKS_PER_SECOND, statFieldsFrom3, vmRssBytes } from './proc.ts';
import type { PressFleetPlan } from './press-fleet.ts';
import type { PressConsolePlan } from './press-clients.ts';
import type { FleetPlan } from './supervision-fleet.ts';
import type { StormPlan } from './storm-fleet.ts';

export type ChildRequest =
  | { op: 'usage' }
  | { op: 'startBroker'; root: string }
  | { op: 'startCounter'; url: string; username: string; password: string; root: string }
  | { op: 'connectFleet'; plan: FleetPlan }
  | { op: 'startHeartbeats'; everyMs: number }
  | { op: 'silence'; bells: { index: number; afterMs: number }[] }
  | { op: 'drop'; bells: { index: number; afterMs: number }[] }
  | { op: 'startPlainBroker' }
  | { op: 'storm'; plan: StormPlan }
  | { op: 'cutStorm' }
  | { op: 'connectPressFleet'; plan: PressFleetPlan }
  | { op: 'press'; index: number; payload: string }
  | { op: 'startBaseline'; rate: number; seconds: number }
  | { op: 'baselineOutstanding' }
  | { op: 'stopBaseline' }
  | { op: 'pressFleetCounts' }
  | { op: 'openPressClients'; plan: PressConsolePlan }
  | { op: 'cancel'; incidentId: string }
  | { op: 'closePressFleet' }
  | { op: 'close' };

export type ChildEvent =
  | { kind: 'silenced'; index: number; lastBeatAt: number | null }
  | { kind: 'dropped'; index: number; at: number; lastBeatAt: number | null }
  /** A press phase bell's ack, at the child's wall clock (performance.timeOrigin + now). */
  | { kind: 'ack'; index: number; ack: BellAckMessage; wallAt: number }
  /** A bell's `incident.created` at the press phase's console, at the child's wall clock. */
  | { kind: 'console'; bellId: string; incidentId: string; wallAt: number };

/**
 * A process's CPU (user + system, µs) at `at` (its performance.now()), again after a full GC, and its memory
 * after the GC: a measuring window starts at the `…AfterGc` reading and ends at the plain one.
 */
export interface ChildUsage {
  cpuMicros: number;
  at: number;
  cpuMicrosAfterGc: number;
  atAfterGc: number;
  rss: number;
  heapUsed: number;
  external: number;
}

export interface ChildUsageReply extends ChildUsage {
  /** Messages the baseline subscriber received; heartbeats the fleet sent; its unplanned disconnects. */
  received: number;
  heartbeats: number;
  disconnects: number;
}

/** This process's usage, read as ChildUsage says. */
export function processUsage(gc: (() => void) | undefined): ChildUsage {
  const before = process.cpuUsage();
  const at = performance.now();
  gc?.();
  const after = process.cpuUsage();
  const m = process.memoryUsage();
  return {
    cpuMicros: before.user + before.system, at, cpuMicrosAfterGc: after.user + after.system, atAfterGc: performance.now(),
    rss: m.rss, heapUsed: m.heapUsed, external: m.external,
  };
}

/**
 * Another process's usage from /proc (Linux), read as ChildUsage says: a process not our own (Mosquitto) has no GC
 * to run, so both readings are the same; no heap.
 */
export async function procUsage(pid: number): Promise<ChildUsage> {
  const [stat, status] = await Promise.all([readFile(`/proc/${pid}/stat`, 'utf8'), readFile(`/proc/${pid}/status`, 'utf8')]);
  const at = performance.now();
  const fields = statFieldsFrom3(stat);
  const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime, fields 14 and 15
  const cpuMicros = (ticks * 1_000_000) / CLOCK_TICKS_PER_SECOND;
  return { cpuMicros, at, cpuMicrosAfterGc: cpuMicros, atAfterGc: at, rss: vmRssBytes(status), heapUsed: 0, external: 0 };
}


/** A full GC for this process (started without --expose-gc): memory is compared after one. */
export function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * The reading once RSS has settled (three readings a second apart within 1%, at most 20 s): after start and after
 * provisioning, PGlite's thread gives back hundreds of MiB over some seconds (and a child process, tsx's start-up
 * memory), which would hide the bells' memory.
 */
export async function settled<T extends ChildUsage>(usage: () => T | Promise<T>): Promise<T> {
  let last = await usage();
  let calm = 0;
  for (let i = 0; i < 20 && calm < 3; i++) {
    await sleep(1_000);
    const u = await usage();
    calm = Math.abs(u.rss - last.rss) <= 0.01 * last.rss ? calm + 1 : 0;
    last = u;
  }
  return last;
}

/** CPU used between two readings, in cores (1 = one core busy all the time). */
export function coresBetween(from: ChildUsage, to: ChildUsage): number {
  return (to.cpuMicros - from.cpuMicrosAfterGc) / 1000 / (to.at - from.atAfterGc);
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string } | { event: ChildEvent };

export class BenchChild {
  private next = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  onEvent: (e: ChildEvent) => void = () => undefined;

  private constructor(private readonly child: ChildProcess, readonly role: 'fleet' | 'broker') {
    child.on('message', (m: Reply) => {
      if ('event' in m) return this.onEvent(m.event);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(`${role} process: ${m.error}`));
    });
    child.on('exit', (code, signal) => {
      for (const p of this.pending.values()) p.reject(new Error(`${role} process exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  /** TypeScript through tsx; `--expose-gc` so that memory is read after a full collection. */
  static start(role: 'fleet' | 'broker'): BenchChild {
    const file = fileURLToPath(new URL('./supervision-child.ts', import.meta.url));
    const child = fork(file, [role], {
      execArgv: ['--import', import.meta.resolve('tsx'), '--expose-gc', '--max-old-space-size=4096'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new BenchChild(child, role);
  }

  request<T>(r: ChildRequest): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ id, ...r });
    });
  }

  usage(): Promise<ChildUsageReply> {
    return this.request<ChildUsageReply>({ op: 'usage' });
  }

  /** Closes what the child started, then ends it. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || !this.child.connected) return;
    await this.request({ op: 'close' }).catch(() => undefined);
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}
