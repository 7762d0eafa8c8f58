import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Registry } from 'prom-client';
import { crc16CcittFalse, crcHex } from '../../../firmware-bridge/protocol/index.ts';
import type { BellEventSignal, BellSignal, Rejection } from '../../signal.ts';
import { SerialAckRoutes } from './ack-routes.ts';
import { fakePort } from '../../../firmware-bridge/serial-line/fake-serial-port.ts';
import { serialMetrics, type SerialMetrics } from './serial-metrics.ts';
import { SerialSource } from './serial-source.ts';

const PRESS = '$GB1,B-0301,17,press,86*EF1C\r\n';
const HB = '$GB1,B-0301,18,hb,85*3AE0\r\n';

const silent = { info: () => undefined, warn: () => undefined, debug: () => undefined };

describe('SerialSource', () => {
  let signals: BellSignal[];
  let rejections: Rejection[];
  let metrics: SerialMetrics;
  let registry: Registry;
  const handlers = () => ({ signal: (s: BellSignal) => signals.push(s), rejected: (r: Rejection) => rejections.push(r) });
  const sources: SerialSource[] = [];
  const source = (port: ReturnType<typeof fakePort>, extra: Partial<ConstructorParameters<typeof SerialSource>[0]> = {}) => {
    const s = new SerialSource({ path: '/dev/ttyFAKE', baudRate: 115200, open: port.open, logger: silent, metrics, quietMs: 50, ...extra });
    sources.push(s);
    return s;
  };
  const count = async (name: string, labels: Record<string, string>) =>
    (await registry.getSingleMetric(name)!.get()).values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;

  beforeEach(() => {
    signals = [];
    rejections = [];
    registry = new Registry();
    metrics = serialMetrics(registry);
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const s of sources.splice(0)) await s.stop();
  });

  it('turns a press into an event signal whose reply writes the $GBA ack on the same line', async () => {
    const port = fakePort();
    const s = source(port);
    await s.start(handlers());
    expect(s.connected).toBe(true);
    port.links[0]!.feed(PRESS);
    expect(signals).toEqual([expect.objectContaining({ kind: 'event', bellId: 'B-0301', seq: 17, type: 'press', battery: 86, transport: 'serial' })]);
    (signals[0] as BellEventSignal).reply({ seq: 17, incident: 'inc_1', state: 'received' });
    expect(port.links[0]!.written).toEqual(['$GBA,B-0301,17,received*E274\r\n']);
  });

  it('turns hb into a heartbeat with the battery, and frames split at any byte still arrive', async () => {
    const port = fakePort();
    await source(port).start(handlers());
    for (const ch of HB) port.links[0]!.feed(ch);
    expect(signals).toEqual([{ kind: 'heartbeat', bellId: 'B-0301', battery: 85, transport: 'serial', receivedAt: expect.any(Date) }]);
  });

  it('rejects every framing and decoding problem with reason serial_frame, detail first, counted by detail', async () => {
    const port = fakePort();
    await source(port).start(handlers());
    port.links[0]!.feed(Buffer.concat([
      Buffer.from('noise'), Buffer.from([0x00, 0xff, 0x13]),
      Buffer.from('$GB1,B-0301,17,press,86*EF1D\r\n'), // bad CRC
      Buffer.from('$GB1,B-0301,17,explode,86*'), Buffer.from(crcOf('GB1,B-0301,17,explode,86') + '\r\n'), // bad field
      Buffer.from(`$${'x'.repeat(400)}\r\n`),
      Buffer.from(PRESS),
    ]));
    expect(rejections.map((r) => [r.reason, r.transport, r.detail.split(':')[0]])).toEqual([
      ['serial_frame', 'serial', 'no_frame'], ['serial_frame', 'serial', 'bad_crc'], ['serial_frame', 'serial', 'bad_field'], ['serial_frame', 'serial', 'frame_too_long'],
    ]);
    expect(rejections[0]!.detail).toMatch(/^no_frame: bytes outside a frame \(8 bytes, starting "noise\\x00\\xff\\x13"\) on \/dev\/ttyFAKE$/);
    expect(rejections[1]!.detail).toContain('"$GB1,B-0301,17,press,86*EF1D"');
    expect(signals).toHaveLength(1);
    for (const detail of ['no_frame', 'bad_crc', 'bad_field', 'frame_too_long']) {
      expect(await count('guardbell_serial_frames_rejected_total', { port: '/dev/ttyFAKE', detail })).toBe(1);
    }
  });

  it('reports noise after the line goes quiet, once', async () => {
    const port = fakePort();
    await source(port).start(handlers());
    port.links[0]!.feed('garbage');
    port.links[0]!.feed(' and more');
    expect(rejections).toEqual([]);
    await vi.waitFor(() => expect(rejections).toHaveLength(1), { timeout: 2_000 });
    expect(rejections[0]!.detail).toMatch(/^no_frame: .*16 bytes/);
  });

  it('sends a later ack only on the port whose event for that bell was last answered', async () => {
    const routes = new SerialAckRoutes();
    const a = fakePort();
    const b = fakePort();
    const sa = source(a, { path: '/dev/ttyA', routes });
    const sb = source(b, { path: '/dev/ttyB', routes });
    await sa.start(handlers());
    await sb.start(handlers());
    const ack = { seq: 17, incident: 'inc_1', state: 'acknowledged' } as const;
    const both = () => {
      sa.sendAck('B-0301', ack);
      sb.sendAck('B-0301', ack);
      return [a.links[0]!.written.length, b.links[0]!.written.length];
    };
    expect(both()).toEqual([0, 0]); // never heard: nowhere
    a.links[0]!.feed(PRESS);
    expect(both()).toEqual([0, 0]); // heard but not answered (the gateway may refuse it, e.g. a keyed bell)
    (signals.at(-1) as BellEventSignal).reply({ seq: 17, state: 'received' });
    expect(both()).toEqual([2, 0]);
    // The bell moved to the other hub.
    b.links[0]!.feed('$GB1,B-0301,20,press,*' + crcOf('GB1,B-0301,20,press,') + '\r\n');
    (signals.at(-1) as BellEventSignal).reply({ seq: 20, state: 'received' });
    expect(both()).toEqual([2, 2]);
    expect(b.links[0]!.written.at(-1)).toBe('$GBA,B-0301,17,acknowledged*' + crcOf('GBA,B-0301,17,acknowledged') + '\r\n');
    // Heartbeats are not answered, so they do not move the route.
    a.links[0]!.feed(HB);
    expect(both()).toEqual([2, 3]);
  });

  it('starts without its port, retries with capped backoff (1, 2, 4, 5, 5 s), and reads once it appears', async () => {
    vi.useFakeTimers();
    const port = fakePort();
    port.present = false;
    const s = source(port);
    await s.start(handlers()); // does not throw, does not wait for the port
    expect(s.connected).toBe(false);
    const attemptsAfter = async (ms: number) => {
      await vi.advanceTimersByTimeAsync(ms);
      return port.attempts;
    };
    expect(await attemptsAfter(999)).toBe(1);
    expect(await attemptsAfter(1)).toBe(2);
    expect(await attemptsAfter(2_000)).toBe(3);
    expect(await attemptsAfter(4_000)).toBe(4);
    expect(await attemptsAfter(5_000)).toBe(5);
    expect(await attemptsAfter(5_000)).toBe(6);
    expect(await count('guardbell_serial_port_open_failures_total', { port: '/dev/ttyFAKE' })).toBe(6);
    port.present = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(s.connected).toBe(true);
    expect(await count('guardbell_serial_port_connected', { port: '/dev/ttyFAKE' })).toBe(1);
    port.links[0]!.feed(PRESS);
    expect(signals).toHaveLength(1);
  });

  it('when the port goes away: not connected, retried from 1 s again, and a new link is read', async () => {
    vi.useFakeTimers();
    const port = fakePort();
    const s = source(port);
    await s.start(handlers());
    port.links[0]!.feed('$GB1,B-0301,17,pre'); // cut off by the unplug
    port.present = false;
    port.links[0]!.unplug();
    expect(s.connected).toBe(false);
    expect(await count('guardbell_serial_port_connected', { port: '/dev/ttyFAKE' })).toBe(0);
    expect(rejections.map((r) => r.detail.split(':')[0])).toEqual(['no_frame']);
    s.sendAck('B-0301', { seq: 1, state: 'closed' }); // dropped quietly while down
    await vi.advanceTimersByTimeAsync(1_000 + 2_000);
    expect(port.attempts).toBe(3);
    port.present = true;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(s.connected).toBe(true);
    port.links[1]!.feed(PRESS);
    expect(signals).toHaveLength(1);
    // Backoff starts over after a successful open.
    port.present = false;
    port.links[1]!.unplug();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(port.attempts).toBe(5);
  });

  it('stop closes the port and ends retrying; an open that finishes after stop is closed at once', async () => {
    vi.useFakeTimers();
    const port = fakePort();
    const s = source(port);
    await s.start(handlers());
    await s.stop();
    expect(port.links[0]!.closed).toBe(true);
    expect(s.connected).toBe(false);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(port.attempts).toBe(1);

    let release: () => void = () => undefined;
    const slow = fakePort();
    const gate = new Promise<void>((r) => (release = r));
    const s2 = source({ ...slow, open: async (c) => { await gate; return slow.open(c); } });
    const started = s2.start(handlers());
    await s2.stop();
    release();
    await started;
    expect(slow.links[0]!.closed).toBe(true);
    expect(s2.connected).toBe(false);
  });

  it('keeps reading when a handler throws', async () => {
    const port = fakePort();
    let calls = 0;
    await source(port).start({ signal: () => { calls++; throw new Error('boom'); }, rejected: () => undefined });
    port.links[0]!.feed(PRESS + HB);
    expect(calls).toBe(2);
  });
});

const crcOf = (body: string) => crcHex(crc16CcittFalse(body));
