import { describe, expect, it } from 'vitest';
import { decodeSerialEvent, MAX_SERIAL_FRAME_BYTES } from '../../../firmware-bridge/protocol/index.ts';
import { LineSplitter, sampleOf, type SplitItem } from './line-splitter.ts';

// PROTOCOL.md §2 test vectors.
const PRESS = '$GB1,B-0301,17,press,86*EF1C';
const HB = '$GB1,B-0301,18,hb,85*3AE0';
const LONG = '$GB1,B-0301,19,long_press,*0563';
const ACK = '$GBA,B-0301,17,received*E274';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

function feed(chunks: Uint8Array[], end = false): SplitItem[] {
  const s = new LineSplitter();
  const out = chunks.flatMap((c) => s.push(c));
  return end ? [...out, ...s.end()] : out;
}
const lines = (items: SplitItem[]) => items.flatMap((i) => (i.kind === 'line' ? [i.line] : []));
const shape = (items: SplitItem[]) => items.map((i) => (i.kind === 'line' ? i.line : `!${i.detail}`));

/** Every way to cut the stream in two, and byte by byte: framing must not depend on how reads fall. */
function expectChunkingInvariant(stream: Buffer): SplitItem[] {
  const whole = feed([stream], true);
  for (let cut = 0; cut <= stream.length; cut++) {
    expect(feed([stream.subarray(0, cut), stream.subarray(cut)], true), `cut at ${cut}`).toEqual(whole);
  }
  expect(feed([...stream].map((b) => Uint8Array.of(b)), true)).toEqual(whole);
  return whole;
}

