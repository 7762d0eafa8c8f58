import { describe, expect, it } from 'vitest';
import { crc16Arc, Dc09StreamSplitter, hex4, MAX_FRAME_BYTES, parseFrame } from './frame.ts';

/** DEVICES.md §3.6, literal. */
const PYSIA = {
  cl: 'E5D50078"SIA-DCS"6002L0#AAA[|Nri1/CL501]_14:12:04,09-25-2019',
  paXY: '5B090059"SIA-DCS"0004L0#1111[#1111|Nri1/PA501][X006E07.7777777][Y49N06.6666666]_20:45:46,04-22-2021',
  cid401: '57150047"ADM-CID"0247R4F39L4F39#4F39[#4F39|3401 01 057]',
  jc: '97F90078"SIA-DCS"6002L0#AAA[|Nri2/JC12]_12:58:23,09-15-2021',
  mac: '87570078"SIA-DCS"6002L0#AAA[|Nri1/CL501][M0026B9E4268B]_14:12:04,09-25-2019',
  rpK: '02310052"SIA-DCS"6002L0#1111[|Nri1/RP000][KAAAAAAAAAAAAAAAA]_14:12:04,09-25-2019',
  encNull: '76D80055"*NULL"0000R0L0#AAAB[B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E557CAD64D9',
  badCrcFire: '87CD0037"ADM-CID"9876R579BDFL789ABC#12345A[#12345A|1110 00 129]_14:12:04,09-25-2011',
};
const FIOLETOVEN = {
  rr: '\nF4D20029"SIA-DCS"0001RF3L77#1234[#1234|NRR|Atest]\r',
  empty: '\n96ED0016"SIA-DCS"0001L0#1234[]\r',
  noL: '3BAC0029"SIA-DCS"0002#0123[#0123|Nti20:50:26RP99]',
};
export const GOLDEN = {
  pa: '\nDE85003C"SIA-DCS"0001R1L1#1234[#1234|Nri1/PA001]_12:00:00,01-01-2024\r',
  cid120: '\n06E6003D"ADM-CID"0002R1L1#1234[#1234|1120 01 001]_12:00:00,01-01-2024\r',
  null: '\n948F0029"NULL"0003R1L1#1234[]_12:00:00,01-01-2024\r',
};
const inner = (framed: string) => framed.replace(/^\n/, '').replace(/\r$/, '');

describe('CRC-16/ARC', () => {
  it('has the check value 0xBB3D for "123456789" (not CCITT)', () => {
    expect(crc16Arc('123456789')).toBe(0xbb3d);
    expect(hex4(crc16Arc('123456789'))).toBe('BB3D');
  });

  it.each(Object.entries({ ...PYSIA, ...FIOLETOVEN, ...GOLDEN }).filter(([k]) => k !== 'badCrcFire'))('validates the CRC of vector %s', (_name, framed) => {
    const text = inner(framed);
    expect(crc16Arc(text.slice(8))).toBe(parseInt(text.slice(0, 4), 16));
  });
});

