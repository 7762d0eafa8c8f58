/**
 * Bytes from a serial port in, text lines out, without I/O. CR, LF, CRLF and LFCR all end a line and
 * blank lines are skipped, so devices that disagree about line endings all work. Memory is bounded: a
 * line longer than the limit is dropped up to its end and counted, never buffered.
 */
const CR = 0x0d;
const LF = 0x0a;

export type ReadItem = { kind: 'line'; line: string } | { kind: 'overlong'; bytes: number };

export class LineReader {
  private readonly buf: Buffer;
  private length = 0;
  private overlongBytes = 0; // > 0: dropping the rest of an over-long line

  constructor(private readonly maxLineBytes = 256) {
    this.buf = Buffer.alloc(maxLineBytes);
  }

  /** Feeds a chunk as read (cut anywhere); returns the lines it completed, in order. */
  push(chunk: Uint8Array): ReadItem[] {
    const out: ReadItem[] = [];
    for (const byte of chunk) {
      if (byte === CR || byte === LF) {
        this.endLine(out);
        continue;
      }
      if (this.overlongBytes > 0) {
        this.overlongBytes++;
      } else if (this.length === this.maxLineBytes) {
        this.overlongBytes = this.length + 1;
        this.length = 0;
      } else {
        this.buf[this.length++] = byte;
      }
    }
    return out;
  }

  /** The port closed: a line cut off without its ending is dropped (it may be half a command). */
  reset(): void {
    this.length = 0;
    this.overlongBytes = 0;
  }

  private endLine(out: ReadItem[]): void {
    if (this.overlongBytes > 0) out.push({ kind: 'overlong', bytes: this.overlongBytes });
    else if (this.length > 0) out.push({ kind: 'line', line: this.buf.toString('latin1', 0, this.length) });
    this.length = 0;
    this.overlongBytes = 0;
  }
}
