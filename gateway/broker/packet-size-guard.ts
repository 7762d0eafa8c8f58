/**
 * A maximum MQTT packet size for aedes, which has none: it would buffer a packet of any announced length
 * (up to 256 MiB) before looking at it. The guard reads each fixed header (one type byte, then the
 * remaining length as a 1–4 byte varint) off the bytes aedes reads, and ends the connection as soon as a
 * packet announces more than the limit.
 */
import type { Socket } from 'node:net';

export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private remaining = 0;

  constructor(private readonly maxBytes: number) {}

  /** Feeds bytes; returns the announced size of the first packet over the limit, or null. */
  feed(buf: Buffer): number | null {
    let i = 0;
    while (i < buf.length) {
      if (this.state === 'type') {
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        i++;
      } else if (this.state === 'length') {
        const byte = buf[i++]!;
        this.length += (byte & 0x7f) * this.multiplier;
        this.multiplier *= 128;
        if (byte & 0x80) {
          if (this.multiplier >= 128 ** 4) return Infinity; // a malformed length: more than four bytes
          continue;
        }
        if (this.length + 2 > this.maxBytes) return this.length;
        this.remaining = this.length;
        this.state = this.remaining === 0 ? 'type' : 'body';
      } else {
        const take = Math.min(this.remaining, buf.length - i);
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) this.state = 'type';
      }
    }
    return null;
  }
}

/** Wraps the socket's `read`, which is how aedes takes its bytes, so every byte passes the guard once. */
export function guardPacketSize(socket: Socket, maxBytes: number, onTooBig: (announced: number) => void): void {
  const guard = new PacketSizeGuard(maxBytes);
  const read = socket.read.bind(socket);
  socket.read = ((size?: number) => {
    const chunk = read(size) as Buffer | string | null;
    if (chunk !== null && typeof chunk !== 'string') {
      const over = guard.feed(chunk);
      if (over !== null) {
        onTooBig(over);
        socket.destroy();
        return null;
      }
    }
    return chunk;
  }) as Socket['read'];
}
