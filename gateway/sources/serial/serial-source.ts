/**
 * Native bells on one serial line (PROTOCOL.md §2). Framing, decoding and routing are tested without a
 * port; this class only keeps the port open: a port that goes away (unplugged USB adapter, dead hub) is
 * retried with capped backoff, in-process, while the source reports not connected (STYLE.md: a safety
 * gateway never stops or goes quiet because its hardware did).
 */
import type { Logger } from 'pino';
import { encodeSerialAck, type Ack } from '../../../firmware-bridge/protocol/index.ts';
import type { BellSignal, BellSource, Rejection } from '../../signal.ts';
import { SerialAckRoutes } from './ack-routes.ts';
import { decodeLine, framingRejection } from './frames.ts';
import { LineSplitter, type SplitItem } from './line-splitter.ts';
import { openNodeSerialLink, type OpenSerialLink, type SerialLineConfig, type SerialLink } from './serial-link.ts';
import { SERIAL_FRAME_PROBLEMS, type SerialMetrics } from './serial-metrics.ts';

type Handlers = { signal(s: BellSignal): void; rejected(r: Rejection): void };

export interface SerialSourceOptions extends SerialLineConfig {
  /** Opens the port; the real one by default, a fake in unit tests. */
  open?: OpenSerialLink;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  metrics?: SerialMetrics;
  /** Shared by every serial source of the process, so later acks go out on the port that last heard the bell. */
  routes?: SerialAckRoutes;
  now?: () => Date;
  /** First retry delay after a failed open or a lost port, doubled up to `retryMaxMs`. */
  retryMs?: number;
  retryMaxMs?: number;
  /** Noise followed by this much silence is reported then, rather than at the next `$`. */
  quietMs?: number;
}

/** A repeated open failure is logged again at most this often: visible in the log, not a flood. */
const STILL_DOWN_LOG_MS = 60_000;

export class SerialSource implements BellSource {
  readonly name: string;
  private link: SerialLink | undefined;
  private handlers: Handlers | undefined;
  private readonly splitter = new LineSplitter();
  private readonly routes: SerialAckRoutes;
  private readonly now: () => Date;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private quietTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;
  private downSince: Date | undefined;
  private lastFailure: { message: string; loggedAt: number } | undefined;

  constructor(private readonly opts: SerialSourceOptions) {
    this.name = `serial:${opts.path}`;
    this.routes = opts.routes ?? new SerialAckRoutes();
    this.now = opts.now ?? (() => new Date());
    this.retryDelay = opts.retryMs ?? 1_000;
  }

  get connected(): boolean {
    return this.link !== undefined;
  }

  get path(): string {
    return this.opts.path;
  }

