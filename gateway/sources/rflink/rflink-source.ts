/**
 * 433 MHz panic buttons heard by an RFLink receiver on one serial port (DEVICES.md §5.1, 57600 8N1, CR LF
 * lines). Framing, decoding, meaning and dedupe are pure and tested without a port; this class keeps the port
 * open (PortKeeper: a receiver that goes away is retried and reported not connected, like a native serial
 * line), resolves devices to bells and hands on BellSignals.
 *
 * RFLink is receive-only here: nothing is ever written to it (our `$GBA` acks mean nothing to it, and a
 * line it does not understand would only come back as `CMD UNKNOWN`).
 */
import type { Logger } from 'pino';
import type { Ack } from '../../../firmware-bridge/protocol/index.ts';
import type { BellSignal, BellSource, Rejection } from '../../signal.ts';
import { PortKeeper } from '../serial/port-keeper.ts';
import type { OpenSerialLink, SerialLineConfig } from '../../../firmware-bridge/serial-line/serial-link.ts';
import { CrlfLines, type CrlfItem } from './crlf-lines.ts';
import { frameKey, meaningOf } from './rflink-events.ts';
import { decodeRflinkLines, overlongLine, RFLINK_PROBLEMS, type RflinkFrame, type RflinkLine, type RflinkProblem } from './rflink-line.ts';
import { RFLINK_IGNORED, type RflinkIgnored, type RflinkMetrics } from './rflink-metrics.ts';
import { RflinkRepeats } from './repeat-filter.ts';

type Handlers = { signal(s: BellSignal): void; rejected(r: Rejection): void };

/** RFLink's fixed speed (DEVICES.md §5.1). */
export const RFLINK_BAUD_RATE = 57_600;

export interface RflinkSourceOptions extends SerialLineConfig {
  /** The bell provisioned for a normalised `NAME/ID/SWITCH` (Places.rflinkBell). */
  resolve(deviceId: string): string | undefined;
  /** Shared by every RFLink port of the process, so a press heard by two receivers is one press. */
  repeats?: RflinkRepeats | undefined;
  open?: OpenSerialLink | undefined;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'> | undefined;
  metrics?: RflinkMetrics | undefined;
  now?: (() => Date) | undefined;
  retryMs?: number | undefined;
  retryMaxMs?: number | undefined;
}

export class RflinkSource implements BellSource {
  readonly name: string;
  private readonly lines = new CrlfLines();
  private readonly keeper: PortKeeper;
  private readonly repeats: RflinkRepeats;
  private handlers: Handlers | undefined;

  constructor(private readonly opts: RflinkSourceOptions) {
    this.name = `rflink:${opts.path}`;
    this.repeats = opts.repeats ?? new RflinkRepeats();
    this.keeper = new PortKeeper({
      ...opts,
      what: 'RFLink receiver',
      onData: (chunk) => this.emit(this.lines.push(chunk)),
      onLost: () => this.emit(this.lines.end()),
    });
  }

  get connected(): boolean {
    return this.keeper.connected;
  }

  get path(): string {
    return this.opts.path;
  }

  /** Resolves after the first attempt to open, open or not: a missing receiver does not stop the gateway. */
  async start(handlers: Handlers): Promise<void> {
    this.handlers = handlers;
    const m = this.opts.metrics;
    for (const detail of RFLINK_PROBLEMS) m?.rejected.inc({ port: this.opts.path, detail }, 0);
    for (const detail of RFLINK_IGNORED) m?.ignored.inc({ port: this.opts.path, detail }, 0);
    await this.keeper.start();
  }

  async stop(): Promise<void> {
    await this.keeper.stop();
    this.lines.reset(); // a line cut off by our own stop is not the receiver's fault: not reported
  }

  /** These devices cannot be told anything: a person's acknowledgement does not reach them. */
  sendAck(_bellId: string, _ack: Ack): void {}

