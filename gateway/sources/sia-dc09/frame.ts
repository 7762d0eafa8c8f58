/**
 * SIA DC-09 framing and message layout (DEVICES.md §3.1–3.2), pure: a TCP byte stream split into LF…CR
 * frames, and one frame's text checked (CRC-16/ARC, length) and cut into its fields. No I/O, no clock:
 * the timestamp window is checked by the caller with its own `now`.
 */

/** CRC-16/ARC: poly 0x8005 reflected (0xA001), init 0, no final XOR. Not the CCITT CRC of our serial frames. */
export function crc16Arc(data: string | Uint8Array): number {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

export const hex4 = (n: number): string => n.toString(16).toUpperCase().padStart(4, '0');

export const MESSAGE_IDS = ['SIA-DCS', 'ADM-CID', 'NULL'] as const;
export type MessageId = (typeof MESSAGE_IDS)[number];

/** Why a frame was refused; the first word of every rejection detail and the metrics label. */
export type FrameProblem = 'no_frame' | 'frame_too_long' | 'bad_crc' | 'bad_length' | 'bad_format' | 'bad_timestamp' | 'encrypted';

export interface Dc09Frame {
  /** The transmitted text from the first `"` to the last character before CR (what the CRC covers). */
  body: string;
  encrypted: boolean;
  id: MessageId;
  /** The panel's sequence, 4 digits as sent (`0001`–`9999`), echoed in the answer. */
  seq: string;
  /** `R…` and `L…` as sent, echoed in the answer ('' when absent). */
  receiver: string;
  line: string;
  /** Account as sent (hex, upper-cased). */
  account: string;
  /** Clear messages: the first bracket's content; encrypted messages: the ciphertext in hex. */
  data: string;
  xdata: string[];
  /** `HH:MM:SS,MM-DD-YYYY` as sent, and as a UTC time; absent when the panel sent none. */
  timestampText?: string | undefined;
  timestamp?: Date | undefined;
  /** Set when the length field does not match: accepted (panels in the field get it wrong), but logged. */
  lengthWarning?: string | undefined;
}

export type FrameResult = { ok: true; frame: Dc09Frame } | { ok: false; problem: FrameProblem; detail: string };

const HEAD = /^([0-9A-Fa-f]{4})(0[0-9A-Fa-f]{3})"/;
// L is required by the standard but fioletoven's parser example omits it: accepted when absent.
const MESSAGE = /^"(\*?)(SIA-DCS|ADM-CID|NULL)"(\d{4})(R[0-9A-Fa-f]{1,6})?(L[0-9A-Fa-f]{1,6})?#([0-9A-Fa-f]{3,16})\[(.*)$/s;
const TIMESTAMP = /^_(\d{2}):(\d{2}):(\d{2}),(\d{2})-(\d{2})-(\d{4})$/;

/** One frame's text between LF and CR (both excluded). */
export function parseFrame(text: string): FrameResult {
  const head = HEAD.exec(text);
  if (!head) {
    const problem = /^[0-9A-Fa-f]{4}[^"]*"/.test(text) ? 'bad_length' : 'bad_format';
    return fail(problem, problem === 'bad_length' ? 'length field is not 0 and 3 hex digits' : 'no CRC, length and quoted id at the start');
  }
  const body = text.slice(8);
  const sent = parseInt(head[1]!, 16);
  const crc = crc16Arc(body);
  if (crc !== sent) return fail('bad_crc', `CRC ${head[1]!.toUpperCase()} sent, ${hex4(crc)} computed`);
  const m = MESSAGE.exec(body);
  if (!m) return fail('bad_format', 'not "ID"seq[R][L]#acct[ after the CRC');
  const lengthField = parseInt(head[2]!, 16);
  const frame: Dc09Frame = {
    body,
    encrypted: m[1] === '*',
    id: m[2] as MessageId,
    seq: m[3]!,
    receiver: m[4] ?? '',
    line: m[5] ?? '',
    account: m[6]!.toUpperCase(),
    data: '',
    xdata: [],
    ...(lengthField !== body.length ? { lengthWarning: `length field ${head[2]} but ${hex4(body.length)} characters` } : {}),
  };
  const rest = m[7]!;
  if (frame.encrypted) {
    if (!/^(?:[0-9A-Fa-f]{32})+$/.test(rest)) return fail('bad_format', 'encrypted content is not whole AES blocks in hex');
    return { ok: true, frame: { ...frame, data: rest.toUpperCase() } };
  }
  return withContent(frame, `[${rest}`);
}

/**
 * Fills data, xdata and timestamp from clear content `[data][x…]…[_timestamp]` (also what decryption gives,
 * with the pad stripped and `[` put back).
 */
export function withContent(frame: Dc09Frame, content: string): FrameResult {
  const blocks: string[] = [];
  let i = 0;
  while (content[i] === '[') {
    const end = content.indexOf(']', i);
    if (end < 0) return fail('bad_format', 'a [ without its ]');
    blocks.push(content.slice(i + 1, end));
    i = end + 1;
  }
  const tail = content.slice(i);
  if (blocks.length === 0) return fail('bad_format', 'no [data] block');
  let timestamp: { text: string; at: Date } | undefined;
  if (tail !== '') {
    const t = TIMESTAMP.exec(tail);
    if (!t) return fail('bad_format', `unexpected ${JSON.stringify(tail.slice(0, 32))} after the data`);
    const [hh, mi, ss, mo, dd, yyyy] = t.slice(1).map(Number) as [number, number, number, number, number, number];
    const at = new Date(Date.UTC(yyyy, mo - 1, dd, hh, mi, ss));
    if (at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== dd || hh > 23 || mi > 59 || ss > 59) {
      return fail('bad_timestamp', `${tail.slice(1)} is not a valid time`);
    }
    timestamp = { text: tail.slice(1), at };
  }
  return {
    ok: true,
    frame: { ...frame, data: blocks[0]!, xdata: blocks.slice(1), ...(timestamp ? { timestampText: timestamp.text, timestamp: timestamp.at } : {}) },
  };
}

/** `HH:MM:SS,MM-DD-YYYY` in UTC, as DC-09 timestamps are written. */
export function dc09Time(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(at.getUTCHours())}:${p(at.getUTCMinutes())}:${p(at.getUTCSeconds())},${p(at.getUTCMonth() + 1)}-${p(at.getUTCDate())}-${at.getUTCFullYear()}`;
}

/** Frames the body of an answer: LF, CRC, length, body, CR (DEVICES.md §3.3). */
export function frameMessage(body: string): string {
  return `\n${hex4(crc16Arc(body))}${hex4(body.length)}${body}\r`;
}

function fail(problem: FrameProblem, detail: string): FrameResult {
  return { ok: false, problem, detail };
}

/** What the stream splitter gives: a frame's text (LF and CR removed) or a run of bytes it refused. */
export type StreamItem =
  | { kind: 'frame'; text: string }
  | { kind: 'rejected'; problem: 'no_frame' | 'frame_too_long'; bytes: number; sample: string };

const LF = 0x0a;
const CR = 0x0d;
/** The longest encrypted frames are a few hundred characters; anything longer is not DC-09. */
export const MAX_FRAME_BYTES = 1024;
const SAMPLE_BYTES = 32;

/**
 * Splits a TCP byte stream on LF…CR. TCP may cut a frame anywhere or carry several in one read; bytes
 * outside a frame and frames over the limit are reported and dropped, and memory stays bounded by the limit.
 */
export class Dc09StreamSplitter {
  private frame: Buffer[] = [];
  private frameBytes = 0;
  private inFrame = false;
  private overflowed = false;
  private noise = 0;
  private noiseSample = '';

  constructor(private readonly maxFrameBytes = MAX_FRAME_BYTES) {}

  push(chunk: Buffer): StreamItem[] {
    const out: StreamItem[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (!this.inFrame) {
        const start = chunk.indexOf(LF, i);
        const end = start < 0 ? chunk.length : start;
        // A lone CR after a frame (some panels send CR LF) is not worth a rejection.
        const junk = chunk.subarray(i, end).filter((b) => b !== CR);
        if (junk.length > 0) this.addNoise(junk);
        if (start < 0) break;
        this.flushNoise(out);
        this.inFrame = true;
        i = start + 1;
        continue;
      }
      const stop = indexOfEither(chunk, i);
      const end = stop < 0 ? chunk.length : stop;
      this.append(chunk.subarray(i, end));
      if (stop < 0) break;
      if (chunk[stop] === LF) {
        // A new LF before the CR: the frame so far was cut off; start over with the new one.
        this.reportCut(out);
        this.resetFrame();
        this.inFrame = true;
      } else this.finish(out);
      i = stop + 1;
    }
    this.flushNoiseIfLarge(out);
    return out;
  }

  /** What is left when the connection closes: an unfinished frame or noise. */
  end(): StreamItem[] {
    const out: StreamItem[] = [];
    if (this.inFrame) this.reportCut(out);
    this.resetFrame();
    this.flushNoise(out);
    return out;
  }

  private append(part: Buffer): void {
    if (part.length === 0) return;
    this.frameBytes += part.length;
    if (this.frameBytes > this.maxFrameBytes) {
      // Over the limit: keep only a sample for the report, drop the rest up to the CR.
      if (!this.overflowed) this.frame = [Buffer.from(Buffer.concat([...this.frame, part]).subarray(0, SAMPLE_BYTES))];
      this.overflowed = true;
      return;
    }
    this.frame.push(Buffer.from(part));
  }

  private finish(out: StreamItem[]): void {
    const data = Buffer.concat(this.frame);
    if (this.overflowed) out.push({ kind: 'rejected', problem: 'frame_too_long', bytes: this.frameBytes + 2, sample: sampleOf(data.subarray(0, SAMPLE_BYTES)) });
    else out.push({ kind: 'frame', text: data.toString('latin1') });
    this.resetFrame();
  }

  private reportCut(out: StreamItem[]): void {
    const data = Buffer.concat(this.frame).subarray(0, SAMPLE_BYTES);
    out.push({ kind: 'rejected', problem: this.overflowed ? 'frame_too_long' : 'no_frame', bytes: this.frameBytes + 1, sample: sampleOf(data) });
  }

  private resetFrame(): void {
    this.frame = [];
    this.frameBytes = 0;
    this.inFrame = false;
    this.overflowed = false;
  }

  private addNoise(junk: Uint8Array): void {
    if (this.noise < SAMPLE_BYTES) this.noiseSample += sampleOf(Buffer.from(junk.subarray(0, SAMPLE_BYTES - this.noise)));
    this.noise += junk.length;
  }

  private flushNoise(out: StreamItem[]): void {
    if (this.noise === 0) return;
    out.push({ kind: 'rejected', problem: 'no_frame', bytes: this.noise, sample: this.noiseSample });
    this.noise = 0;
    this.noiseSample = '';
  }

  /** A stream of noise with no LF at all is reported once it is as long as a frame may be, not held forever. */
  private flushNoiseIfLarge(out: StreamItem[]): void {
    if (this.noise >= this.maxFrameBytes) this.flushNoise(out);
  }
}

function indexOfEither(chunk: Buffer, from: number): number {
  for (let i = from; i < chunk.length; i++) if (chunk[i] === LF || chunk[i] === CR) return i;
  return -1;
}

/** Printable ASCII kept, anything else as \xNN: safe to put in a log line. */
export function sampleOf(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`;
  return s;
}