  /** Resolves after the first attempt to open, open or not: a missing port does not stop the gateway. */
  async start(handlers: Handlers): Promise<void> {
    this.handlers = handlers;
    this.stopped = false;
    const m = this.opts.metrics;
    for (const detail of SERIAL_FRAME_PROBLEMS) m?.rejected.inc({ port: this.opts.path, detail }, 0);
    m?.openFailures.inc({ port: this.opts.path }, 0);
    m?.connected.set({ port: this.opts.path }, 0);
    this.downSince = this.now();
    await this.tryOpen();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.quietTimer);
    const link = this.link;
    this.link = undefined;
    this.splitter.end(); // a frame cut off by our own stop is not the line's fault: not reported
    this.opts.metrics?.connected.set({ port: this.opts.path }, 0);
    await link?.close();
  }

  sendAck(bellId: string, ack: Ack): void {
    if (this.routes.isLastHeardOn(bellId, this)) this.write(bellId, ack);
  }

  private async tryOpen(): Promise<void> {
    let link: SerialLink;
    try {
      link = await (this.opts.open ?? openNodeSerialLink)({ path: this.opts.path, baudRate: this.opts.baudRate });
    } catch (err) {
      this.openFailed(err as Error);
      return;
    }
    if (this.stopped) {
      await link.close();
      return;
    }
    this.link = link;
    link.onData((chunk) => this.onData(chunk));
    link.onClose((err) => this.onClose(link, err));
    const downMs = this.downSince ? this.now().getTime() - this.downSince.getTime() : 0;
    this.opts.logger?.info({ port: this.opts.path, baudRate: this.opts.baudRate, downMs }, 'serial port open');
    this.opts.metrics?.connected.set({ port: this.opts.path }, 1);
    this.retryDelay = this.opts.retryMs ?? 1_000;
    this.downSince = undefined;
    this.lastFailure = undefined;
  }

  private openFailed(err: Error): void {
    const log = this.opts.logger;
    this.opts.metrics?.openFailures.inc({ port: this.opts.path });
    const at = Date.now();
    const fields = { port: this.opts.path, err: err.message, retryInMs: this.retryDelay, downSince: this.downSince?.toISOString() };
    if (!this.lastFailure || this.lastFailure.message !== err.message || at - this.lastFailure.loggedAt >= STILL_DOWN_LOG_MS) {
      log?.warn(fields, 'serial port cannot be opened; serial bells on it are not heard; retrying');
      this.lastFailure = { message: err.message, loggedAt: at };
    } else {
      log?.debug(fields, 'serial port still cannot be opened');
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
    clearTimeout(this.quietTimer);
    this.opts.metrics?.connected.set({ port: this.opts.path }, 0);
    this.downSince = this.now();
    this.emit(this.splitter.end());
    if (this.stopped) return;
    this.opts.logger?.warn({ port: this.opts.path, err: err?.message }, 'serial port lost; serial bells on it are not heard; retrying');
    this.scheduleRetry();
  }

  private onData(chunk: Buffer): void {
    this.emit(this.splitter.push(chunk));
    clearTimeout(this.quietTimer);
    if (this.splitter.hasPendingNoise) {
      this.quietTimer = setTimeout(() => this.emit(this.splitter.flushNoise()), this.opts.quietMs ?? 200);
      this.quietTimer.unref();
    }
  }

  private emit(items: SplitItem[]): void {
    const handlers = this.handlers;
    if (!handlers || items.length === 0) return;
    const receivedAt = this.now();
    const reply = (bellId: string, ack: Ack) => {
      // The route is claimed by an answered event, not by any frame: the gateway refuses some bells on serial
      // (keyed ones), and such a line must not start receiving the acks of that bell's incidents.
      this.routes.heard(bellId, this);
      this.write(bellId, ack);
    };
    const ctx = { path: this.opts.path, receivedAt, reply };
    for (const item of items) {
      try {
        this.handle(handlers, item, ctx);
      } catch (err) {
        // A throw here would escape the port's 'data' event and end the process: log it, keep reading.
        this.opts.logger?.warn({ port: this.opts.path, err: (err as Error).message }, 'serial frame handling failed');
      }
    }
  }

  private handle(handlers: Handlers, item: SplitItem, ctx: Parameters<typeof decodeLine>[1]): void {
    if (item.kind === 'rejected') return this.reject(handlers, item.detail, framingRejection(item, ctx));
    const outcome = decodeLine(item.line, ctx);
    if (!outcome.ok) return this.reject(handlers, outcome.problem, outcome.rejection);
    handlers.signal(outcome.signal);
  }

  private reject(handlers: Handlers, detail: string, r: Rejection): void {
    this.opts.metrics?.rejected.inc({ port: this.opts.path, detail });
    handlers.rejected(r);
  }

  private write(bellId: string, ack: Ack): void {
    const link = this.link;
    // The bell retransmits every 2 s until it hears `received`, so an ack lost while the port is down is
    // answered again on the next copy: nothing to queue here.
    if (!link) {
      this.opts.logger?.debug({ port: this.opts.path, bellId, seq: ack.seq, state: ack.state }, 'serial ack not sent: port not open');
      return;
    }
    link.write(encodeSerialAck(bellId, ack.seq, ack.state)).catch((err: unknown) => {
      this.opts.logger?.warn({ port: this.opts.path, bellId, seq: ack.seq, err: (err as Error).message }, 'serial ack write failed');
    });
  }
}
