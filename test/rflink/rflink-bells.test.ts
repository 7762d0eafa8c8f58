import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { schema } from '../../api/store/index.ts';
import { testProvisioning } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { metric } from '../support/metrics.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { BellLine } from '../serial/line.ts';
import { PtyPair } from '../serial/pty.ts';

// Literal lines of DEVICES.md §5.1.
const EV1527_PRESS = '20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;\r\n';
const EV1527_SHORT = '20;02;EV1527;ID=19BD0;SWITCH=4;CMD=ON;\r\n';
const EV1527_ZEROS = '20;16;EV1527;ID=005DF;SWITCH=01;CMD=ON;\r\n';
const BANNER = '20;00;Nodo RadioFrequencyLink - RFLink Gateway V1.1 - R46;\r\n20;01;MySensors=OFF;NO NRF24L01;\r\n';

/** Site A gets RFLink bells, provisioned in spellings other than the receiver's (case, leading zeros). */
function withRflinkBells() {
  const doc = testProvisioning();
  doc.sites[0]!.bells.push(
    { id: 'R-PANIC', counterId: 'passport-3', adapter: 'rflink', deviceId: 'EV1527/0F7499/4' },
    { id: 'R-DESK', counterId: 'welfare-1', adapter: 'rflink', deviceId: 'ev1527/019bd0/04' },
    { id: 'R-BAT', counterId: 'welfare-1', adapter: 'rflink', deviceId: 'EV1527/ABCDE/1' },
  );
  return doc;
}

