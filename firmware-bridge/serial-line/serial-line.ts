/**
 * One serial port seen as lines, kept open: a port that goes away (unplugged USB adapter, a board that
 * lost power) is reopened with capped backoff while `isOpen` says false, as the gateway's serial source
 * does. The port itself is the gateway's thin wrapper, so both ends share its hang-up workaround.
 */
import { EventEmitter } from 'node:events';
// Not a public entry point of gateway/: the wrapper and its EOF workaround (serialport/bindings-cpp#162) exist once.
import { openNodeSerialLink, type OpenSerialLink, type SerialLink } from './serial-link.ts';
import { LineReader } from './line-reader.ts';
import type { SerialSpec } from './serial-spec.ts';

export interface SerialLineOptions extends SerialSpec {
  retryMs?: number | undefined;
  retryMaxMs?: number | undefined;
  maxLineBytes?: number | undefined;
  /** Opens the port; the real one unless a test says otherwise. */
  open?: OpenSerialLink | undefined;
}

export interface SerialLineEvents {
  line: [string];
  /** A line longer than the limit was dropped (counted by the user as garbage). */
  overlong: [number];
  open: [];
  /** The port went away (null error: closed by `stop`). */
  lost: [Error | null];
  /** A reopen attempt failed; another follows. */
  retryFailed: [Error];
}

export class SerialLine extends EventEmitter<SerialLineEvents> {
  private link: SerialLink | undefined;
  private readonly reader: LineReader;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay: number;

  constructor(private readonly opts: SerialLineOptions) {
    super();
    this.reader = new LineReader(opts.maxLineBytes);
    this.retryDelay = opts.retryMs ?? 1_000;
  }

  get path(): string {
    return this.opts.path;
  }

  get isOpen(): boolean {
    return this.link !== undefined;
  }

  /** Opens the port once; rejects naming it when that fails (a wrong path should be said at once, not retried). */
  async start(): Promise<void> {
    if (this.stopped) throw new Error(`serial line ${this.opts.path} is stopped`);
    try {
      this.attach(await this.openLink());
    } catch (err) {
      throw new Error(`cannot open serial port ${this.opts.path} at ${this.opts.baudRate} baud (${(err as Error).message})`);
    }
  }

  /** Writes text as latin1; rejects while the port is down (callers retransmit or resend on reopen). */
  async write(text: string): Promise<void> {
    const link = this.link;
    if (!link) throw new Error(`serial port ${this.opts.path} is not open`);
    await link.write(text);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  private openLink(): Promise<SerialLink> {
    return (this.opts.open ?? openNodeSerialLink)({ path: this.opts.path, baudRate: this.opts.baudRate });
  }

  private attach(link: SerialLink): void {
    if (this.stopped) {
      void link.close();
      return;
    }
    this.link = link;
    this.retryDelay = this.opts.retryMs ?? 1_000;
    this.reader.reset();
    link.onData((chunk) => {
      for (const item of this.reader.push(chunk)) {
        if (item.kind === 'line') this.emit('line', item.line);
        else this.emit('overlong', item.bytes);
      }
    });
    link.onClose((err) => {
      if (this.link !== link) return; // closed by stop()
      this.link = undefined;
      this.emit('lost', err);
      this.scheduleRetry();
    });
    this.emit('open');
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    const delay = this.retryDelay;
    this.retryDelay = Math.min(delay * 2, this.opts.retryMaxMs ?? 5_000);
    this.retryTimer = setTimeout(() => {
      this.openLink().then(
        (link) => this.attach(link),
        (err: Error) => {
          this.emit('retryFailed', err);
          this.scheduleRetry();
        },
      );
    }, delay);
  }
}
