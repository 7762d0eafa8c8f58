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

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** What drizzle-orm/pglite calls on its client (see drizzle-orm/pglite/session.js). */
export interface PgliteLike {
  query<T>(sql: string, params?: unknown[], options?: { rowMode?: 'array' | 'object' }): Promise<Results<T>>;
  transaction<T>(callback: (tx: PgliteLike) => Promise<T>): Promise<T>;
}

export class PgliteThread implements PgliteLike {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: FromWorker) => {
      const waiting = this.pending.get(m.id);
      if (!waiting) return;
      this.pending.delete(m.id);
      if (m.ok) waiting.resolve(m.value);
      else waiting.reject(toError(m.error));
    });
    const fail = (error: Error) => {
      this.failure = error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the PGlite thread stopped (exit code ${code})`)));
  }

  /** Starts the thread and opens the database in `dataDir` ('memory://' for a throwaway one). */
  static async open(dataDir: string): Promise<PgliteThread> {
    // No smaller young generation here (it saved 15 MiB at idle): the online backup's dump, JavaScript work
    // inside this thread, then held the alarm writes past a bell's retransmission time.
    const worker = new Worker(new URL('./pglite-thread-worker.mjs', import.meta.url), { workerData: { dataDir } });
    const thread = new PgliteThread(worker);
    try {
      await thread.ask({ op: 'open' });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return thread;
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
    if (!this.failure) await this.ask({ op: 'close' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private ask(request: DistributiveOmit<ToWorker, 'id'>): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } as ToWorker);
    });
  }
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

