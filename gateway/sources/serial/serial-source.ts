/**
 * Native bells on one serial line (PROTOCOL.md §2). Framing, decoding and routing are tested without a
 * port; the port itself is a PortKeeper's: one that goes away (unplugged USB adapter, dead hub) is retried
 * with capped backoff, in-process, while the source reports not connected.
 */
import type { Logger } from 'pino';
import { encodeSerialAck, type Ack } from '../../../firmware-bridge/protocol/index.ts';
import type { BellSignal, BellSource, Rejection } from '../../signal.ts';
import { SerialAckRoutes } from './ack-routes.ts';
import { decodeLine, framingRejection } from './frames.ts';
import { LineSplitter, type SplitItem } from './line-splitter.ts';
import type { OpenSerialLink, SerialLineConfig } from '../../../firmware-bridge/serial-line/serial-link.ts';
import { PortKeeper } from './port-keeper.ts';
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
  /**
   * A site's own line (provisioning `serialPorts`): it hears only that site's bells. A frame of any other
   * bell is refused as unknown here, so a mis-wired bell is noticed rather than raising another office's alarm.
   */
  site?: { id: string; hasBell(bellId: string): boolean };
}

export class SerialSource implements BellSource {
  readonly name: string;
  private readonly port: PortKeeper;
  private handlers: Handlers | undefined;
  private readonly splitter = new LineSplitter();
  private readonly routes: SerialAckRoutes;
  private readonly now: () => Date;
  private quietTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: SerialSourceOptions) {
    this.name = `serial:${opts.path}`;
    this.routes = opts.routes ?? new SerialAckRoutes();
    this.now = opts.now ?? (() => new Date());
    this.port = new PortKeeper({
      path: opts.path, baudRate: opts.baudRate, what: 'serial', open: opts.open, logger: opts.logger, metrics: opts.metrics, now: this.now,
      retryMs: opts.retryMs, retryMaxMs: opts.retryMaxMs,
      onData: (chunk) => this.onData(chunk),
      onLost: () => {
        clearTimeout(this.quietTimer);
        this.emit(this.splitter.end());
      },
    });
  }

  get connected(): boolean {
    return this.port.connected;
  }

  get path(): string {
    return this.opts.path;
  }

  /** Resolves after the first attempt to open, open or not: a missing port does not stop the gateway. */
  async start(handlers: Handlers): Promise<void> {
    this.handlers = handlers;
    for (const detail of SERIAL_FRAME_PROBLEMS) this.opts.metrics?.rejected.inc({ port: this.opts.path, detail }, 0);
    await this.port.start();
  }

  async stop(): Promise<void> {
    clearTimeout(this.quietTimer);
    this.splitter.end(); // a frame cut off by our own stop is not the line's fault: not reported
    await this.port.stop();
  }

  sendAck(bellId: string, ack: Ack): void {
    if (this.routes.isLastHeardOn(bellId, this)) this.write(bellId, ack);
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
    const site = this.opts.site;
    if (site && !site.hasBell(outcome.signal.bellId)) {
      handlers.rejected({
        reason: 'unknown_bell', bellId: outcome.signal.bellId, transport: 'serial', at: ctx.receivedAt,
        detail: `bell ${outcome.signal.bellId} is not a bell of site ${site.id}, whose serial line ${this.opts.path} this is`,
      });
      return;
    }
    handlers.signal(outcome.signal);
  }

  private reject(handlers: Handlers, detail: string, r: Rejection): void {
    this.opts.metrics?.rejected.inc({ port: this.opts.path, detail });
    handlers.rejected(r);
  }

  private write(bellId: string, ack: Ack): void {
    // The bell retransmits every 2 s until it hears `received`, so an ack lost while the port is down is
    // answered again on the next copy: nothing to queue here.
    const written = this.port.write(encodeSerialAck(bellId, ack.seq, ack.state));
    if (!written) {
      this.opts.logger?.debug({ port: this.opts.path, bellId, seq: ack.seq, state: ack.state }, 'serial ack not sent: port not open');
      return;
    }
    written.catch((err: unknown) => {
      this.opts.logger?.warn({ port: this.opts.path, bellId, seq: ack.seq, err: (err as Error).message }, 'serial ack write failed');
    });
  }
}
