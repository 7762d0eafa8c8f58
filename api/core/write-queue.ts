import type { Logger } from 'pino';

export interface WriteJob<W, R> {
  /** What to make durable; retried until it is. */
  item: W;
  /** What follows a successful write (acks, pushes); runs once. */
  after(result: R): void;
}

/**
 * Writes several items in order, each on its own. Resolves with the results of those written, in order,
 * and the error that stopped it, if any: the items after it are written again on the next attempt.
 */
export type WriteBatch<W, R> = (items: W[]) => Promise<{ results: R[]; error?: unknown }>;

/**
 * Writes in arrival order, retrying with capped backoff while the database is away. The alarm path never
 * waits on it: consoles have already been told, and bells are answered `received` from `after`. Up to
 * `maxBatch` waiting items go to the store at once (one message to an embedded engine on its own thread).
 */
export class WriteQueue<W, R> {
  private readonly jobs: WriteJob<W, R>[] = [];
  private draining = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly writeBatch: WriteBatch<W, R>,
    private readonly hooks: { failed(err: unknown): void; size(n: number): void },
    private readonly options = { maxBatch: 10, initialMs: 100, maxMs: 2_000 },
  ) {}

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
        const batch = this.jobs.slice(0, this.options.maxBatch);
        let outcome: { results: R[]; error?: unknown };
        try {
          outcome = await this.writeBatch(batch.map((j) => j.item));
        } catch (error) {
          outcome = { results: [], error };
        }
        // Those written are done, whatever happened after them.
        for (const [i, result] of outcome.results.entries()) {
          this.jobs.shift();
          try {
            batch[i]!.after(result);
          } catch (err) {
            this.logger.error({ err }, 'after-write step failed');
          }
          // Let a press that arrived meanwhile ring before the next acknowledgement goes out.
          if (i < outcome.results.length - 1) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        this.hooks.size(this.jobs.length);
        if (outcome.error === undefined) {
          delay = this.options.initialMs;
          continue;
        }
        this.hooks.failed(outcome.error);
        this.logger.error({ err: (outcome.error as Error)?.message, queued: this.jobs.length, retryInMs: delay }, 'store write failed; will retry');
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
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
