import { describe, expect, it } from 'vitest';
import { excerpt, formatLamp, parseBoardLine } from './board-protocol.ts';

describe('board line protocol', () => {
  it.each([
    ['IN 1 1', { kind: 'input', channel: 1, closed: true }],
    ['in 12 0', { kind: 'input', channel: 12, closed: false }],
    ['  IN\t3   1 ', { kind: 'input', channel: 3, closed: true }],
    ['IN 01 1', { kind: 'input', channel: 1, closed: true }],
    ['HB', { kind: 'heartbeat' }],
    ['hb ', { kind: 'heartbeat' }],
  ])('reads %j', (line, message) => {
    expect(parseBoardLine(line)).toEqual(message);
  });

  it.each([
    ['IN 1', 'IN needs a channel and 0 or 1'],
    ['IN 1 1 1', 'IN needs a channel and 0 or 1'],
    ['IN 0 1', 'channel "0" is not 1-64'],
    ['IN 65 1', 'channel "65" is not 1-64'],
    ['IN x 1', 'channel "x" is not 1-64'],
    ['IN 1 2', 'contact state "2" is not 0 or 1'],
    ['HB 1', 'HB takes no arguments'],
    ['LAMP 1 ON', 'not IN or HB'],
    ['\x00\xff~~', 'not IN or HB'],
  ])('refuses %j', (line, reason) => {
    expect(parseBoardLine(line)).toEqual({ kind: 'garbage', reason });
  });

  it('writes lamp commands with CRLF and quotes garbage on one short line', () => {
    expect(formatLamp(4, 'BLINK')).toBe('LAMP 4 BLINK\r\n');
    expect(excerpt('a\x00b\\')).toBe('a\\x00b\\x5c');
    expect(excerpt('x'.repeat(50))).toBe(`${'x'.repeat(40)}…`);
  });
});
