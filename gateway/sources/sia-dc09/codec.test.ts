import { describe, expect, it } from 'vitest';
import { dc09Key, decryptContent, encryptContent } from './aes.ts';
import { contactIdCheckDigit, contactIdMeaning, parseContactIdData, parseContactIdDtmf } from './contact-id.ts';
import { parseFrame, withContent } from './frame.ts';
import { panelEvent } from './panel-event.ts';
import { ackResponse, duhResponse, encryptedAckResponse, nakResponse } from './responses.ts';
import { SEQ_EPOCH_MS, SeqAssigner } from './seq-assigner.ts';

const addr = { seq: '0001', receiver: 'R1', line: 'L1', account: '1234' };
const noon = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));

describe('responses (DEVICES.md §3.3, §3.6 literal)', () => {
  it('ACK', () => expect(ackResponse(addr)).toBe('\nD2770014"ACK"0001R1L1#1234[]\r'));
  it('DUH', () => expect(duhResponse(addr)).toBe('\nA2AF0014"DUH"0001R1L1#1234[]\r'));
  it('NAK carries our time', () => {
    expect(nakResponse(noon)).toBe('\nE2F90025"NAK"0000R0L0A0[]_12:00:00,01-01-2024\r');
    expect(nakResponse(new Date(Date.UTC(2025, 8, 24, 16, 20, 1)))).toBe('\nE4410025"NAK"0000R0L0A0[]_16:20:01,09-24-2025\r');
  });
  it('encrypted ACK', () => {
    const key = dc09Key('0123456789ABCDEF', 'ascii');
    expect(encryptedAckResponse(addr, key, new Date(Date.UTC(2024, 0, 1, 12, 0, 1))))
      .toBe('\n8A3F0054"*ACK"0001R1L1#1234[FDCE434358276C8338D6F0A710B57485F3FB5CDD7C065F89E5339B23A5998D6D\r');
  });
});

describe('AES variant (DEVICES.md §3.4, §3.6 vectors)', () => {
  const ENC_PA = '85D8127613D6DC35BA90AB0865674ACFFDC46F0571CB1997A27B3BE6E82307059A6B39D8CE56EEB64B2B53AA9B75804B';
  const ENC_PA_HEXKEY = '726369E26D48D58A0FEA6CA0F7720DB75A5464BB6C4B0BFD9412BB6D8D5536D7A450E538CAC4A6BF66E6B5784B4E1590';

  it('decrypts pysiaalarm\'s encrypted NULL with the ASCII key AAAAAAAAAAAAAAAA', () => {
    expect(decryptContent('B4BC8B40D0E6D959D6BEA78E88CC0B2155741A3C44FBB96D476A3E557CAD64D9', dc09Key('AAAAAAAAAAAAAAAA', 'ascii')))
      .toBe(']_18:24:52,07-05-2020');
  });

  it('decrypts and re-encrypts the golden panic with an ASCII key, and with a hex key', () => {
    const ascii = dc09Key('0123456789ABCDEF', 'ascii');
    expect(decryptContent(ENC_PA, ascii)).toBe('Nri1/PA001]_12:00:00,01-01-2024');
    expect(encryptContent('|Nri1/PA001]_12:00:00,01-01-2024', ascii)).toBe(ENC_PA);
    expect(decryptContent(ENC_PA_HEXKEY, dc09Key('0123456789ABCDEF0123456789ABCDEF', 'hex'))).toBe('Nri1/PA001]_12:00:00,01-01-2024');
  });

  it('the whole encrypted frame decodes to the panic', () => {
    const parsed = parseFrame(`04F00078"*SIA-DCS"0001R1L1#1234[${ENC_PA}`);
    if (!parsed.ok) throw new Error(parsed.detail);
    const clear = withContent(parsed.frame, `[${decryptContent(parsed.frame.data, dc09Key('0123456789ABCDEF', 'ascii'))}`);
    expect(clear).toMatchObject({ ok: true, frame: { data: 'Nri1/PA001', timestampText: '12:00:00,01-01-2024', encrypted: true } });
  });

  it('refuses keys of a wrong size or spelling', () => {
    expect(() => dc09Key('short', 'ascii')).toThrow(/16, 24 or 32/);
    expect(() => dc09Key('XY'.repeat(16), 'hex')).toThrow(/hex digits/);
  });
});