describe('parseFrame (DEVICES.md §3.6 vectors)', () => {
  const ok = (text: string) => {
    const r = parseFrame(inner(text));
    if (!r.ok) throw new Error(`${r.problem}: ${r.detail}`);
    return r.frame;
  };

  it('pysiaalarm 1: account AAA, seq 6002, L0, timestamp; a wrong length field only warns', () => {
    const f = ok(PYSIA.cl);
    expect(f).toMatchObject({ id: 'SIA-DCS', encrypted: false, seq: '6002', receiver: '', line: 'L0', account: 'AAA', data: '|Nri1/CL501', xdata: [] });
    expect(f.timestamp?.toISOString()).toBe('2019-09-25T14:12:04.000Z');
    expect(f.lengthWarning).toBe('length field 0078 but 0034 characters');
  });

  it('pysiaalarm 2: extended data X/Y', () => {
    expect(ok(PYSIA.paXY)).toMatchObject({ account: '1111', data: '#1111|Nri1/PA501', xdata: ['X006E07.7777777', 'Y49N06.6666666'] });
  });

  it('pysiaalarm 3: ADM-CID with receiver, no timestamp, decimal length quirk', () => {
    const f = ok(PYSIA.cid401);
    expect(f).toMatchObject({ id: 'ADM-CID', seq: '0247', receiver: 'R4F39', line: 'L4F39', account: '4F39', data: '#4F39|3401 01 057' });
    expect(f.timestamp).toBeUndefined();
    expect(f.lengthWarning).toMatch(/0047/);
  });

  it('pysiaalarm 4–6: JC, MAC and K xdata', () => {
    expect(ok(PYSIA.jc)).toMatchObject({ data: '|Nri2/JC12' });
    expect(ok(PYSIA.mac)).toMatchObject({ xdata: ['M0026B9E4268B'] });
    expect(ok(PYSIA.rpK)).toMatchObject({ account: '1111', data: '|Nri1/RP000', xdata: ['KAAAAAAAAAAAAAAAA'] });
  });

  it('pysiaalarm 7: encrypted NULL keeps the ciphertext; length right', () => {
    const f = ok(PYSIA.encNull);
    expect(f).toMatchObject({ id: 'NULL', encrypted: true, account: 'AAAB', seq: '0000' });
    expect(f.lengthWarning).toBeUndefined();
  });

  it('pysiaalarm 8: the fire frame with an invalid CRC is refused', () => {
    expect(parseFrame(PYSIA.badCrcFire)).toEqual({ ok: false, problem: 'bad_crc', detail: 'CRC 87CD sent, 9692 computed' });
  });

  it('fioletoven vectors, including a frame without L', () => {
    expect(ok(FIOLETOVEN.rr)).toMatchObject({ seq: '0001', receiver: 'RF3', line: 'L77', account: '1234', data: '#1234|NRR|Atest' });
    expect(ok(FIOLETOVEN.empty)).toMatchObject({ line: 'L0', account: '1234', data: '' });
    expect(ok(FIOLETOVEN.noL)).toMatchObject({ line: '', account: '0123', data: '#0123|Nti20:50:26RP99' });
    expect(ok(FIOLETOVEN.rr).lengthWarning).toBeUndefined();
  });

  it('golden vectors: panic, Contact ID 120, NULL', () => {
    expect(ok(GOLDEN.pa)).toMatchObject({ id: 'SIA-DCS', seq: '0001', receiver: 'R1', line: 'L1', account: '1234', data: '#1234|Nri1/PA001', timestampText: '12:00:00,01-01-2024' });
    expect(ok(GOLDEN.cid120)).toMatchObject({ id: 'ADM-CID', seq: '0002', data: '#1234|1120 01 001' });
    expect(ok(GOLDEN.null)).toMatchObject({ id: 'NULL', seq: '0003', data: '' });
    for (const v of Object.values(GOLDEN)) expect(ok(v).lengthWarning).toBeUndefined();
  });

  it('refuses bad frames with a reason', () => {
    const body = '"SIA-DCS"0001R1L1#1234[#1234|Nri1/PA001]';
    const withCrc = (b: string, len = hex4(b.length)) => `${hex4(crc16Arc(b))}${len}${b}`;
    expect(parseFrame('garbage')).toMatchObject({ ok: false, problem: 'bad_format' });
    expect(parseFrame(`0000${hex4(body.length)}${body}`)).toMatchObject({ ok: false, problem: 'bad_crc' });
    expect(parseFrame(withCrc(body, 'ZZZZ'))).toMatchObject({ ok: false, problem: 'bad_length' });
    expect(parseFrame(withCrc(body, '1029'))).toMatchObject({ ok: false, problem: 'bad_length' }); // first digit must be 0
    expect(parseFrame(withCrc('"FOO"0001L0#1234[]'))).toMatchObject({ ok: false, problem: 'bad_format' });
    expect(parseFrame(withCrc('"SIA-DCS"01L0#1234[]'))).toMatchObject({ ok: false, problem: 'bad_format' });
    expect(parseFrame(withCrc('"SIA-DCS"0001L0#12[]'))).toMatchObject({ ok: false, problem: 'bad_format' }); // account too short
    expect(parseFrame(withCrc('"SIA-DCS"0001L0#1234[#1234|Nri1/PA001'))).toMatchObject({ ok: false, problem: 'bad_format' });
    expect(parseFrame(withCrc('"SIA-DCS"0001L0#1234[]junk'))).toMatchObject({ ok: false, problem: 'bad_format' });
    expect(parseFrame(withCrc('"SIA-DCS"0001L0#1234[]_25:00:00,01-01-2024'))).toMatchObject({ ok: false, problem: 'bad_timestamp' });
    expect(parseFrame(withCrc('"SIA-DCS"0001L0#1234[]_12:00:00,02-30-2024'))).toMatchObject({ ok: false, problem: 'bad_timestamp' });
    expect(parseFrame(withCrc('"*SIA-DCS"0001L0#1234[ABC'))).toMatchObject({ ok: false, problem: 'bad_format' });
  });
});

