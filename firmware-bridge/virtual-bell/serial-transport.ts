/**
 * A bell on a native serial line (PROTOCOL.md §2): `$GB1` frames out, `$GBA` acks in. Serial acks carry no
 * incident id, and the line has no status or will: the gateway supervises a serial bell by its heartbeats.
 */
import { decodeSerialAck, encodeSerialEvent, type BellEvent, type Heartbeat } from '../protocol/index.ts';
import { SerialLine, type SerialLineOptions } from '../serial-line/index.ts';
import type { BellTransport, TransportHandlers } from './transport.ts';

export class SerialBellTransport implements BellTransport {
  private readonly line: SerialLine;

  constructor(
    private readonly bellId: string,
    opts: SerialLineOptions,
  ) {
    this.line = new SerialLine(opts);
  }

  get connected(): boolean {
    return this.line.isOpen;
  }

  async start(handlers: TransportHandlers): Promise<void> {
    this.line.on('line', (text) => this.onLine(text, handlers));
    this.line.on('overlong', (bytes) => handlers.invalid(this.line.path, `line of ${bytes} bytes dropped`));
    this.line.on('open', () => handlers.connect());
    this.line.on('lost', () => handlers.offline());
    try {
      await this.line.start();
    } catch (err) {
      throw new Error(`could not open ${(err as Error).message.replace(/^cannot open /, '')}`);
    }
  }

  encode(event: BellEvent): string {
    // `at`, `rssi`, `fw` and `mac` have no place in a serial frame; a keyed bell is refused on serial anyway.
    return encodeSerialEvent({ bellId: this.bellId, seq: event.seq, type: event.type, ...(event.battery !== undefined ? { battery: event.battery } : {}) });
  }

  send(payload: string): void {
    // A copy lost to a closed port is resent by the next retransmission once the port is back.
    this.line.write(payload).catch(() => undefined);
  }

  async heartbeat(body: Heartbeat, nextSeq: () => Promise<number>): Promise<void> {
    if (!this.line.isOpen) throw new Error(`serial port ${this.line.path} is not open`);
    // The hb frame takes a seq of its own, as in PROTOCOL.md's test vectors (17 press, 18 hb, 19 long_press).
    const seq = await nextSeq();
    await this.line.write(encodeSerialEvent({ bellId: this.bellId, seq, type: 'hb', ...(body.battery !== undefined ? { battery: body.battery } : {}) }));
  }

  async setOnline(): Promise<void> {
    // Nothing to say on a serial line: the gateway notices missing heartbeats by itself.
  }

  async stop(): Promise<void> {
    await this.line.stop();
  }

  private onLine(text: string, handlers: TransportHandlers): void {
    // A frame after noise on the same line still counts: resynchronise at the last `$` (PROTOCOL.md §2).
    const start = text.lastIndexOf('$');
    if (start < 0) return handlers.invalid(this.line.path, 'no_frame');
    const frame = text.slice(start);
    // Other bells' events on a shared line are not for us and not wrong.
    if (frame.startsWith('$GB1,')) return;
    const decoded = decodeSerialAck(frame);
    if (!decoded.ok) return handlers.invalid(this.line.path, decoded.detail);
    if (decoded.value.bellId !== this.bellId) return; // another bell on the same hub
    handlers.ack({ seq: decoded.value.seq, incident: undefined, state: decoded.value.state });
  }
}
