/**
 * Embedded PostgreSQL (PGlite) on its own thread.
 *
 * PGlite runs the PostgreSQL engine as WebAssembly on the thread that calls it, so every query used to
 * take the event loop that also carries the bells, the broker and the consoles: under a burst of presses
 * the ring waited behind the database (principle 1 says it must not). Here the engine lives in a worker
 * thread and this module gives drizzle's PGlite driver the two methods it uses, `query` and `transaction`,
 * over messages. PGlite serialises transactions either way: a query outside a transaction waits for the
 * open transaction to end, as it does in-thread.
 */
import { Worker } from 'node:worker_threads';
import type { Results } from '@electric-sql/pglite';
import type { FromWorker, SerializedError, ToWorker } from './pglite-thread-protocol.ts';
import type { RunInEngine } from './pglite-procedures.ts';
import { DomainError, type DomainErrorCode } from '../domain/index.ts';
import { threadEntry } from '../../bin/source-bundle.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; sentAt: number; op: string };

export interface EngineWatch {
  /**
   * A request unanswered this long (a dump excepted) means the engine hangs: PGlite spins for good after a checkpoint
   * fails on a full disk. The thread is then stopped and the folder opened again, as a crashed server recovers.
   */
  stallMs?: number;
  /** How often an engine that stopped or hung is opened again (the disk may still be full). */
  reopenEveryMs?: number;
  /** Told when the engine is found stopped or hung, and when it answers again. */
  onState?: (state: 'restarting' | 'ok', why: string) => void;
}

const DEFAULT_STALL_MS = 60_000;
const DEFAULT_REOPEN_EVERY_MS = 2_000;

/** What drizzle-orm/pglite calls on its client (see drizzle-orm/pglite/session.js). */
export interface PgliteLike {
  query<T>(sql: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }): Promise<Results<T>>;
  transaction<T>(callback: (tx: PgliteLike) => Promise<T>): Promise<T>;
}

export class PgliteThread implements PgliteLike {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Set while the engine cannot answer: requests are refused at once (the alarm path retries) instead of waiting. */
  private failure: Error | undefined;
  private closed = false;
  private watchdog: NodeJS.Timeout | undefined;

  private constructor(private worker: Worker, private readonly dataDir: string, private watch: EngineWatch) {
    this.listen(worker);
    this.armWatchdog();
  }

  /** Settles how the engine is watched (a thread opened early is watched once the system knows how). */
  watchWith(watch: EngineWatch): void {
    this.watch = watch;
    this.armWatchdog();
  }

  private armWatchdog(): void {
    clearInterval(this.watchdog);
    // A throwaway in-memory database cannot be opened again: it would come back empty.
    if (this.dataDir.startsWith('memory://')) return;
    this.watchdog = setInterval(() => this.checkStalled(), Math.min(1_000, this.stallMs));
    this.watchdog.unref();
  }

  private get stallMs(): number {
    return this.watch.stallMs ?? DEFAULT_STALL_MS;
  }

  private listen(worker: Worker): void {
    worker.on('message', (m: FromWorker) => {
      if (worker !== this.worker) return;
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      if (m.ok) waiting.resolve(m.value);
      else waiting.reject(toError(m.error));
    });
    worker.on('error', (error) => worker === this.worker && this.lost(error.message));
    worker.on('exit', (code) => worker === this.worker && this.lost(`the PGlite thread stopped (exit code ${code})`));
  }

  /** Starts the thread and opens the database in `dataDir` ('memory://' for a throwaway one). */
  static async open(dataDir: string, watch: EngineWatch = {}): Promise<PgliteThread> {
    return new PgliteThread(await startWorker(dataDir), dataDir, watch);
  }

  private checkStalled(): void {
    if (this.failure || this.closed) return;
    // Monotonic: a wall clock set forward an hour is not an engine silent for an hour.
    const now = performance.now();
    for (const p of this.pending.values()) {
      if (p.op !== 'dump' && now - p.sentAt > this.stallMs) {
        this.lost(`the engine did not answer a ${p.op} for ${Math.round((now - p.sentAt) / 1000)} s`);
        return;
      }
    }
  }

  /** The engine stopped or hangs: what waits on it is refused, and the folder is opened again until it opens. */
  private lost(why: string): void {
    if (this.failure || this.closed) return;
    const error = new Error(`the embedded database is restarting: ${why}`);
    this.failure = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
    if (this.dataDir.startsWith('memory://')) return;
    this.watch.onState?.('restarting', why);
    void this.reopen(why);
  }

