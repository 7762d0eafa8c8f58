import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';

export interface WriteJob<W, R> {
  /** What to make durable; retried until it is. */
  item: W;
  /** What follows a successful write (acks, pushes); runs once. */
  after(result: R): void;
  /** The store refused this item for what it holds, while it stored others: it is set aside, never written. */
  setAside?(reason: unknown): void;
}

/**
 * Writes several items in order, each on its own. Resolves with the results of those written, in order,
 * and the error that stopped it, if any: the items after it are written again on the next attempt.
 */
export type WriteBatch<W, R> = (items: W[]) => Promise<{ results: R[]; error?: unknown }>;

export interface WriteQueueHooks {
  failed(err: unknown): void;
  size(n: number): void;
  /**
   * The store refused the first unwritten item for what it holds (not for being away). Such an item is set aside
   * once the items after it are written without it (proof that the database works and the item is bad); until
   * then it is retried with the rest. Without this hook every failure is the database being away.
   */
  refusedItem?(err: unknown): boolean;
}

export interface WriteQueueOptions {
  maxBatch: number;
  initialMs: number;
  maxMs: number;
  /**
   * How long the after-steps of a written batch (acks, pushes) may run before the event loop gets a turn, so that a
   * press that arrived meanwhile rings before the next acknowledgement. Every step its own turn made a batch of
   * hundreds wait hundreds of turns while the next batch waited behind them: under load (SMS status callbacks, a
   * thousand bells) presses were acknowledged seconds after they were written.
   */
  afterSliceMs: number;
}

const DEFAULT_OPTIONS: WriteQueueOptions = { maxBatch: 500, initialMs: 100, maxMs: 2_000, afterSliceMs: 5 };

/**
 * Writes in arrival order, retrying with capped backoff while the database is away. The alarm path never
 * waits on it: consoles have already been told, and bells are answered `received` from `after`. Up to
 * `maxBatch` waiting items go to the store at once (group commit: one transaction on PostgreSQL, one message
 * to an embedded engine on its own thread), so the batch grows with the backlog when the database is slow.
 */
export class WriteQueue<W, R> {
  private readonly jobs: WriteJob<W, R>[] = [];
  private draining = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly options: WriteQueueOptions;

  constructor(
    private readonly logger: Logger,
    private readonly writeBatch: WriteBatch<W, R>,
    private readonly hooks: WriteQueueHooks,
    options: Partial<WriteQueueOptions> = {},
  ) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
  }

  get length(): number {
    return this.jobs.length;
  }

  push(job: WriteJob<W, R>): void {
    this.jobs.push(job);
    this.hooks.size(this.jobs.length);
    void this.drain();
  }

  /** Waits until every queued write is done (tests and shutdown), or the timeout passes. */
  async idle(timeoutMs = 10_000): Promise<boolean> {
    const until = performance.now() + timeoutMs;
    while (this.jobs.length > 0 && performance.now() < until) await sleep(10);
    return this.jobs.length === 0;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    let delay = this.options.initialMs;
    try {
      while (this.jobs.length > 0 && !this.stopped) {
        let error = await this.writeFrom(0);
        if (error !== undefined && this.hooks.refusedItem?.(error) && this.jobs.length > 1) error = await this.setAsideIfProven(error);
        this.hooks.size(this.jobs.length);
        if (error === undefined) {
          delay = this.options.initialMs;
          continue;
        }
        this.hooks.failed(error);
        this.logger.error({ err: (error as Error)?.message, queued: this.jobs.length, retryInMs: delay }, 'store write failed; will retry');
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, delay).unref();
        });
        delay = Math.min(delay * 2, this.options.maxMs);
      }
    } finally {
      this.draining = false;
    }
  }

  /** Writes up to maxBatch jobs from position `from`, runs the after-steps of those written; the error that stopped it, if any. */
  private async writeFrom(from: number): Promise<unknown> {
    const batch = this.jobs.slice(from, from + this.options.maxBatch);
    let outcome: { results: R[]; error?: unknown };
    try {
      outcome = await this.writeBatch(batch.map((j) => j.item));
    } catch (error) {
      outcome = { results: [], error };
    }
    // Those written are done, whatever happened after them.
    let slice = performance.now();
    for (const [i, result] of outcome.results.entries()) {
      this.jobs.splice(from, 1);
      try {
        batch[i]!.after(result);
      } catch (err) {
        this.logger.error({ err }, 'after-write step failed');
      }
      if (i < outcome.results.length - 1 && performance.now() - slice >= this.options.afterSliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        slice = performance.now();
      }
    }
    return outcome.error;
  }

  /**
   * The first job was refused for what it holds: the jobs after it are written without it. If any of them is
   * stored, the database works and the first job is bad: it is set aside (logged with its reason, counted by the
   * caller) so that it stops nothing behind it. If none is, the database is the trouble: all wait and retry.
   */
  private async setAsideIfProven(reason: unknown): Promise<unknown> {
    const suspect = this.jobs[0]!;
    const before = this.jobs.length;
    const error = await this.writeFrom(1);
    if (this.jobs.length === before) return error;
    this.jobs.splice(this.jobs.indexOf(suspect), 1);
    this.logger.error({ err: (reason as Error)?.message ?? String(reason) }, 'store refused a write for what it holds; set aside, the writes after it went on');
    try {
      suspect.setAside?.(reason);
    } catch (err) {
      this.logger.error({ err }, 'set-aside step failed');
    }
    return error;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
