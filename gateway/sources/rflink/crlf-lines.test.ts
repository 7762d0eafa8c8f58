import { describe, expect, it } from 'vitest';
import { CrlfLines, type CrlfItem } from './crlf-lines.ts';
import { MAX_RFLINK_LINE_BYTES } from './rflink-line.ts';

const PRESS = '20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;';
const BANNER = '20;00;Nodo RadioFrequencyLink - RFLink Gateway V1.1 - R46;';

const feed = (chunks: (string | Buffer)[], end = false): CrlfItem[] => {
  const s = new CrlfLines();
  const out = chunks.flatMap((c) => s.push(typeof c === 'string' ? Buffer.from(c, 'latin1') : c));
  return end ? [...out, ...s.end()] : out;
};
const shape = (items: CrlfItem[]) => items.map((i) => (i.kind === 'line' ? i.line : `!too_long ${i.bytes}`));

describe('CrlfLines', () => {
  it('splits CR LF lines however the reads fall', () => {
    const stream = `${BANNER}\r\n${PRESS}\r\n${PRESS}\r\n`;
    const whole = shape(feed([stream]));
    expect(whole).toEqual([BANNER, PRESS, PRESS]);
    for (let cut = 0; cut <= stream.length; cut++) expect(shape(feed([stream.slice(0, cut), stream.slice(cut)]))).toEqual(whole);
    expect(shape(feed([...stream]))).toEqual(whole);
  });

  it('takes LF alone and LF CR, and skips blank lines', () => {
    expect(shape(feed([`\r\n\r\n${PRESS}\n\r${PRESS}\n\n`]))).toEqual([PRESS, PRESS]);
  });

  it('passes bytes through 1:1 for the decoder to judge', () => {
    expect(feed([Buffer.from([0x00, 0xff, 0x41, 0x0d, 0x0a])])).toEqual([{ kind: 'line', line: '\u0000\u00ffA' }]);
  });

  it('reports a line over the limit once with its first bytes, drops it, and keeps the next line', () => {
    const at = 'x'.repeat(MAX_RFLINK_LINE_BYTES);
    expect(shape(feed([`${at}\r\n`]))).toEqual([at]);
    const dump = `20;XX;DEBUG;Pulses=511;Pulses(uSec)=${'1200,450,'.repeat(500)};`;
    const items = feed([`${dump}\r\n${PRESS}\r\n`]);
    expect(shape(items)).toEqual([`!too_long ${dump.length + 1}`, PRESS]);
    expect(items[0]).toMatchObject({ head: dump.slice(0, 48) });
    // A megabyte without a line ending is one item, never a megabyte of memory.
    const s = new CrlfLines();
    const out = [...s.push(Buffer.alloc(1 << 20, 0x41)), ...s.push(Buffer.from(`\n${PRESS}\n`))];
    expect(shape(out)).toEqual([`!too_long ${1 << 20}`, PRESS]);
  });

  it('hands on a line cut off by the end of the port, and starts clean after', () => {
    const s = new CrlfLines();
    expect(s.push(Buffer.from('20;77;EV1527;ID=0f'))).toEqual([]);
    expect(shape(s.end())).toEqual(['20;77;EV1527;ID=0f']);
    expect(shape(s.push(Buffer.from(`${PRESS}\r\n`)))).toEqual([PRESS]);
    s.push(Buffer.from('20;77;'));
    s.reset();
    expect(s.end()).toEqual([]);
  });
});
