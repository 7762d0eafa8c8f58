import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BellEventSignal, BellSignal, Rejection } from '../../signal.ts';
import { PortInUseError } from '../../broker/embedded-broker.ts';
import { dc09Key } from './aes.ts';
import { frameMessage } from './frame.ts';
import { cidFrame, nullFrame, PanelClient } from './panel-client.ts';
import { SiaDc09Source, type SiaDc09SourceOptions } from './sia-source.ts';

const NOON = new Date(Date.UTC(2024, 0, 1, 12, 0, 0));
const GOLDEN_PA = '\nDE85003C"SIA-DCS"0001R1L1#1234[#1234|Nri1/PA001]_12:00:00,01-01-2024\r';
const GOLDEN_CID = '\n06E6003D"ADM-CID"0002R1L1#1234[#1234|1120 01 001]_12:00:00,01-01-2024\r';
const GOLDEN_NULL = '\n948F0029"NULL"0003R1L1#1234[]_12:00:00,01-01-2024\r';
const ACK_1 = '\nD2770014"ACK"0001R1L1#1234[]\r';
const NAK_NOON = '\nE2F90025"NAK"0000R0L0A0[]_12:00:00,01-01-2024\r';
const ENC_PA = '\n04F00078"*SIA-DCS"0001R1L1#1234[85D8127613D6DC35BA90AB0865674ACFFDC46F0571CB1997A27B3BE6E82307059A6B39D8CE56EEB64B2B53AA9B75804B\r';

const BELLS: Record<string, string> = { '1234': 'P-ALL', '1234/1': 'P-Z1', '5678': 'P-OTHER' };

