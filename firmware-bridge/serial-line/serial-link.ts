/**
 * The only file that touches the `serialport` library (STYLE.md, zigbee-herdsman: the serial wrapper is
 * thin, everything above it is tested hard). The source sees a port as this small interface, so its
 * tests can also drive it with a fake.
 */
import { SerialPort } from 'serialport';
import { withEofAwareRead } from './eof-aware-read.ts';

export interface SerialLineConfig {
  path: string;
  baudRate: number;
}

/** One open port. `onClose` fires once, whether the device went away or we closed it. */
export interface SerialLink {
  onData(cb: (chunk: Buffer) => void): void;
  onClose(cb: (err: Error | null) => void): void;
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens a port or rejects (no such path, no permission, locked by another program…). */
export type OpenSerialLink = (port: SerialLineConfig) => Promise<SerialLink>;

type PortOptions = ConstructorParameters<typeof SerialPort>[0];
const detected = SerialPort.binding;
/** The platform's binding, with a read that reports a hung-up device (see eof-aware-read.ts). */
const binding = {
  ...detected,
  open: async (options: Parameters<typeof detected.open>[0]) => withEofAwareRead(await detected.open(options as never)),
} as typeof detected;

export const openNodeSerialLink: OpenSerialLink = (config) =>
  new Promise((resolve, reject) => {
    // A new SerialPort per open: after a disconnect the old one has queued reads and closed state we don't want.
    // `binding` is a documented option of the underlying SerialPortStream; SerialPort's type only hides it.
    const options = { path: config.path, baudRate: config.baudRate, dataBits: 8, parity: 'none', stopBits: 1, autoOpen: false, binding };
    const port = new SerialPort(options as PortOptions);
    port.open((err) => (err ? reject(err) : resolve(wrap(port))));
  });

function wrap(port: SerialPort): SerialLink {
  let closed = false;
  const closeHandlers: ((err: Error | null) => void)[] = [];
  const fireClose = (err: Error | null) => {
    if (closed) return;
    closed = true;
    for (const cb of closeHandlers) cb(err);
  };
  // An unplugged adapter (or a pty whose other end died) shows up as 'close' with a disconnect error.
  port.on('close', (err: Error | null) => fireClose(err ?? null));
  // Other errors (a failed write) are not a close by themselves; a dead port also emits 'close'.
  port.on('error', () => undefined);
  return {
    onData: (cb) => void port.on('data', cb),
    onClose: (cb) => void closeHandlers.push(cb),
    write: (text) =>
      new Promise((resolve, reject) => {
        port.write(text, 'latin1', (err) => (err ? reject(err) : resolve()));
      }),
    close: () =>
      new Promise((resolve) => {
        if (!port.isOpen) {
          fireClose(null);
          return resolve();
        }
        port.close(() => {
          fireClose(null);
          resolve();
        });
      }),
  };
}