describe('LineSplitter', () => {
  it('splits the PROTOCOL.md vectors, CRLF or LF, and they decode', () => {
    const items = expectChunkingInvariant(bytes(`${PRESS}\r\n${HB}\n${LONG}\r\n`));
    expect(items).toEqual([PRESS, HB, LONG].map((line) => ({ kind: 'line', line })));
    expect(decodeSerialEvent(PRESS)).toMatchObject({ ok: true, value: { bellId: 'B-0301', seq: 17, type: 'press', battery: 86 } });
    expect(decodeSerialEvent(HB)).toMatchObject({ ok: true, value: { type: 'hb', battery: 85 } });
    expect(decodeSerialEvent(LONG)).toMatchObject({ ok: true, value: { type: 'long_press' } });
    // Our own acks echoed back on a line are framed too; the decoder refuses them (not GB1).
    expect(lines(feed([bytes(`${ACK}\r\n`)]))).toEqual([ACK]);
  });

  it('keeps a frame split across reads until its newline, and emits nothing before', () => {
    const s = new LineSplitter();
    expect(s.push(bytes('$GB1,B-03'))).toEqual([]);
    expect(s.push(bytes('01,17,press,86*EF1C\r'))).toEqual([]);
    expect(s.push(bytes('\n'))).toEqual([{ kind: 'line', line: PRESS }]);
  });

  it('counts a run of noise once, whatever its length or how it was read, and keeps the frame after it', () => {
    const stream = bytes('line noise ~~~ ', [0x00, 0xff, 0xfe, 0x80, 0x0a, 0x7f], 'more\r\n', PRESS, '\r\n');
    const items = expectChunkingInvariant(stream);
    expect(shape(items)).toEqual(['!no_frame', PRESS]);
    expect(items[0]).toMatchObject({ bytes: stream.length - PRESS.length - 2 });
  });

  it('reports noise at its end: between frames, on a quiet line (flushNoise), at end of stream', () => {
    expect(shape(feed([bytes(PRESS, '\r\n', 'xx', HB, '\r\n', 'yy', LONG, '\n')]))).toEqual([PRESS, '!no_frame', HB, '!no_frame', LONG]);
    const s = new LineSplitter();
    expect(s.push(bytes('garbage'))).toEqual([]);
    expect(s.hasPendingNoise).toBe(true);
    expect(s.flushNoise()).toEqual([{ kind: 'rejected', detail: 'no_frame', bytes: 7, sample: 'garbage' }]);
    expect(s.hasPendingNoise).toBe(false);
    expect(s.flushNoise()).toEqual([]);
    expect(shape(feed([bytes('tail')], true))).toEqual(['!no_frame']);
  });

  it('does not count bare line endings between frames as noise', () => {
    const items = expectChunkingInvariant(bytes('\r\n\r\n', PRESS, '\n\r', HB, '\r\n\n'));
    expect(shape(items)).toEqual([PRESS, HB]);
  });

  it('restarts at a $ in the middle of a frame: the partial is garbage, the new frame is kept', () => {
    const items = expectChunkingInvariant(bytes('$GB1,B-03', PRESS, '\r\n'));
    expect(shape(items)).toEqual(['!no_frame', PRESS]);
    expect(items[0]).toMatchObject({ bytes: 9, sample: '$GB1,B-03' });
    // Noise, then a cut-off frame, then a good one: two rejections (the run, the partial), one line.
    expect(shape(feed([bytes('zz$GB1,', HB, '\n')]))).toEqual(['!no_frame', '!no_frame', HB]);
  });

  it('rejects a frame longer than 256 bytes once, drops the rest until the next $, and keeps the next frame', () => {
    const long = `$GB1,B-0301,17,press,${'9'.repeat(300)}*0000`;
    const items = expectChunkingInvariant(bytes(long, '\r\n', 'trailing junk without dollar\r\n', PRESS, '\r\n'));
    expect(shape(items)).toEqual(['!frame_too_long', PRESS]);
    expect(items[0]).toMatchObject({ detail: 'frame_too_long', bytes: MAX_SERIAL_FRAME_BYTES + 1, sample: '$GB1,B-0301,17,p' });
  });

  it('never buffers an endless line: a megabyte without newline is one rejection', () => {
    const s = new LineSplitter();
    const chunk = Buffer.alloc(64 * 1024, 'A');
    const out = s.push(bytes('$'));
    for (let i = 0; i < 16; i++) out.push(...s.push(chunk));
    out.push(...s.push(bytes(PRESS, '\n')));
    expect(shape(out)).toEqual(['!frame_too_long', PRESS]);
  });

  it('takes exactly 256 bytes before the line ending, CR or not, and refuses 257', () => {
    const frameOf = (n: number) => `$${'x'.repeat(n - 1)}`;
    const at = frameOf(MAX_SERIAL_FRAME_BYTES);
    const over = frameOf(MAX_SERIAL_FRAME_BYTES + 1);
    expect(shape(feed([bytes(at, '\r\n')]))).toEqual([at]);
    expect(shape(feed([bytes(at, '\n')]))).toEqual([at]);
    expect(shape(feed([bytes(over, '\r\n')]))).toEqual(['!frame_too_long']);
    expect(shape(feed([bytes(over, '\n')]))).toEqual(['!frame_too_long']);
    // 256 bytes, a CR, then not an LF: too long (the CR was not a line ending).
    expect(shape(feed([bytes(at, '\rx\n', PRESS, '\n')]))).toEqual(['!frame_too_long', PRESS]);
  });

  it('passes binary bytes inside a frame through 1:1 for the decoder to refuse', () => {
    const items = feed([bytes('$GB1,', [0x00, 0xff, 0xc3, 0xa9], '*1234\r\n')]);
    expect(items).toHaveLength(1);
    const line = (items[0] as { line: string }).line;
    expect(Buffer.from(line, 'latin1')).toEqual(bytes('$GB1,', [0x00, 0xff, 0xc3, 0xa9], '*1234'));
    expect(decodeSerialEvent(line)).toMatchObject({ ok: false, detail: 'bad_crc' });
  });

  it('a frame cut off by the end of the stream is reported, and the splitter starts clean after', () => {
    const s = new LineSplitter();
    s.push(bytes('$GB1,B-0301,17'));
    expect(shape(s.end())).toEqual(['!no_frame']);
    expect(shape(s.push(bytes(',press,86*EF1C\r\n', PRESS, '\r\n')))).toEqual(['!no_frame', PRESS]);
    expect(s.end()).toEqual([]);
  });

  it('keeps samples short and on one line', () => {
    expect(sampleOf(bytes('ab\\', [0x00, 0x0a, 0xff]))).toBe('ab\\x5c\\x00\\x0a\\xff');
    const [item] = feed([bytes('y'.repeat(1000), '$')]);
    expect(item).toMatchObject({ bytes: 1000, sample: 'y'.repeat(16) });
  });
});