describe('RFLink 433 MHz receiver on a real pty (PGlite + aedes)', () => {
  let pty: PtyPair;
  let t: TestSystem;
  let receiver: BellLine;
  let guard: ApiClient;
  let stream: StreamClient;

  beforeAll(async () => {
    pty = await PtyPair.create();
    await pty.start();
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes', env: { RFLINK_PORTS: pty.a }, provisioning: withRflinkBells() }));
    receiver = await BellLine.open(pty.b);
    await receiver.write(BANNER);
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
    await pty?.dispose();
  });

  const incidentsOf = async (bellId: string) =>
    ((await (await t.login('legal')).get('/api/v1/incidents?status=all')).body.items as { id: string; bellId: string }[]).filter((i) => i.bellId === bellId);
  const storedEvents = (bellId: string) => t.system.database.db.select().from(schema.bellEvents).where(eq(schema.bellEvents.bellId, bellId));
  const rejected = (labels: Record<string, string>) => metric(t.url, 'guardbell_bell_messages_rejected_total', { transport: 'rflink', ...labels });
  const rflinkRejected = (detail: string) => metric(t.url, 'guardbell_rflink_lines_rejected_total', { port: pty.a, detail });

  it('reports the receiver port in health, and its banner is not a device', async () => {
    const health = await guard.get('/api/v1/health');
    expect(health.body).toMatchObject({ status: 'ok', rflink: [{ path: pty.a, connected: true }] });
    await waitFor(async () => (await metric(t.url, 'guardbell_rflink_lines_ignored_total', { port: pty.a, detail: 'startup' })) === 2, 5_000, 'the banner counted as startup');
  });

  it('one press repeated three times within a second opens exactly one incident; a press after the window joins it', async () => {
    for (const counter of ['77', '78', '79']) {
      await receiver.write(EV1527_PRESS.replace('20;77;', `20;${counter};`));
      await sleep(150);
    }
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'R-PANIC');
    expect(created.data).toMatchObject({ status: 'triggered', siteId: 'site-a', counterId: 'passport-3', source: 'bell', mode: 'live' });
    await sleep(300);
    expect(await incidentsOf('R-PANIC')).toHaveLength(1);
    expect(await storedEvents('R-PANIC')).toHaveLength(1);
    expect(await metric(t.url, 'guardbell_rflink_lines_ignored_total', { port: pty.a, detail: 'repeat' })).toBe(2);

    // The person presses again, after the dedupe window: a re-press on the open incident, not a new one.
    await sleep(1_200);
    await receiver.write(EV1527_PRESS.replace('20;77;', '20;7A;').replace('0f7499', '0F7499'));
    await waitFor(async () => (await storedEvents('R-PANIC')).length === 2, 5_000, 'the second press stored');
    const events = await storedEvents('R-PANIC');
    expect(events.map((e) => [e.type, e.transport])).toEqual([['press', 'rflink'], ['press', 'rflink']]);
    expect(new Set(events.map((e) => e.incidentId))).toEqual(new Set([created.data.id]));
    expect(await incidentsOf('R-PANIC')).toHaveLength(1);
  });

  it('garbage and a bad line between good lines never lose the good one; each refusal is counted', async () => {
    const details = ['garbage', 'bad_field', 'not_rflink'];
    const before = new Map(await Promise.all(details.map(async (d) => [d, await rflinkRejected(d)] as const)));
    const gatewayBefore = await rejected({ reason: 'serial_frame' });
    await receiver.write(Buffer.concat([
      Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x1b, 0x0d, 0x0a]),
      Buffer.from('20;55;EV1527;ID=0f7499;SWITCH=04;CMD=O\r\n'), // cut off
      Buffer.from('ATZ ~~ line noise ~~'), // no line ending: glued to the next line
      Buffer.from(EV1527_SHORT),
      Buffer.from('20;XX;OK;\r\n20;XX;DEBUG;Pulses=511;\r\n'),
    ]));
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'R-DESK');
    expect(created.data).toMatchObject({ siteId: 'site-a', counterId: 'welfare-1', status: 'triggered' });
    for (const detail of details) {
      await waitFor(async () => (await rflinkRejected(detail)) - before.get(detail)! === 1, 5_000, `one ${detail} counted`);
    }
    expect((await rejected({ reason: 'serial_frame' })) - gatewayBefore).toBe(3);
    expect(await incidentsOf('R-PANIC')).toHaveLength(1); // the cut-off copy of its frame opened nothing
  });

  it('a press of a device nobody provisioned is rejected as unknown bell and counted, and opens nothing', async () => {
    const before = await rejected({ reason: 'unknown_bell' });
    await receiver.write(EV1527_ZEROS);
    await receiver.write(EV1527_ZEROS.replace('20;16;', '20;17;'));
    await waitFor(async () => (await rejected({ reason: 'unknown_bell' })) === before + 1, 5_000, 'one unknown_bell rejection');
    await sleep(300);
    expect(await rejected({ reason: 'unknown_bell' })).toBe(before + 1); // its copy is a repeat, not a second rejection
    const all = (await (await t.login('legal')).get('/api/v1/incidents?status=all')).body.items as { bellId: string }[];
    expect(all.map((i) => i.bellId).sort()).toEqual(['R-DESK', 'R-PANIC']);
  });

  it('BAT=LOW marks the bell\'s battery trouble without an alarm', async () => {
    await receiver.write('20;3C;EV1527;ID=0abcde;SWITCH=01;BAT=LOW;\r\n');
    const status = await stream.waitFor('bell.status', (b) => b.id === 'R-BAT' && b.trouble.includes('low_battery'));
    expect(status.data).toMatchObject({ siteId: 'site-a', adapter: 'rflink', online: true });
    const bells = await guard.get('/api/v1/bells');
    expect(bells.body.items.find((b: { id: string }) => b.id === 'R-BAT')).toMatchObject({ trouble: expect.arrayContaining(['low_battery']) });
    expect((await storedEvents('R-BAT')).map((e) => e.type)).toEqual(['low_battery']);
    expect(await incidentsOf('R-BAT')).toHaveLength(0);
  });

  it('never writes to the receiver: it is receive-only', () => {
    expect(receiver.received).toEqual([]);
  });

  it('a receiver unplugged is shown degraded, retried, and read again once it is back at the same path', async () => {
    const health = async () => (await guard.get('/api/v1/health')).body as { status: string; broker: string; rflink: { path: string; connected: boolean }[] };
    await receiver.close();
    await pty.stop();
    await waitFor(async () => (await health()).status === 'degraded', 5_000, 'health degraded after the unplug');
    expect(await health()).toMatchObject({ broker: 'ok', rflink: [{ path: pty.a, connected: false }] });
    await pty.start();
    await waitFor(async () => (await health()).status === 'ok', 10_000, 'health ok after the replug');
    receiver = await BellLine.open(pty.b);
    const before = (await storedEvents('R-DESK')).length;
    await receiver.write(EV1527_SHORT.replace('20;02;', '20;03;'));
    await waitFor(async () => (await storedEvents('R-DESK')).length === before + 1, 5_000, 'a press read after the replug');
  });
});