  private async reopen(why: string): Promise<void> {
    await this.worker.terminate().catch(() => undefined);
    while (!this.closed) {
      await new Promise((r) => setTimeout(r, this.watch.reopenEveryMs ?? DEFAULT_REOPEN_EVERY_MS));
      if (this.closed) return;
      try {
        const worker = await startWorker(this.dataDir);
        if (this.closed) {
          await worker.terminate();
          return;
        }
        this.worker = worker;
        this.listen(worker);
        this.failure = undefined;
        this.watch.onState?.('ok', why);
        return;
      } catch (error) {
        this.failure = new Error(`the embedded database is restarting: ${why}; opening it again failed: ${(error as Error).message}`);
      }
    }
  }

  query<T>(sql: string, params: unknown[] = [], options?: { rowMode?: 'array' | 'object' }): Promise<Results<T>> {
    return this.ask({ op: 'query', sql, params, rowMode: options?.rowMode ?? 'object' }) as Promise<Results<T>>;
  }

  async transaction<T>(callback: (tx: PgliteLike) => Promise<T>): Promise<T> {
    const txId = (await this.ask({ op: 'begin' })) as number;
    const tx: PgliteLike = {
      query: <R>(sql: string, params: unknown[] = [], options?: { rowMode?: 'array' | 'object' }) =>
        this.ask({ op: 'query', sql, params, rowMode: options?.rowMode ?? 'object', txId }) as Promise<Results<R>>,
      transaction: () => Promise.reject(new Error('nested transactions go through savepoints (drizzle does this)')),
    };
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      await this.ask({ op: 'end', txId, commit: false }).catch(() => undefined);
      throw error;
    }
    await this.ask({ op: 'end', txId, commit: true });
    return result;
  }

  /** Runs a store procedure (pglite-procedures.ts) inside the thread, as one message. */
  readonly call: RunInEngine = ((name: string, ...args: unknown[]) => this.ask({ op: 'call', name, args })) as RunInEngine;

  /** A tarball of the data folder, taken between statements while everything else keeps running. */
  dump(): Promise<Uint8Array> {
    return this.ask({ op: 'dump' }) as Promise<Uint8Array>;
  }

  async close(): Promise<void> {
    clearInterval(this.watchdog);
    if (!this.failure) await this.ask({ op: 'close' }).catch(() => undefined);
    this.closed = true;
    this.failure = new Error('the PGlite thread stopped: the database was closed');
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
    await this.worker.terminate();
  }

  private ask(request: DistributiveOmit<ToWorker, 'id'>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, sentAt: performance.now(), op: request.op });
      this.worker.postMessage({ ...request, id } as ToWorker);
    });
  }
}

/** A worker with the database opened in it; stopped again if opening fails. */
async function startWorker(dataDir: string): Promise<Worker> {
  // No smaller young generation here (it saved 15 MiB at idle): the online backup's dump, JavaScript work
  // inside this thread, then held the alarm writes past a bell's retransmission time.
  // Plain JavaScript when the bundle made at install is current; the TypeScript sources through tsx otherwise.
  const worker = new Worker(threadEntry(new URL('./pglite-thread-worker.mjs', import.meta.url)), { workerData: { dataDir } });
  const opened = new Promise<void>((resolve, reject) => {
    const onMessage = (m: FromWorker) => {
      if (m.id !== 0) return;
      worker.off('message', onMessage);
      if (m.ok) resolve();
      else reject(toError(m.error));
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the PGlite thread stopped while opening (exit code ${code})`)));
  });
  worker.postMessage({ op: 'open', id: 0 } as ToWorker);
  try {
    await opened;
  } catch (error) {
    await worker.terminate();
    throw error;
  }
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  return worker;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function toError(e: SerializedError): Error {
  // A refused transition (a procedure runs the domain too) stays a DomainError: callers answer it as one.
  if (e.name === 'DomainError') return new DomainError(e.fields.code as DomainErrorCode, e.message);
  const error = new Error(e.message) as Error & Record<string, unknown>;
  error.name = e.name;
  for (const [key, value] of Object.entries(e.fields)) if (!(key in error)) error[key] = value;
  return error;
}

