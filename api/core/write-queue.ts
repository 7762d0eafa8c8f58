import type { Logger } from 'pino';

export interface WriteJob<T> {
  /** The durable write; retried until it succeeds. */
  write(): Promise<T>;
  /** What follows a successful write (acks, pushes); runs once. */
  after(result: T): void;
}

/**
 * Writes in arrival order, retrying with capped backoff while the database is away. The alarm path never
 * waits on it: consoles have already been told, and bells are answered `received` from `after`.
 */
export class WriteQueue {
  private readonly jobs: WriteJob<unknown>[] = [];
  private draining = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly hooks: { failed(err: unknown): void; size(n: number): void },
    private readonly backoff = { initialMs: 100, maxMs: 2_000 },
  ) {}

  get length(): number {
    return this.jobs.length;
  }

  push<T>(job: WriteJob<T>): void {
    this.jobs.push(job as WriteJob<unknown>);
    this.hooks.size(this.jobs.length);
    void this.drain();
  }

  /** Waits until every queued write is done (tests and shutdown), or the timeout passes. */
  async idle(timeoutMs = 10_000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.jobs.length > 0 && Date.now() < until) await sleep(10);
    return this.jobs.length === 0;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    let delay = this.backoff.initialMs;
    try {
      while (this.jobs.length > 0 && !this.stopped) {
        const job = this.jobs[0]!;
        let result: unknown;
        try {
          result = await job.write();
        } catch (err) {
          this.hooks.failed(err);
          this.logger.error({ err: (err as Error).message, queued: this.jobs.length, retryInMs: delay }, 'store write failed; will retry');
          await new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, delay).unref();
          });
          delay = Math.min(delay * 2, this.backoff.maxMs);
          continue;
        }
        delay = this.backoff.initialMs;
        this.jobs.shift();
        this.hooks.size(this.jobs.length);
        try {
          job.after(result);
        } catch (err) {
          this.logger.error({ err }, 'after-write step failed');
        }
      }
    } finally {
      this.draining = false;
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
