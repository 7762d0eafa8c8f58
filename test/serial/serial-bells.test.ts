import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc16CcittFalse, crcHex, encodeSerialAck, encodeSerialEvent, type SerialEventFrame } from '../../firmware-bridge/protocol/index.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { bare, BellLine, metric } from './line.ts';
import { PtyPair } from './pty.ts';

const frame = (f: SerialEventFrame) => encodeSerialEvent(f);
const withCrc = (body: string) => `$${body}*${crcHex(crc16CcittFalse(body))}\r\n`;
const ackLine = (bellId: string, seq: number, state: Parameters<typeof encodeSerialAck>[2]) => bare(encodeSerialAck(bellId, seq, state));

describe('native serial bells on a real pty (PGlite + aedes)', () => {
  let pty: PtyPair;
  let t: TestSystem;
  let line: BellLine;
  let guard: ApiClient;
  let stream: StreamClient;

  beforeAll(async () => {
    pty = await PtyPair.create();
    await pty.start();
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes', env: { SERIAL_PORTS: pty.a } }));
    line = await BellLine.open(pty.b);
  });
  afterAll(async () => {
    await line?.close();
    await t?.close();
    await pty?.dispose();
  });

  /** Through the API as legal, who sees every site. */
  const incidentsOf = async (bellId: string) =>
    ((await (await t.login('legal')).get('/api/v1/incidents?status=all')).body.items as { bellId: string }[]).filter((i) => i.bellId === bellId);

  it('reports the serial port in health', async () => {
    const health = await guard.get('/api/v1/health');
    expect(health.body).toMatchObject({ status: 'ok', broker: 'ok', serial: [{ path: pty.a, connected: true }] });
  });

  it('a press opens an incident, is acked received on the line, retransmissions are answered, a guard acknowledgement reaches the bell', async () => {
    const press = frame({ bellId: 'B-0301', seq: 1, type: 'press', battery: 86 });
    await line.write(press);
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0301');
    expect(created.data).toMatchObject({ status: 'triggered', siteId: 'site-a', counterId: 'passport-3', source: 'bell', mode: 'live' });
    await line.waitForLine(ackLine('B-0301', 1, 'received'));

    // The bell did not hear the answer and repeats the frame: answered again, still one incident.
    await line.write(press);
    await line.write(press);
    await line.waitForLine(ackLine('B-0301', 1, 'received'), 3);
    expect(await incidentsOf('B-0301')).toHaveLength(1);

    // A person's action goes back down the line the bell was last heard on.
    expect((await guard.post(`/api/v1/incidents/${created.data.id}/acknowledge`)).status).toBe(200);
    await line.waitForLine(ackLine('B-0301', 1, 'acknowledged'));
  });

  it('a frame written one byte at a time opens its incident', async () => {
    await line.writeBytewise(frame({ bellId: 'B-0302', seq: 7, type: 'long_press' }));
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302');
    expect(created.data).toMatchObject({ violence: true, severity: 'critical' });
    await line.waitForLine(ackLine('B-0302', 7, 'received'));
  });

  it('noise, binary garbage, a bad CRC, a bad field and an over-long line in one write: the valid frame among them opens its incident, each rejection is counted', async () => {
    const details = ['no_frame', 'bad_crc', 'bad_field', 'frame_too_long'];
    const serialCount = (detail: string) => metric(t.url, 'guardbell_serial_frames_rejected_total', { port: pty.a, detail });
    const gatewayCount = () => metric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'serial_frame', transport: 'serial' });
    const before = new Map(await Promise.all(details.map(async (d) => [d, await serialCount(d)] as const)));
    const gatewayBefore = await gatewayCount();

    const siteB = await (await t.login('guardb')).stream();
    const burst = Buffer.concat([
      Buffer.from('ATZ\r\n+++ line noise ~~~ '),
      Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x1b, 0x0a, 0x7f, 0xc3, 0x28]),
      Buffer.from('$GB1,B-0901,1,press,86*0000\r\n'), // bad CRC
      Buffer.from(withCrc('GB1,B-0901,1,explode,86')), // good CRC, unknown type
      Buffer.from(`$GB1,B-0901,1,press,${'9'.repeat(300)}*0000\r\n`),
      Buffer.from(frame({ bellId: 'B-0901', seq: 2, type: 'press', battery: 80 })),
    ]);
    await line.write(burst);

    const created = await siteB.waitFor('incident.created', (i) => i.bellId === 'B-0901');
    expect(created.data).toMatchObject({ siteId: 'site-b', status: 'triggered' });
    await line.waitForLine(ackLine('B-0901', 2, 'received'));
    siteB.close();
    for (const detail of details) {
      await waitFor(async () => (await serialCount(detail)) - before.get(detail)! === 1, 5_000, `one ${detail} counted`);
    }
    expect((await gatewayCount()) - gatewayBefore).toBe(4);
    expect(await incidentsOf('B-0901')).toHaveLength(1);
    expect(line.received.filter((l) => l.includes('B-0901,1,'))).toEqual([]);
  });

  it('a keyed bell is refused on a serial line: a security alert, no incident, no ack', async () => {
    const before = await metric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'missing_mac', transport: 'serial' });
    await line.write(frame({ bellId: 'B-K1', seq: 3, type: 'press' }));
    const alert = await stream.waitFor('security.alert', (a) => a.bellId === 'B-K1' && a.reason === 'missing_mac');
    expect(alert.data.detail).toMatch(/serial/);
    expect(await metric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'missing_mac', transport: 'serial' })).toBe(before + 1);
    await sleep(300);
    expect(line.received.filter((l) => l.includes('B-K1'))).toEqual([]);
    expect(await incidentsOf('B-K1')).toHaveLength(0);
  });

  it('a heartbeat frame updates the bell battery', async () => {
    await line.write(frame({ bellId: 'B-0302', seq: 8, type: 'hb', battery: 42 }));
    const status = await stream.waitFor('bell.status', (b) => b.id === 'B-0302' && b.battery === 42);
    expect(status.data).toMatchObject({ online: true, siteId: 'site-a' });
    const bells = await guard.get('/api/v1/bells');
    expect(bells.body.items.find((b: { id: string }) => b.id === 'B-0302')).toMatchObject({ battery: 42, online: true });
    // A heartbeat is not an event: nothing to ack.
    await sleep(200);
    expect(line.received.filter((l) => l.includes('B-0302,8,'))).toEqual([]);
  });
});
