import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSerialAck, encodeSerialEvent } from '../../firmware-bridge/protocol/index.ts';
import { validateProvisioning } from '../../api/provisioning/index.ts';
import { testProvisioning } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { metric as gatewayMetric } from '../support/metrics.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { bare, BellLine } from './line.ts';
import { PtyPair } from './pty.ts';

describe("a site's own serial line, provisioned while running (PGlite + aedes)", () => {
  let pty: PtyPair;
  let t: TestSystem;
  let line: BellLine;
  let guard: ApiClient;
  let stream: StreamClient;

  beforeAll(async () => {
    pty = await PtyPair.create();
    await pty.start();
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes' }));
  });
  afterAll(async () => {
    await line?.close();
    await t?.close();
    await pty?.dispose();
  });

  it('provisioning serialPorts on site A opens the line at once; it hears site A\'s bells and refuses another site\'s', async () => {
    const doc = testProvisioning();
    doc.sites[0]!.serialPorts = [`${pty.a}@115200`];
    const admin = await t.login('admin1');
    const applied = await admin.request('POST', '/api/v1/provisioning', doc);
    expect(applied.status).toBe(200);
    await waitFor(async () => ((await guard.get('/api/v1/health')).body.serial as { path: string; connected: boolean }[]).some((s) => s.path === pty.a && s.connected), 5_000, 'the line open');
    line = await BellLine.open(pty.b);

    await line.write(encodeSerialEvent({ bellId: 'B-0301', seq: 1, type: 'press' }));
    await stream.waitFor('incident.created', (i) => i.bellId === 'B-0301');
    await line.waitForLine(bare(encodeSerialAck('B-0301', 1, 'received')));

    // B-0901 belongs to site B: a mis-wired bell is refused and counted, never another office's alarm.
    const before = await gatewayMetric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'unknown_bell', transport: 'serial' });
    await line.write(encodeSerialEvent({ bellId: 'B-0901', seq: 1, type: 'press' }));
    await waitFor(async () => (await gatewayMetric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'unknown_bell', transport: 'serial' })) === before + 1, 5_000, 'the refusal counted');
    await sleep(200);
    const all = (await (await t.login('legal')).get('/api/v1/incidents?status=all')).body.items as { bellId: string }[];
    expect(all.filter((i) => i.bellId === 'B-0901')).toEqual([]);
  });

  it('the provisioning file names a bad line or a line given to two sites by its path', () => {
    const doc = testProvisioning();
    doc.sites[0]!.serialPorts = ['ttyUSB0', '/dev/ttyUSB1'];
    doc.sites[1]!.serialPorts = ['/dev/ttyUSB1@9600'];
    const result = validateProvisioning(doc);
    expect(result.ok ? [] : result.problems).toEqual([
      { path: 'sites[0].serialPorts[0]', message: expect.stringContaining('"ttyUSB0" is not path[@baud]'), code: 'bad_format', params: { format: 'regex' } },
      { path: 'sites[1].serialPorts[0]', message: 'serial line /dev/ttyUSB1 is already site "site-a"\'s', code: 'duplicate_id', params: { id: '/dev/ttyUSB1', first: 'site-a' } },
    ]);
  });
});