  private emit(items: CrlfItem[]): void {
    if (!this.handlers || items.length === 0) return;
    const receivedAt = this.opts.now?.() ?? new Date();
    for (const item of items) {
      const decoded = item.kind === 'too_long' ? [overlongLine(item.head, item.bytes)] : decodeRflinkLines(item.line);
      for (const line of decoded) {
        try {
          this.onLine(this.handlers, line, receivedAt);
        } catch (err) {
          // A throw here would escape the port's 'data' event and end the process: log it, keep reading.
          this.opts.logger?.warn({ port: this.opts.path, err: (err as Error).message }, 'RFLink line handling failed');
        }
      }
    }
  }

  private onLine(handlers: Handlers, line: RflinkLine, receivedAt: Date): void {
    switch (line.kind) {
      case 'rejected':
        return this.reject(handlers, line.problem, line.detail, receivedAt);
      case 'ignored':
        // The banner says which firmware answered: worth a line in the log at every receiver (re)start.
        if (line.detail === 'startup') this.opts.logger?.info({ port: this.opts.path, banner: line.text }, 'RFLink receiver started');
        return this.ignore(line.detail, line.text);
      case 'device':
        return this.onFrame(handlers, line.frame, receivedAt);
    }
  }

  private onFrame(handlers: Handlers, frame: RflinkFrame, receivedAt: Date): void {
    const now = receivedAt.getTime();
    if (this.repeats.isRepeat(frameKey(frame), now)) return this.ignore('repeat', `${frame.deviceId} CMD=${frame.cmd ?? ''}`);
    const meaning = meaningOf(frame);
    if (meaning.ignored) this.ignore(meaning.ignored, `${frame.deviceId} CMD=${frame.cmd ?? ''}`);
    const bellId = this.opts.resolve(frame.deviceId);
    if (!bellId) {
      // A press of a device nobody provisioned is worth a rejection (an installer reads the id to provision
      // from it); the chatter of every other 433 MHz device in range is not.
      if (meaning.events.some((e) => e.type === 'press')) {
        handlers.rejected({ reason: 'unknown_bell', detail: `no rflink bell is provisioned for device ${JSON.stringify(frame.deviceId)} (${frame.name} CMD=${frame.cmd ?? ''}) on ${this.opts.path}`, transport: 'rflink', at: receivedAt });
      } else if (!meaning.ignored) this.ignore('unknown_device', `${frame.deviceId} is not a provisioned bell`);
      return;
    }
    const base = { bellId, receivedAt, transport: 'rflink' as const };
    // Whatever else it says, the device spoke: proof of life (an event proves it too).
    if (meaning.events.length === 0) return handlers.signal({ ...base, kind: 'heartbeat' });
    for (const e of meaning.events) {
      const seq = this.repeats.seq(bellId, e.dedupeKey, now);
      const reply = (ack: Ack) => this.opts.logger?.debug({ bellId, seq, state: ack.state }, 'RFLink devices cannot be told: ack not sent');
      this.opts.logger?.info({ bellId, deviceId: frame.deviceId, port: this.opts.path, cmd: frame.cmd, bat: frame.bat, type: e.type, seq }, 'RFLink bell event');
      handlers.signal({ ...base, kind: 'event', seq, type: e.type, reply });
    }
  }

  private reject(handlers: Handlers, problem: RflinkProblem, detail: string, at: Date): void {
    this.opts.metrics?.rejected.inc({ port: this.opts.path, detail: problem });
    handlers.rejected({ reason: 'serial_frame', detail: `${problem}: ${detail} on ${this.opts.path}`, transport: 'rflink', at });
  }

  private ignore(detail: RflinkIgnored, text: string): void {
    this.opts.metrics?.ignored.inc({ port: this.opts.path, detail });
    this.opts.logger?.debug({ port: this.opts.path, detail }, `RFLink line ignored: ${text}`);
  }
}
