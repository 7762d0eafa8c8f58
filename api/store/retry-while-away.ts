/**
 * Writes that must reach the database but have nobody to send them again: a provider's delivery report (Twilio
 * sends each status callback once, and does not retry one we refuse) and the outcome of a message sent before
 * its row was stored. Tried at once; while the database is away (store-errors.ts), tried again with backoff,
 * 1 s doubling to 30 s, for about ten minutes, then logged as lost. A refusal for what the write holds is not
 * retried: it is the caller's.
 */
import type { Logger } from 'pino';
import { isStoreAway } from './store-errors.ts';

export interface RetryWhileAwayOptions {
  logger: Logger;
  firstMs?: number;
  maxMs?: number;
  /** Attempts after the first before giving up (the default, 25, spans about ten minutes). */
  retries?: number;
  /** Counts each write kept for later, and each one given up. */
  counted?: (outcome: 'kept' | 'lost') => void;
}

export class RetryWhileAway {
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly opts: RetryWhileAwayOptions) {}

  /** Writes now; resolves once written or kept for later, rejects only when the database refuses the write itself. */
  async write(what: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (!isStoreAway(err)) throw err;
      this.opts.counted?.('kept');
      this.opts.logger.warn({ err: (err as Error).message, what }, 'database away: the write is kept and tried again');
      this.later(what, write, 1);
    }
  }

  /** How many writes wait for the database. */
  get waiting(): number {
    return this.timers.size;
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(what: string, write: () => Promise<unknown>, attempt: number): void {
    if (this.stopped) return;
    const delay = Math.min(this.opts.maxMs ?? 30_000, (this.opts.firstMs ?? 1_000) * 2 ** (attempt - 1));
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      write().catch((err: unknown) => {
        if (isStoreAway(err) && attempt < (this.opts.retries ?? 25)) return this.later(what, write, attempt + 1);
        this.opts.counted?.('lost');
        this.opts.logger.error({ err: (err as Error).message, what, attempts: attempt + 1 }, 'a write kept while the database was away is lost');
      });
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}
