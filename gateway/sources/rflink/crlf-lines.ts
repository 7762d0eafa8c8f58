/**
 * CR LF line framing for RFLink's output, without I/O: bytes in, lines out. Memory is bounded by one line:
 * a line that grows past the limit is reported once, with its first bytes (so a DEBUG pulse dump can still be
 * told from noise), and dropped up to its LF.
 */
import { MAX_RFLINK_LINE_BYTES } from './rflink-line.ts';

const CR = 0x0d;
const LF = 0x0a;
/** Enough of an over-long line to tell what it was. */
const HEAD_BYTES = 48;

export type CrlfItem =
  /** A line without its LF and the CR before it; bytes mapped 1:1 (latin1) so the decoder sees noise as it came. */
  | { kind: 'line'; line: string }
  | { kind: 'too_long'; bytes: number; head: string };

export class CrlfLines {
  private readonly buffer: Buffer;
  private length = 0;
  /** Bytes of the over-long line being dropped, or -1 while reading a line. */
  private dropped = -1;
  private head = '';

  constructor(private readonly max = MAX_RFLINK_LINE_BYTES) {
    this.buffer = Buffer.alloc(max + 1); // + the CR of the CR LF
  }

  /** Feeds a chunk as read from the port (any size, cut anywhere); returns the lines it completed, in order. */
  push(chunk: Uint8Array): CrlfItem[] {
    const out: CrlfItem[] = [];
    for (const byte of chunk) {
      if (byte === LF) this.endLine(out);
      else if (this.dropped >= 0) this.dropped++;
      else if (this.length === this.max + 1 || (this.length === this.max && byte !== CR)) {
        this.head = this.buffer.toString('latin1', 0, HEAD_BYTES);
        this.dropped = this.length + 1;
        this.length = 0;
      } else this.buffer[this.length++] = byte;
    }
    return out;
  }

  /** The stream ended (port lost): a line cut off without its LF is handed on as it is, and the state resets. */
  end(): CrlfItem[] {
    const out: CrlfItem[] = [];
    if (this.length > 0 || this.dropped >= 0) this.endLine(out);
    return out;
  }

  /** Forgets a partial line (our own stop: not the line's fault). */
  reset(): void {
    this.length = 0;
    this.dropped = -1;
  }

  private endLine(out: CrlfItem[]): void {
    if (this.dropped >= 0) {
      out.push({ kind: 'too_long', bytes: this.dropped, head: this.head });
      this.dropped = -1;
      return;
    }
    // A CR at either end is line ending (CR LF, or the LF CR of some USB bridges), not content.
    const start = this.length > 0 && this.buffer[0] === CR ? 1 : 0;
    const end = this.length > start && this.buffer[this.length - 1] === CR ? this.length - 1 : this.length;
    this.length = 0;
    // Blank lines (a CR LF on connect) carry nothing.
    if (end > start) out.push({ kind: 'line', line: this.buffer.toString('latin1', start, end) });
  }
}