describe('SiaDc09Source over TCP', () => {
  let source: SiaDc09Source;
  let signals: BellSignal[];
  let rejections: Rejection[];
  let panels: PanelClient[];
  let now: Date;

  const start = async (extra: Partial<SiaDc09SourceOptions> = {}) => {
    source = new SiaDc09Source({
      port: 0,
      host: '127.0.0.1',
      now: () => now,
      resolve: (acct, zone) => (zone ? BELLS[`${acct}/${Number(zone)}`] : undefined) ?? BELLS[acct],
      accountBells: (acct) => Object.entries(BELLS).filter(([k]) => k === acct || k.startsWith(`${acct}/`)).map(([, v]) => v),
      ...extra,
    });
    await source.start({ signal: (s) => signals.push(s), rejected: (r) => rejections.push(r) });
  };
  const panel = async () => {
    const p = await PanelClient.connect(source.port);
    panels.push(p);
    return p;
  };
  const events = () => signals.filter((s): s is BellEventSignal => s.kind === 'event');
  const waitFor = async (ok: () => boolean, what: string) => {
    const until = Date.now() + 3_000;
    while (!ok()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };

  beforeEach(() => {
    signals = [];
    rejections = [];
    panels = [];
    now = NOON;
  });
  afterEach(async () => {
    for (const p of panels) p.close();
    await source?.stop();
  });

  it('an event is ACKed only when the core replies, with the DC-09 ACK of DEVICES.md', async () => {
    await start();
    const p = await panel();
    await p.write(GOLDEN_PA);
    await waitFor(() => events().length === 1, 'the event');
    const ev = events()[0]!;
    expect(ev).toMatchObject({ bellId: 'P-Z1', type: 'press', transport: 'sia-dc09', at: '2024-01-01T12:00:00.000Z' });
    await new Promise((r) => setTimeout(r, 100));
    expect(p.answers).toEqual([]); // not stored yet: no answer
    ev.reply({ seq: ev.seq, state: 'received' });
    ev.reply({ seq: ev.seq, state: 'received' }); // a second reply for the same signal is not a second ACK
    expect(await p.answer(1)).toBe(ACK_1);
    await new Promise((r) => setTimeout(r, 50));
    expect(p.answers).toHaveLength(1);
  });

  it('a retransmission gets the same seq; a new panel sequence a higher one', async () => {
    await start();
    const p = await panel();
    await p.write(GOLDEN_CID);
    await p.write(GOLDEN_CID);
    await p.write(cidFrame({ seq: 3, account: '1234', event: '121', at: NOON }));
    await waitFor(() => events().length === 3, 'three events');
    const [a, b, c] = events();
    expect(a!.seq).toBe(b!.seq);
    expect(c!.seq).toBeGreaterThan(a!.seq);
    expect(c).toMatchObject({ type: 'long_press', bellId: 'P-Z1' });
  });

  it('no reply within the timeout: nothing is sent, a late reply neither', async () => {
    await start({ ackTimeoutMs: 50 });
    const p = await panel();
    await p.write(GOLDEN_PA);
    await waitFor(() => events().length === 1, 'the event');
    await new Promise((r) => setTimeout(r, 120));
    events()[0]!.reply({ seq: 1, state: 'received' });
    await new Promise((r) => setTimeout(r, 50));
    expect(p.answers).toEqual([]);
  });

  it('NULL: ACK at once, a heartbeat for every bell of the account', async () => {
    await start();
    const p = await panel();
    await p.write(GOLDEN_NULL);
    expect(await p.answer(1)).toBe(frameMessage('"ACK"0003R1L1#1234[]'));
    expect(signals.map((s) => [s.kind, s.bellId]).sort()).toEqual([['heartbeat', 'P-ALL'], ['heartbeat', 'P-Z1']]);
  });

  it('bad CRC → NAK and a counted rejection; the next good frame in the same read still works', async () => {
    await start();
    const p = await panel();
    const bad = GOLDEN_PA.replace('DE85', '0000');
    await p.write(bad + GOLDEN_NULL);
    expect(await p.answer(1)).toBe(NAK_NOON);
    expect(await p.answer(2)).toMatch(/"ACK"0003/);
    expect(rejections).toMatchObject([{ reason: 'invalid_field', transport: 'sia-dc09', detail: expect.stringMatching(/^bad_crc: CRC 0000 sent, DE85 computed/) }]);
  });

  it('garbage, an over-long frame and a bad format are NAKed or counted, never a crash', async () => {
    await start();
    const p = await panel();
    await p.write(Buffer.from([0x00, 0xff, 0x41, 0x0d]));
    await p.write(`\n${'9'.repeat(5000)}\r`);
    await p.write(frameMessage('"SIA-DCS"0001L0#1234[unterminated'));
    await p.write(GOLDEN_NULL);
    await waitFor(() => p.answers.some((a) => a.includes('"ACK"0003')), 'the NULL ACK');
    expect(p.answers.filter((a) => a.includes('"NAK"'))).toHaveLength(2);
    expect(rejections.map((r) => r.detail.split(':')[0])).toEqual(['no_frame', 'frame_too_long', 'bad_format']);
  });

  it('a timestamp outside the window → NAK with our time; inside → taken', async () => {
    await start();
    const p = await panel();
    now = new Date(NOON.getTime() + 41_000);
    await p.write(GOLDEN_NULL);
    expect(await p.answer(1)).toMatch(/"NAK"0000R0L0A0\[\]_12:00:41,01-01-2024\r$/);
    expect(rejections[0]!.detail).toMatch(/^bad_timestamp: panel time 12:00:00,01-01-2024 is -41 s off/);
    now = new Date(NOON.getTime() - 21_000);
    await p.write(GOLDEN_NULL);
    expect(await p.answer(2)).toMatch(/"NAK"/);
    now = new Date(NOON.getTime() + 39_000);
    await p.write(GOLDEN_NULL);
    expect(await p.answer(3)).toMatch(/"ACK"0003/);
  });

  it('unknown account → NAK and unknown_bell; unknown code → DUH and unknown_type', async () => {
    await start();
    const p = await panel();
    await p.write(cidFrame({ seq: 9, account: '9999', event: '120', at: NOON }));
    expect(await p.answer(1)).toBe(NAK_NOON);
    await p.write(cidFrame({ seq: 10, account: '1234', event: '110', at: NOON }));
    expect(await p.answer(2)).toBe(frameMessage('"DUH"0010R1L1#1234[]'));
    await p.write(nullFrame({ seq: 11, account: '9999', at: NOON }));
    expect(await p.answer(3)).toBe(NAK_NOON);
    expect(rejections.map((r) => r.reason)).toEqual(['unknown_bell', 'unknown_type', 'unknown_bell']);
    expect(events()).toEqual([]);
  });

  it('a restore is ACKed at once and opens nothing; zone falls back to the account bell', async () => {
    await start();
    const p = await panel();
    await p.write(cidFrame({ seq: 4, account: '1234', event: '120', qualifier: 3, zone: '007', at: NOON }));
    expect(await p.answer(1)).toBe(frameMessage('"ACK"0004R1L1#1234[]'));
    expect(signals).toMatchObject([{ kind: 'heartbeat', bellId: 'P-ALL' }]);
  });

  it('several panels at once, each answered on its own connection', async () => {
    await start();
    const [a, b] = [await panel(), await panel()];
    expect(source.panels).toBe(2);
    await a.write(cidFrame({ seq: 1, account: '1234', event: '120', at: NOON }));
    await b.write(cidFrame({ seq: 1, account: '5678', event: '602', at: NOON }));
    await waitFor(() => events().length === 2, 'two events');
    for (const e of events()) e.reply({ seq: e.seq, state: 'received' });
    expect(await a.answer(1)).toBe(frameMessage('"ACK"0001R1L1#1234[]'));
    expect(await b.answer(1)).toBe(frameMessage('"ACK"0001R1L1#5678[]'));
    expect(events().find((e) => e.bellId === 'P-OTHER')).toMatchObject({ type: 'test' });
  });

  it('encrypted: with the account key the event is read and the ACK encrypted; without a key → DUH', async () => {
    await start({ keyFor: (acct) => (acct === '1234' ? dc09Key('0123456789ABCDEF', 'ascii') : undefined) });
    const p = await panel();
    await p.write(ENC_PA);
    await waitFor(() => events().length === 1, 'the event');
    now = new Date(NOON.getTime() + 1_000);
    events()[0]!.reply({ seq: 1, state: 'received' });
    expect(await p.answer(1)).toBe('\n8A3F0054"*ACK"0001R1L1#1234[FDCE434358276C8338D6F0A710B57485F3FB5CDD7C065F89E5339B23A5998D6D\r');
    await source.stop();
    await start();
    const q = await panel();
    await q.write(ENC_PA);
    expect(await q.answer(1)).toBe(frameMessage('"DUH"0001R1L1#1234[]'));
  });

  it('a taken port is a PortInUseError naming SIA_DC09_PORT', async () => {
    await start();
    const second = new SiaDc09Source({ port: source.port, host: '127.0.0.1', resolve: () => undefined, accountBells: () => [] });
    await expect(second.start({ signal: () => undefined, rejected: () => undefined })).rejects.toBeInstanceOf(PortInUseError);
  });
});
