/**
 * A serial wire that loses the first frames from the bell: the test copies bytes between two pty pairs
 * (bell ↔ wire ↔ gateway) and drops whole lines bell→gateway until told how many to lose. Everything the
 * gateway writes goes through. Real ptys and the real gateway on both sides, nothing faked.
 */
import { SerialPort } from 'serialport';

async function open(path: string): Promise<SerialPort> {
  const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  port.on('error', () => undefined);
  return port;
}

export class LossyWire {
  /** Lines from the bell, in order, with whether they were passed on. */
  readonly fromBell: { line: string; passed: boolean }[] = [];
  private partial = '';

  private constructor(
    private readonly bellSide: SerialPort,
    private readonly gatewaySide: SerialPort,
    private dropFirst: number,
  ) {
    bellSide.on('data', (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString('latin1')).split('\n');
      this.partial = parts.pop() ?? '';
      for (const part of parts) {
        const passed = this.dropFirst <= 0;
        this.dropFirst--;
        this.fromBell.push({ line: part.replace(/\r$/, ''), passed });
        if (passed) gatewaySide.write(Buffer.from(`${part}\n`, 'latin1'));
      }
    });
    gatewaySide.on('data', (chunk: Buffer) => bellSide.write(chunk));
  }

  /** `bellSide` and `gatewaySide` are the test's ends of the two pty pairs. */
  static async open(bellSide: string, gatewaySide: string, dropFirst: number): Promise<LossyWire> {
    return new LossyWire(await open(bellSide), await open(gatewaySide), dropFirst);
  }

  async close(): Promise<void> {
    for (const port of [this.bellSide, this.gatewaySide]) {
      if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    }
  }
}
