import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import type { BellEventSignal, BellSignal, Rejection } from '../../signal.ts';
import { fakePort } from '../../../firmware-bridge/serial-line/fake-serial-port.ts';
import { RflinkRepeats, RFLINK_REPEAT_WINDOW_MS } from './repeat-filter.ts';
import { rflinkMetrics, type RflinkMetrics } from './rflink-metrics.ts';
import { RflinkSource } from './rflink-source.ts';

const PRESS = '20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;\r\n';
const BELLS: Record<string, string> = { 'EV1527/F7499/4': 'R-PANIC', 'EV1527/19BD0': 'R-REMOTE' };

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

describe('RflinkSource', () => {
  let signals: BellSignal[];
  let rejections: Rejection[];
  let registry: Registry;
  let metrics: RflinkMetrics;
  let clock: number;
  const sources: RflinkSource[] = [];
  const handlers = () => ({ signal: (s: BellSignal) => signals.push(s), rejected: (r: Rejection) => rejections.push(r) });
  const source = async (port: ReturnType<typeof fakePort>, extra: Partial<ConstructorParameters<typeof RflinkSource>[0]> = {}) => {
    const s = new RflinkSource({
      path: '/dev/ttyACM9', baudRate: 57_600, open: port.open, logger: silent, metrics, now: () => new Date(clock),
      resolve: (deviceId) => BELLS[deviceId] ?? BELLS[deviceId.split('/').slice(0, 2).join('/')], retryMs: 20, retryMaxMs: 40, ...extra,
    });
    sources.push(s);
    await s.start(handlers());
    return s;
  };
  const events = () => signals.filter((s): s is BellEventSignal => s.kind === 'event');
  const count = async (name: string, labels: Record<string, string>) =>
    (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;

  beforeEach(() => {
    signals = [];
    rejections = [];
    registry = new Registry();
    metrics = rflinkMetrics(registry);
    clock = Date.UTC(2026, 0, 5, 9, 0, 0);
  });
  afterEach(async () => {
    for (const s of sources.splice(0)) await s.stop();
  });

  it('a press is one event of the provisioned bell, whatever the copies; a press after the window is another', async () => {
    const port = fakePort();
    const s = await source(port);
    expect(s.connected).toBe(true);
    expect(port.configs).toEqual([{ path: '/dev/ttyACM9', baudRate: 57_600 }]);
    const link = port.links[0]!;
    link.feed(PRESS);
    clock += 200;
    link.feed('20;78;EV1527;ID=0F7499;SWITCH=4;CMD=ON;\r\n');
    clock += 400;
    link.feed('20;79;EV1527;ID=0f7499;SWITCH=04;CMD=ON;\r\n');
    expect(events()).toEqual([expect.objectContaining({ bellId: 'R-PANIC', type: 'press', transport: 'rflink' })]);
    expect(await count('guardbell_rflink_lines_ignored_total', { detail: 'repeat' })).toBe(2);

    clock += RFLINK_REPEAT_WINDOW_MS;
    link.feed(PRESS);
    expect(events().map((e) => e.type)).toEqual(['press', 'press']);
    expect(events()[1]!.seq).toBeGreaterThan(events()[0]!.seq);
  });

  it('answers nothing on the line: RFLink is receive-only', async () => {
    const port = fakePort();
    await source(port);
    port.links[0]!.feed(PRESS);
    events()[0]!.reply({ seq: events()[0]!.seq, state: 'received' });
    (sources[0]!).sendAck('R-PANIC', { seq: 1, state: 'acknowledged' });
    expect(port.links[0]!.written).toEqual([]);
  });

  it('BAT=LOW is a low_battery event; with CMD=ON both, each with its own seq', async () => {
    const port = fakePort();
    await source(port);
    port.links[0]!.feed('20;3A;EV1527;ID=0f7499;SWITCH=04;CMD=ON;BAT=LOW;\r\n');
    expect(events().map((e) => [e.type, e.bellId])).toEqual([['press', 'R-PANIC'], ['low_battery', 'R-PANIC']]);
    expect(events()[1]!.seq).toBeGreaterThan(events()[0]!.seq);
  });

  it('CMD=OFF of a bell is counted, not an alarm, and still proof of life', async () => {
    const port = fakePort();
    await source(port);
    port.links[0]!.feed('20;40;EV1527;ID=0f7499;SWITCH=04;CMD=OFF;\r\n');
    expect(events()).toEqual([]);
    expect(signals).toEqual([expect.objectContaining({ kind: 'heartbeat', bellId: 'R-PANIC', transport: 'rflink' })]);
    expect(await count('guardbell_rflink_lines_ignored_total', { detail: 'not_a_press' })).toBe(1);
  });

  it('a bell provisioned for a whole remote hears every button of it', async () => {
    const port = fakePort();
    await source(port);
    port.links[0]!.feed('20;02;EV1527;ID=19BD0;SWITCH=4;CMD=ON;\r\n');
    expect(events()).toEqual([expect.objectContaining({ bellId: 'R-REMOTE', type: 'press' })]);
  });

  it('a press of an unknown device is one unknown_bell rejection per press; its other chatter is only counted', async () => {
    const port = fakePort();
    await source(port);
    const link = port.links[0]!;
    link.feed('20;16;EV1527;ID=005DF;SWITCH=01;CMD=ON;\r\n20;17;EV1527;ID=005DF;SWITCH=01;CMD=ON;\r\n');
    expect(rejections).toEqual([expect.objectContaining({ reason: 'unknown_bell', transport: 'rflink', detail: expect.stringContaining('"EV1527/5DF/1"') })]);
    link.feed('20;18;Alecto V1;ID=0334;TEMP=00e7;BAT=OK;\r\n');
    expect(rejections).toHaveLength(1);
    expect(signals).toEqual([]);
    expect(await count('guardbell_rflink_lines_ignored_total', { detail: 'unknown_device' })).toBe(1);
  });

  it('garbage, a bad line and an over-long line between good lines: each refused and counted, the good lines kept', async () => {
    const port = fakePort();
    await source(port);
    const link = port.links[0]!;
    link.feed(Buffer.concat([
      Buffer.from('20;00;Nodo RadioFrequencyLink - RFLink Gateway V1.1 - R46;\r\n20;01;MySensors=OFF;NO NRF24L01;\r\n'),
      Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x0d, 0x0a]),
      Buffer.from('20;76;EV1527;ID=zz;SWITCH=04;CMD=ON;\r\n'),
      Buffer.from(`20;75;EV1527;${'X=1;'.repeat(100)}\r\n`),
      Buffer.from('~~noise~~20;02;EV1527;ID=19BD0;SWITCH=4;CMD=ON;\r\n'),
      Buffer.from('20;XX;OK;\r\n20;XX;DEBUG;Pulses=511;\r\n'),
      Buffer.from(PRESS),
    ]));
    expect(events().map((e) => e.bellId)).toEqual(['R-REMOTE', 'R-PANIC']);
    expect(rejections.map((r) => [r.reason, r.detail.split(':')[0]])).toEqual([
      ['serial_frame', 'garbage'], ['serial_frame', 'bad_field'], ['serial_frame', 'line_too_long'], ['serial_frame', 'not_rflink'],
    ]);
    for (const detail of ['garbage', 'bad_field', 'line_too_long', 'not_rflink']) expect(await count('guardbell_rflink_lines_rejected_total', { detail })).toBe(1);
    for (const detail of ['startup', 'reply', 'debug']) expect(await count('guardbell_rflink_lines_ignored_total', { detail })).toBeGreaterThan(0);
  });

  it('two receivers hearing one press make one event (a shared repeat filter)', async () => {
    const repeats = new RflinkRepeats();
    const a = fakePort();
    const b = fakePort();
    await source(a, { repeats });
    await source(b, { repeats, path: '/dev/ttyACM8' });
    a.links[0]!.feed(PRESS);
    b.links[0]!.feed('20;C1;EV1527;ID=0f7499;SWITCH=04;CMD=ON;\r\n');
    expect(events()).toHaveLength(1);
  });

  it('a receiver that is missing or unplugged is retried and reported not connected until it is back', async () => {
    const port = fakePort();
    port.present = false;
    const s = await source(port);
    expect(s.connected).toBe(false);
    expect(await count('guardbell_rflink_port_connected', { port: '/dev/ttyACM9' })).toBe(0);
    port.present = true;
    await waitUntil(() => s.connected);
    expect(await count('guardbell_rflink_port_connected', { port: '/dev/ttyACM9' })).toBe(1);
    expect(await count('guardbell_rflink_port_open_failures_total', { port: '/dev/ttyACM9' })).toBe(1);

    port.links[0]!.feed('20;77;EV1527;ID=0f7499;SWITCH=04;CMD=O'); // cut off by the unplug
    port.present = false;
    port.links[0]!.unplug();
    expect(s.connected).toBe(false);
    expect(rejections).toEqual([expect.objectContaining({ reason: 'serial_frame', detail: expect.stringMatching(/^bad_field/) })]);
    port.present = true;
    await waitUntil(() => s.connected);
    port.links[1]!.feed(PRESS);
    expect(events()).toHaveLength(1);
  });
});

async function waitUntil(probe: () => boolean, timeoutMs = 2_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
