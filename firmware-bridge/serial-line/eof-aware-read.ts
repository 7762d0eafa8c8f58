/**
 * Workaround for serialport/bindings-cpp#162 (fix proposed in PR #164, not in bindings-cpp 13.0.0):
 * on Unix, a read that returns 0 bytes is retried at once, forever. A tty returns 0 bytes when it has
 * been hung up: an unplugged USB adapter, or (in our tests) a pty whose socat died before the read
 * reached the poller. The port then never reports the disconnect and a libuv thread spins at 100% CPU:
 * a dead line shown as connected, the very failure a safety gateway must not have.
 *
 * This read is the library's unixRead with one change: 0 bytes is the end of the device, and becomes an
 * error that the stream treats as a disconnect (it closes the port with a DisconnectedError).
 */
import { read } from 'node:fs';
import { promisify } from 'node:util';

const readAsync = promisify(read);

/** What the Unix bindings (Linux, macOS) expose and their reader uses; Windows has no `poller`. */
interface UnixPortBinding {
  readonly isOpen: boolean;
  fd: number | null;
  readonly poller: { once(event: 'readable', cb: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

function isUnixBinding(port: object): port is UnixPortBinding {
  const p = port as Partial<UnixPortBinding>;
  return 'fd' in p && typeof p.poller?.once === 'function' && typeof p.read === 'function';
}

/** Replaces `read` on an opened Unix port binding; other bindings are returned as they are. */
export function withEofAwareRead<T extends object>(port: T): T {
  if (!isUnixBinding(port)) return port;
  port.read = (buffer, offset, length) => eofAwareRead(port, buffer, offset, length);
  return port;
}

/** The stream expects `canceled` on errors caused by our own close, and treats any other error as a disconnect. */
const canceled = () => Object.assign(new Error('Port is not open'), { canceled: true });

async function eofAwareRead(port: UnixPortBinding, buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }> {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceled();
    let bytesRead: number;
    try {
      ({ bytesRead } = await readAsync(port.fd, buffer, offset, length, null));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EAGAIN' && code !== 'EWOULDBLOCK' && code !== 'EINTR') throw err;
      if (!port.isOpen) throw canceled();
      // Wait for data; the poller rejects on a hang-up it sees (disconnect) and on our close (canceled).
      await new Promise<void>((resolve, reject) => port.poller.once('readable', (e) => (e ? reject(e) : resolve())));
      continue;
    }
    if (bytesRead === 0) {
      if (!port.isOpen) throw canceled();
      throw Object.assign(new Error('end of file on the serial port: the device is gone'), { code: 'EOF', disconnect: true });
    }
    return { buffer, bytesRead };
  }
}
