/**
 * Keeps one serial port open for a source (native serial lines, RFLink receivers): opens it, and when it is
 * missing or goes away (unplugged USB adapter) retries with capped backoff, in-process, while reporting not
 * connected (STYLE.md: a safety gateway never stops or goes quiet because its hardware did).
 */
import type { Counter, Gauge } from 'prom-client';
import type { Logger } from 'pino';
import { openNodeSerialLink, type OpenSerialLink, type SerialLineConfig, type SerialLink } from '../../../firmware-bridge/serial-line/serial-link.ts';

export interface PortKeeperOptions extends SerialLineConfig {
  /** What the port carries, for logs: `RFLink receiver`. */
  what: string;
  onData(chunk: Buffer): void;
  /** The port went away: the reader ends what it had half read. */
  onLost(): void;
  /** Opens the port; the real one by default, a fake in unit tests. */
  open?: OpenSerialLink | undefined;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'> | undefined;
  metrics?: { connected: Gauge<'port'>; openFailures: Counter<'port'> } | undefined;
  now?: (() => Date) | undefined;
  /** First retry delay after a failed open or a lost port, doubled up to `retryMaxMs`. */
  retryMs?: number | undefined;
  retryMaxMs?: number | undefined;
}

/** A repeated open failure is logged again at most this often: visible in the log, not a flood. */
const STILL_DOWN_LOG_MS = 60_000;

export class PortKeeper {
  private link: SerialLink | undefined;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private downSince: Date | undefined;
  private lastFailure: { message: string; loggedAt: number } | undefined;

  constructor(private readonly opts: PortKeeperOptions) {
    this.retryDelay = opts.retryMs ?? 1_000;
  }

  get connected(): boolean {
    return this.link !== undefined;
  }

  /** Writes to the port; undefined when it is not open (the caller decides whether that matters). */
  write(data: string): Promise<void> | undefined {
    return this.link?.write(data);
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** Resolves after the first attempt to open, open or not: a missing port does not stop the gateway. */
  async start(): Promise<void> {
    this.stopped = false;
    this.opts.metrics?.openFailures.inc({ port: this.opts.path }, 0);
    this.opts.metrics?.connected.set({ port: this.opts.path }, 0);
    this.downSince = this.now();
    await this.tryOpen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const link = this.link;
    this.link = undefined;
    this.opts.metrics?.connected.set({ port: this.opts.path }, 0);
    await link?.close();
  }

  private async tryOpen(): Promise<void> {
    const { path, baudRate } = this.opts;
    let link: SerialLink;
    try {
      link = await (this.opts.open ?? openNodeSerialLink)({ path, baudRate });
    } catch (err) {
      this.openFailed(err as Error);
      return;
    }
    if (this.stopped) {
      await link.close();
      return;
    }
    this.link = link;
    link.onData((chunk) => this.opts.onData(chunk));
    link.onClose((err) => this.onClose(link, err));
    const downMs = this.downSince ? this.now().getTime() - this.downSince.getTime() : 0;
    this.opts.logger?.info({ port: path, baudRate, downMs }, `${this.opts.what} port open`);
    this.opts.metrics?.connected.set({ port: path }, 1);
    this.retryDelay = this.opts.retryMs ?? 1_000;
    this.downSince = undefined;
    this.lastFailure = undefined;
  }

  private openFailed(err: Error): void {
    this.opts.metrics?.openFailures.inc({ port: this.opts.path });
    // Monotonic: a stepped wall clock must neither silence nor repeat the warning.
    const at = performance.now();
    const fields = { port: this.opts.path, err: err.message, retryInMs: this.retryDelay, downSince: this.downSince?.toISOString() };
    if (!this.lastFailure || this.lastFailure.message !== err.message || at - this.lastFailure.loggedAt >= STILL_DOWN_LOG_MS) {
      this.opts.logger?.warn(fields, `${this.opts.what} port cannot be opened; bells on it are not heard; retrying`);
      this.lastFailure = { message: err.message, loggedAt: at };
    } else {
      this.opts.logger?.debug(fields, `${this.opts.what} port still cannot be opened`);
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, this.opts.retryMaxMs ?? 5_000);
    // Not unref'd: while a port is configured, retrying it is this process's job.
    this.retryTimer = setTimeout(() => void this.tryOpen(), delay);
  }

  private onClose(link: SerialLink, err: Error | null): void {
    if (this.link !== link) return; // closed by stop(), or a stale link
    this.link = undefined;
    this.opts.metrics?.connected.set({ port: this.opts.path }, 0);
    this.downSince = this.now();
    this.opts.onLost();
    if (this.stopped) return;
    this.opts.logger?.warn({ port: this.opts.path, err: err?.message }, `${this.opts.what} port lost; bells on it are not heard; retrying`);
    this.scheduleRetry();
  }
}