describe('Dc09StreamSplitter', () => {
  const b = (s: string) => Buffer.from(s, 'latin1');

  it('joins a frame cut across reads, one byte at a time', () => {
    const s = new Dc09StreamSplitter();
    const items = [...GOLDEN.pa].flatMap((c) => s.push(b(c)));
    expect(items).toEqual([{ kind: 'frame', text: inner(GOLDEN.pa) }]);
  });

  it('splits several frames in one read, reporting noise between them', () => {
    const s = new Dc09StreamSplitter();
    const items = s.push(b(`${GOLDEN.pa}${GOLDEN.null}junk\x00${GOLDEN.cid120}\r\n`));
    expect(items).toEqual([
      { kind: 'frame', text: inner(GOLDEN.pa) },
      { kind: 'frame', text: inner(GOLDEN.null) },
      { kind: 'rejected', problem: 'no_frame', bytes: 5, sample: 'junk\\x00' },
      { kind: 'frame', text: inner(GOLDEN.cid120) },
    ]);
    // The trailing LF opens a frame that the connection's end cuts off.
    expect(s.end()).toEqual([{ kind: 'rejected', problem: 'no_frame', bytes: 1, sample: '' }]);
  });

  it('drops an over-long frame up to its CR, keeps memory bounded, and reads the next frame', () => {
    const s = new Dc09StreamSplitter();
    const long = `\n${'A'.repeat(MAX_FRAME_BYTES * 4)}\r`;
    const items = [s.push(b(long.slice(0, 2000))), s.push(b(long.slice(2000))), s.push(b(GOLDEN.null))].flat();
    expect(items).toEqual([
      { kind: 'rejected', problem: 'frame_too_long', bytes: MAX_FRAME_BYTES * 4 + 2, sample: 'A'.repeat(32) },
      { kind: 'frame', text: inner(GOLDEN.null) },
    ]);
  });

  it('a frame cut off by a new LF is reported and the new frame read', () => {
    const s = new Dc09StreamSplitter();
    expect(s.push(b(`\nDE85003C"SIA${GOLDEN.null}`))).toEqual([
      { kind: 'rejected', problem: 'no_frame', bytes: 13, sample: 'DE85003C"SIA' },
      { kind: 'frame', text: inner(GOLDEN.null) },
    ]);
  });

  it('reports endless noise without an LF once it reaches the frame limit', () => {
    const s = new Dc09StreamSplitter();
    const items = s.push(Buffer.alloc(MAX_FRAME_BYTES + 10, 0x41));
    expect(items).toEqual([{ kind: 'rejected', problem: 'no_frame', bytes: MAX_FRAME_BYTES + 10, sample: 'A'.repeat(32) }]);
  });
});
