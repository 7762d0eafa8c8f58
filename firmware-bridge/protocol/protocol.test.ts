import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeMac, crc16CcittFalse, crcHex, decodeEvent, decodeSerialAck, decodeSerialEvent, encodeSerialAck, encodeSerialEvent,
  parseBellTopic, verifyMac,
} from './index.ts';

describe('CRC-16/CCITT-FALSE', () => {
  it('matches the check value of PROTOCOL.md', () => {
    expect(crcHex(crc16CcittFalse('123456789'))).toBe('29B1');
  });
});

describe('serial frames (PROTOCOL.md §2 test vectors)', () => {
  it.each([
    ['$GB1,B-0301,17,press,86*EF1C', { bellId: 'B-0301', seq: 17, type: 'press', battery: 86 }],
    ['$GB1,B-0301,18,hb,85*3AE0', { bellId: 'B-0301', seq: 18, type: 'hb', battery: 85 }],
    ['$GB1,B-0301,19,long_press,*0563', { bellId: 'B-0301', seq: 19, type: 'long_press' }],
  ])('decodes %s', (line, frame) => {
    expect(decodeSerialEvent(`${line}\r\n`)).toEqual({ ok: true, value: frame });
    expect(encodeSerialEvent(frame as never)).toBe(`${line}\r\n`);
  });
  it('encodes the ack vector', () => {
    expect(encodeSerialAck('B-0301', 17, 'received')).toBe('$GBA,B-0301,17,received*E274\r\n');
  });
  it('decodes the ack vector and refuses broken acks', () => {
    expect(decodeSerialAck('$GBA,B-0301,17,received*E274\r\n')).toEqual({ ok: true, value: { bellId: 'B-0301', seq: 17, state: 'received' } });
    expect(decodeSerialAck(encodeSerialAck('B-0301', 18, 'acknowledged'))).toMatchObject({ ok: true, value: { state: 'acknowledged' } });
    expect(decodeSerialAck('$GBA,B-0301,17,received*E275')).toEqual({ ok: false, reason: 'serial_frame', detail: 'bad_crc' });
    expect(decodeSerialAck('$GB1,B-0301,17,press,86*EF1C')).toEqual({ ok: false, reason: 'serial_frame', detail: 'bad_field' });
    const body = 'GBA,B-0301,17,teleported';
    expect(decodeSerialAck(`$${body}*${crcHex(crc16CcittFalse(body))}`)).toEqual({ ok: false, reason: 'serial_frame', detail: 'bad_field' });
  });
  it.each([
    ['$GB1,B-0301,17,press,86*EF1D', 'bad_crc'],
    ['GB1,B-0301,17,press,86*EF1C', 'no_frame'],
    [`$GB1,B-0301,17,press,${'9'.repeat(300)}*0000`, 'frame_too_long'],
  ])('refuses %s as %s', (line, detail) => {
    expect(decodeSerialEvent(line)).toEqual({ ok: false, reason: 'serial_frame', detail });
  });
});

describe('event payloads', () => {
  it('accepts the PROTOCOL.md example shape and ignores unknown fields', () => {
    const r = decodeEvent('{"seq":17,"type":"press","at":"2026-11-23T09:15:02.120Z","battery":86,"future":1}');
    expect(r).toEqual({ ok: true, value: { seq: 17, type: 'press', at: '2026-11-23T09:15:02.120Z', battery: 86 } });
  });
  it.each([
    ['{"seq":1,', 'malformed_json'],
    ['{"seq":1,"type":"explode"}', 'unknown_type'],
    ['{"seq":-1,"type":"press"}', 'bad_seq'],
    ['{"seq":1.5,"type":"press"}', 'bad_seq'],
    ['{"seq":"1","type":"press"}', 'bad_seq'],
    ['{"type":"press"}', 'bad_seq'],
    ['{"seq":4294967296,"type":"press"}', 'bad_seq'],
    ['{"seq":1,"type":"press","battery":101}', 'invalid_field'],
    ['{"seq":1,"type":"press","at":"yesterday"}', 'invalid_field'],
    ['[1,2]', 'invalid_field'],
    [`{"seq":1,"type":"press","fw":"${'x'.repeat(17000)}"}`, 'payload_too_large'],
  ])('refuses %s as %s', (payload, reason) => {
    const r = decodeEvent(payload.length > 100 ? payload : payload);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe(reason);
  });
});

describe('MAC', () => {
  const key = '5f2b'.repeat(8);
  it('verifies its own MAC and refuses any change', () => {
    const e = { seq: 17, type: 'press' as const, at: '2026-11-23T09:15:02.120Z' };
    const mac = computeMac(key, 'B-0301', e);
    expect(mac).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyMac(key, 'B-0301', e, mac)).toBe(true);
    expect(verifyMac(key, 'B-0301', { ...e, seq: 18 }, mac)).toBe(false);
    expect(verifyMac(key, 'B-0302', e, mac)).toBe(false);
    expect(verifyMac(key, 'B-0301', { seq: 17, type: 'press' }, mac)).toBe(false);
  });
  it('signs an absent at as empty', () => {
    // Independent of our helper: HMAC over the literal string of PROTOCOL.md.
    
    const literal = createHmac('sha256', Buffer.from(key, 'hex')).update('B-0301|5|cancel|').digest('hex');
    expect(computeMac(key, 'B-0301', { seq: 5, type: 'cancel' })).toBe(literal);
  });
});

describe('topics', () => {
  it('parses bell topics and refuses others', () => {
    expect(parseBellTopic('guardbell/v1', 'guardbell/v1/bells/B-0301/event')).toEqual({ ok: true, bellId: 'B-0301', kind: 'event' });
    expect(parseBellTopic('guardbell/v1', 'guardbell/v1/bells/B-0301/event/x').ok).toBe(false);
    expect(parseBellTopic('guardbell/v1', 'guardbell/v1/bells/B 1/event').ok).toBe(false);
    expect(parseBellTopic('guardbell/v1', 'other/bells/B-1/event').ok).toBe(false);
  });
});
