import { describe, expect, it } from 'vitest';
import { LineReader } from './line-reader.ts';
import { parseSerialSpec } from './serial-spec.ts';

const lines = (r: LineReader, text: string) => r.push(Buffer.from(text, 'latin1'));

describe('LineReader', () => {
  it('ends lines at CR, LF, CRLF and LFCR, skips blank lines, and joins a line cut across chunks', () => {
    const r = new LineReader();
    expect(lines(r, 'a\r\nb\nc\rd\n\re\r\n\r\n')).toEqual(['a', 'b', 'c', 'd', 'e'].map((line) => ({ kind: 'line', line })));
    expect(lines(r, 'IN 1')).toEqual([]);
    expect(lines(r, ' 1\r\n')).toEqual([{ kind: 'line', line: 'IN 1 1' }]);
  });

  it('drops an over-long line up to its end, counted once, and reads the next one', () => {
    const r = new LineReader(8);
    expect(lines(r, `${'x'.repeat(20)}\nHB\n`)).toEqual([{ kind: 'overlong', bytes: 20 }, { kind: 'line', line: 'HB' }]);
    expect(lines(r, '12345678\n')).toEqual([{ kind: 'line', line: '12345678' }]);
  });
});

describe('parseSerialSpec', () => {
  it('reads PATH[@baud]', () => {
    expect(parseSerialSpec('/dev/ttyUSB0')).toEqual({ path: '/dev/ttyUSB0', baudRate: 115200 });
    expect(parseSerialSpec('/dev/ttyUSB0@9600')).toEqual({ path: '/dev/ttyUSB0', baudRate: 9600 });
    expect(() => parseSerialSpec('/dev/ttyUSB0@fast')).toThrow('baud rate "fast" is not a positive integer');
    expect(() => parseSerialSpec('@9600')).toThrow('names no serial port');
  });
});