describe('Contact ID (DEVICES.md §4)', () => {
  it.each([
    ['123418112001015', 'F'], ['123418312001015', 'D'], ['123418160200000', '2'],
    ['123418111000003', 'F'], ['123418138400007', '8'], ['123418110000001', '8'],
  ])('check digit of %s is %s', (digits, s) => {
    expect(contactIdCheckDigit(digits)).toBe(s);
    expect(parseContactIdDtmf(digits + s).ok).toBe(true);
  });

  it('refuses a wrong checksum and reads a 98 message', () => {
    expect(parseContactIdDtmf('1234181120010150')).toEqual({ ok: false, detail: 'checksum 0 sent, F expected' });
    expect(parseContactIdDtmf('123418112001015F')).toEqual({ ok: true, message: { account: '1234', qualifier: 1, code: '120', partition: '01', zone: '015' } });
  });

  it('parses the DC-09 data block with or without #acct|', () => {
    expect(parseContactIdData('#1234|1120 01 001')).toEqual({ ok: true, message: { account: '1234', qualifier: 1, code: '120', partition: '01', zone: '001' } });
    expect(parseContactIdData('|3401 01 057')).toMatchObject({ ok: true, message: { qualifier: 3, code: '401', zone: '057' } });
    expect(parseContactIdData('6121 00 004')).toMatchObject({ ok: true, message: { qualifier: 6, code: '121' } });
    expect(parseContactIdData('#1234|2120 01 001')).toMatchObject({ ok: false, detail: expect.stringMatching(/qualifier 2/) });
    expect(parseContactIdData('#1234|Nri1/PA001')).toMatchObject({ ok: false });
  });

  it('maps codes to bell events; restores open nothing; unknown codes are refused', () => {
    const m = (q: 1 | 3 | 6, code: string) => contactIdMeaning({ qualifier: q, code, partition: '01', zone: '001' });
    expect(m(1, '120')).toMatchObject({ kind: 'event', type: 'press' });
    expect(m(1, '122')).toMatchObject({ kind: 'event', type: 'press' });
    expect(m(1, '121')).toMatchObject({ kind: 'event', type: 'long_press' });
    expect(m(1, '123')).toMatchObject({ kind: 'event', type: 'long_press' });
    for (let c = 130; c <= 137; c++) expect(m(1, String(c))).toMatchObject({ kind: 'event', type: 'tamper' });
    expect(m(1, '302')).toMatchObject({ type: 'low_battery' });
    expect(m(1, '309')).toMatchObject({ type: 'low_battery' });
    expect(m(1, '602')).toMatchObject({ kind: 'event', type: 'test' });
    expect(m(3, '120')).toMatchObject({ kind: 'restore', type: 'press' });
    expect(m(6, '120')).toMatchObject({ kind: 'event', type: 'press' });
    expect(m(1, '110')).toMatchObject({ kind: 'unknown', detail: expect.stringMatching(/110 is not/) });
    expect(m(3, '401')).toMatchObject({ kind: 'unknown' });
  });
});

describe('panelEvent', () => {
  const frame = (text: string) => {
    const r = parseFrame(text);
    if (!r.ok) throw new Error(r.detail);
    return r.frame;
  };

  it('reads the golden vectors', () => {
    expect(panelEvent(frame('DE85003C"SIA-DCS"0001R1L1#1234[#1234|Nri1/PA001]_12:00:00,01-01-2024')))
      .toEqual({ kind: 'event', type: 'press', code: 'SIA PA', name: 'panic alarm', zone: '001' });
    expect(panelEvent(frame('06E6003D"ADM-CID"0002R1L1#1234[#1234|1120 01 001]_12:00:00,01-01-2024')))
      .toEqual({ kind: 'event', type: 'press', code: 'CID 1120', name: 'panic', zone: '001' });
    expect(panelEvent(frame('948F0029"NULL"0003R1L1#1234[]_12:00:00,01-01-2024'))).toEqual({ kind: 'link_test' });
  });

  it('pysiaalarm vectors: CL is not a bell code (DUH), RP is a test, PA501 a panic in zone 501', () => {
    expect(panelEvent(frame('E5D50078"SIA-DCS"6002L0#AAA[|Nri1/CL501]_14:12:04,09-25-2019'))).toMatchObject({ kind: 'unknown' });
    expect(panelEvent(frame('02310052"SIA-DCS"6002L0#1111[|Nri1/RP000][KAAAAAAAAAAAAAAAA]_14:12:04,09-25-2019'))).toMatchObject({ kind: 'event', type: 'test', zone: undefined });
    expect(panelEvent(frame('5B090059"SIA-DCS"0004L0#1111[#1111|Nri1/PA501][X006E07.7777777][Y49N06.6666666]_20:45:46,04-22-2021'))).toMatchObject({ kind: 'event', type: 'press', zone: '501' });
    expect(panelEvent(frame('57150047"ADM-CID"0247R4F39L4F39#4F39[#4F39|3401 01 057]'))).toMatchObject({ kind: 'unknown' });
    expect(panelEvent(frame('96ED0016"SIA-DCS"0001L0#1234[]'))).toMatchObject({ kind: 'malformed' });
  });
});

describe('SeqAssigner', () => {
  const t0 = Date.UTC(2026, 0, 1);

  it('tenths of a second since 2025, strictly increasing, the same for a retransmission within 60 s', () => {
    const a = new SeqAssigner();
    const first = a.assign('B1', '1234|0001|x', t0);
    expect(first).toBe(Math.floor((t0 - SEQ_EPOCH_MS) / 100));
    expect(first).toBeLessThan(2 ** 32);
    expect(a.assign('B1', '1234|0002|x', t0)).toBe(first + 1); // same tenth: one more
    expect(a.assign('B1', '1234|0001|x', t0 + 59_000)).toBe(first);
    expect(a.assign('B1', '1234|0001|x', t0 + 61_000)).toBe(first + 610); // outside the window: a new event
    expect(a.assign('B2', '1234|0001|x', t0)).toBe(first);
  });

  it('forgets transmissions outside the window', () => {
    const a = new SeqAssigner();
    for (let i = 0; i < 100; i++) a.assign('B1', `k${i}`, t0 + i * 1000);
    expect(a.remembered).toBeLessThanOrEqual(61);
  });
});
