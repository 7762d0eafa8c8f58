/**
 * Framing of PROTOCOL.md §2, without I/O: bytes in, `$…` lines and framing rejections out.
 *
 * A serial line is noisy (wiring, a hub booting, a wrong baud rate), so the splitter never trusts what
 * came before: every `$` starts a frame, whatever state it interrupts, so a good frame right after
 * garbage is never lost. Memory is bounded by one frame: nothing is buffered outside a frame, and a
 * frame that grows past the limit is dropped until the next `$`.
 */
import { MAX_SERIAL_FRAME_BYTES } from '../../../firmware-bridge/protocol/index.ts';

const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;
/** Enough of a rejected run to recognise it in a log (a baud-rate mismatch, a hub's banner…). */
const SAMPLE_BYTES = 16;

export type FramingProblem = 'no_frame' | 'frame_too_long';

export type SplitItem =
  /** From `$` up to, not including, the LF and an optional CR before it; bytes mapped 1:1 (latin1). */
  | { kind: 'line'; line: string }
  | { kind: 'rejected'; detail: FramingProblem; bytes: number; sample: string };

export class LineSplitter {
  private readonly max: number;
  /** The frame being read: `$` and what followed, plus room for one CR before the LF. */
  private readonly frame: Buffer;
  private frameLength = -1; // -1: outside a frame
  private dropping = false; // after frame_too_long, until the next `$`
  private noiseBytes = 0;
  private noiseHasData = false;
  private readonly noiseSample: number[] = [];

  constructor(opts: { maxFrameBytes?: number } = {}) {
    this.max = opts.maxFrameBytes ?? MAX_SERIAL_FRAME_BYTES;
    this.frame = Buffer.alloc(this.max + 1);
  }

  /** Feeds a chunk as read from the port (any size, cut anywhere); returns what it completed, in order. */
  push(chunk: Uint8Array): SplitItem[] {
    const out: SplitItem[] = [];
    for (const byte of chunk) this.pushByte(byte, out);
    return out;
  }

  /** True while bytes outside a frame wait for their run to end (the source reports them on a quiet line). */
  get hasPendingNoise(): boolean {
    return this.noiseHasData;
  }

  /** Ends the current run of noise now: a line that goes quiet after garbage is reported without waiting for a `$`. */
  flushNoise(): SplitItem[] {
    const out: SplitItem[] = [];
    this.endNoise(out);
    return out;
  }

  /** The stream ended (port closed): a cut-off frame and pending noise are reported, and the state resets. */
  end(): SplitItem[] {
    const out: SplitItem[] = [];
    this.endNoise(out);
    if (this.frameLength > 0) out.push(this.rejectPartial());
    this.frameLength = -1;
    this.dropping = false;
    return out;
  }

  private pushByte(byte: number, out: SplitItem[]): void {
    if (byte === DOLLAR) {
      // Resynchronise: whatever was going on, a new frame starts here.
      this.endNoise(out);
      if (this.frameLength > 0) out.push(this.rejectPartial());
      this.dropping = false;
      this.frame[0] = DOLLAR;
      this.frameLength = 1;
      return;
    }
    if (this.frameLength > 0) return this.pushFrameByte(byte, out);
    if (this.dropping) return; // the rest of an over-long frame, already reported once
    this.noiseBytes++;
    if (this.noiseSample.length < SAMPLE_BYTES) this.noiseSample.push(byte);
    // Bare line endings between frames carry nothing (LF-CR hubs, blank lines on connect): not noise.
    if (byte !== CR && byte !== LF) this.noiseHasData = true;
  }

  private pushFrameByte(byte: number, out: SplitItem[]): void {
    if (byte === LF) {
      const end = this.frame[this.frameLength - 1] === CR ? this.frameLength - 1 : this.frameLength;
      out.push({ kind: 'line', line: this.frame.toString('latin1', 0, end) });
      this.frameLength = -1;
      return;
    }
    // One byte past the limit is allowed only if it is the CR of the CRLF; anything more is too long.
    if (this.frameLength === this.max + 1 || (this.frameLength === this.max && byte !== CR)) {
      out.push({ kind: 'rejected', detail: 'frame_too_long', bytes: this.frameLength + 1, sample: sampleOf(this.frame.subarray(0, SAMPLE_BYTES)) });
      this.frameLength = -1;
      this.dropping = true;
      return;
    }
    this.frame[this.frameLength++] = byte;
  }

  /** A frame interrupted by a `$` or by the end of the stream is garbage: its bytes never reach the decoder. */
  private rejectPartial(): SplitItem {
    return { kind: 'rejected', detail: 'no_frame', bytes: this.frameLength, sample: sampleOf(this.frame.subarray(0, Math.min(this.frameLength, SAMPLE_BYTES))) };
  }

  private endNoise(out: SplitItem[]): void {
    // One rejection per run of garbage, never one per byte: a noisy line must not flood the counters.
    if (this.noiseHasData) out.push({ kind: 'rejected', detail: 'no_frame', bytes: this.noiseBytes, sample: sampleOf(Buffer.from(this.noiseSample)) });
    this.noiseBytes = 0;
    this.noiseHasData = false;
    this.noiseSample.length = 0;
  }
}

/** Printable ASCII as is, everything else as \xNN, so a log line stays one line and readable. */
export function sampleOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s;
}
