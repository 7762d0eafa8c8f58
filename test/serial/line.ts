/** The bell's (or hub's) end of a serial line in tests, and reading counters from /metrics. */
import { SerialPort } from 'serialport';
import { waitFor } from '../support/wait.ts';

export class BellLine {
  /** Complete lines the gateway wrote, without their CRLF, in order. */
  readonly received: string[] = [];
  private partial = '';

  private constructor(private readonly port: SerialPort) {
    port.on('data', (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString('latin1')).split('\n');
      this.partial = parts.pop() ?? '';
      this.received.push(...parts.map((l) => l.replace(/\r$/, '')));
    });
    // The other end going away (socat killed) closes this port too; the test reopens a new BellLine.
    port.on('error', () => undefined);
  }

  static async open(path: string): Promise<BellLine> {
    const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
    return new BellLine(port);
  }

  /** Writes and waits until the bytes left for the pty. */
  async write(data: string | Buffer): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    await new Promise<void>((resolve, reject) => {
      this.port.write(bytes, (err) => (err ? reject(err) : undefined));
      this.port.drain((err) => (err ? reject(err) : resolve()));
    });
  }

  /** One write per byte with a pause between, so the gateway's reads see the frame in pieces. */
  async writeBytewise(data: string, gapMs = 2): Promise<void> {
    for (const byte of Buffer.from(data, 'latin1')) {
      await this.write(Buffer.of(byte));
      await new Promise((r) => setTimeout(r, gapMs));
    }
  }

  count(line: string): number {
    return this.received.filter((l) => l === line).length;
  }

  /** Waits until `line` (without CRLF) has come back at least `times` times. */
  async waitForLine(line: string, times = 1, timeoutMs = 5_000): Promise<void> {
    await waitFor(() => this.count(line) >= times, timeoutMs, `${times}× "${line}" on the serial line`).catch((err: Error) => {
      throw new Error(`${err.message}; received ${JSON.stringify(this.received)}`);
    });
  }

  async close(): Promise<void> {
    if (!this.port.isOpen) return;
    await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}

export { metric } from '../support/metrics.ts';

/** A frame as written on the wire, without the trailing CRLF (how BellLine.received holds lines). */
export const bare = (frame: string) => frame.replace(/\r\n$/, '');
