/**
 * Where the time goes inside the system under test, without changing what it does: the escalation engine's
 * batches (`claimAndRun`, one transaction each) and the outbox's claims (`claimBatch`, one statement each; the sends
 * it starts run on after it) are timed by wrapping them
 * on the instance (a measuring hook: the methods are called as before), and the
 * core's write queue and the pg pool's queue are sampled every 50 ms.
 */
import { performance } from 'node:perf_hooks';
import type { System } from '../../api/system.ts';

export interface BusyReport {
  /** Calls, what they took in total (steps handled / rows claimed; a failed call takes nothing), time inside them, the longest. */
  calls: number;
  items: number;
  busyMs: number;
  maxMs: number;
  /** Calls that threw (the system logs them and retries on its next tick), and the first error. */
  failed: number;
  firstError: string | undefined;
}

export interface ProbeReport {
  engine: BusyReport;
  outbox: BusyReport;
  /** Most bell events shown to consoles but not yet stored (the core's serial write queue). */
  peakPendingWrites: number;
  /** Most queries waiting for one of the pg pool's connections (PostgreSQL only; 0 on PGlite). */
  peakPoolWaiting: number;
  poolSize: number | undefined;
  /** From start to stop of the probe. */
  wallMs: number;
}

type Wrappable = { [k: string]: unknown };

/** Times every call of `method` on this instance until `stop`, which returns a snapshot (calls still running count as busy so far). */
function timeCalls<R>(target: object, method: 'claimAndRun' | 'claimBatch', count: (result: R) => number): { stop(): BusyReport } {
  const obj = target as Wrappable;
  const original = obj[method] as (...args: unknown[]) => Promise<R>;
  const report: BusyReport = { calls: 0, items: 0, busyMs: 0, maxMs: 0, failed: 0, firstError: undefined };
  const running = new Set<number>();
  let stopped = false;
  obj[method] = async function timed(...args: unknown[]): Promise<R> {
    const t = performance.now();
    running.add(t);
    try {
      const result = await original.apply(target, args);
      if (!stopped) report.items += count(result);
      return result;
    } catch (err) {
      if (!stopped) {
        report.failed++;
        report.firstError ??= (err as Error).message.slice(0, 160);
      }
      throw err;
    } finally {
      running.delete(t);
      if (!stopped) {
        const d = performance.now() - t;
        report.calls++;
        report.busyMs += d;
        report.maxMs = Math.max(report.maxMs, d);
      }
    }
  };
  return {
    stop: () => {
      stopped = true;
      delete obj[method];
      const now = performance.now();
      const inFlight = [...running].map((t) => now - t);
      return {
        ...report,
        busyMs: report.busyMs + inFlight.reduce((a, b) => a + b, 0),
        maxMs: Math.max(report.maxMs, ...inFlight),
      };
    },
  };
}

export function probeSystem(system: System): { stop(): ProbeReport } {
  // One claimAndRun is one engine transaction: up to 50 due steps claimed, decided, fired or skipped.
  const engine = timeCalls(system.escalation, 'claimAndRun', (n: number) => n);
  const outbox = timeCalls(system.outbox, 'claimBatch', (b: { claimed: number }) => b.claimed);
  const pool = (system.database.db as unknown as { $client?: { waitingCount?: number; options?: { max?: number } } }).$client;
  const started = performance.now();
  let peakPendingWrites = 0;
  let peakPoolWaiting = 0;
  const timer = setInterval(() => {
    peakPendingWrites = Math.max(peakPendingWrites, system.core.pendingWrites);
    peakPoolWaiting = Math.max(peakPoolWaiting, pool?.waitingCount ?? 0);
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return {
        engine: engine.stop(),
        outbox: outbox.stop(),
        peakPendingWrites,
        peakPoolWaiting,
        poolSize: system.database.kind === 'postgres' ? pool?.options?.max : undefined,
        wallMs: performance.now() - started,
      };
    },
  };
}

/** One line: how busy the engine and the outbox were while probed, and the queues. */
export function formatProbes(p: ProbeReport): string {
  const pct = (ms: number) => `${((ms / p.wallMs) * 100).toFixed(0)}%`;
  const e = p.engine;
  const o = p.outbox;
  const failed = (b: BusyReport) => (b.failed > 0 ? `, ${b.failed} failed ("${b.firstError}")` : '');
  return [
    `escalation engine ${e.calls} claims (transactions), ${e.items} steps, inside them ${(e.busyMs / 1000).toFixed(1)} s (${pct(e.busyMs)} of the time), longest ${Math.round(e.maxMs)} ms${failed(e)};`,
    `outbox ${o.calls} claims (one statement each, the sends run on after them), ${o.items} rows, claiming ${(o.busyMs / 1000).toFixed(1)} s (${pct(o.busyMs)}), longest claim ${Math.round(o.maxMs)} ms${failed(o)};`,
    `write queue at most ${p.peakPendingWrites} events;`,
    p.poolSize === undefined ? 'one PGlite connection' : `pg pool (${p.poolSize}) at most ${p.peakPoolWaiting} queries waiting`,
  ].join(' ');
}
