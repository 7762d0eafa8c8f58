import { createServer } from 'node:net';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../api/store/index.ts';
import { frameMessage } from '../../gateway/index.ts';
import { cidFrame, encryptedSiaFrame, nullFrame, PanelClient } from '../../gateway/sources/sia-dc09/panel-client.ts';
import { dc09Key } from '../../gateway/sources/sia-dc09/index.ts';
import { testProvisioning } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { metric } from '../support/metrics.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Site A gets three panel bells: a whole account, one zone of another account, and that account's other zones. */
function withPanelBells() {
  const doc = testProvisioning();
  doc.sites[0]!.bells.push(
    { id: 'P-4321', counterId: 'passport-3', adapter: 'sia-dc09', deviceId: '4321' },
    { id: 'P-77-Z5', counterId: 'welfare-1', adapter: 'sia-dc09', deviceId: '77ab/005' },
    { id: 'P-77', counterId: 'welfare-1', adapter: 'sia-dc09', deviceId: '77AB' },
    { id: 'P-E77', counterId: 'welfare-1', adapter: 'sia-dc09', deviceId: 'E77B' },
  );
  return doc;
}

describe('SIA DC-09 alarm panels over TCP (PGlite + aedes)', () => {
  let t: TestSystem;
  let port: number;
  let guard: ApiClient;
  let stream: StreamClient;
  let panel: PanelClient;

  beforeAll(async () => {
    port = await freePort();
    // Account E77B encrypts, with an ASCII key (DEVICES.md §7: panels differ; the prefix says which). An account
    // with a key is refused in plaintext (test/security/sia-dc09.test.ts), so the plaintext tests use 77AB.
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes', env: { SIA_DC09_PORT: String(port), SIA_DC09_KEYS: 'e77b=ascii:0123456789ABCDEF' }, provisioning: withPanelBells() }));
    panel = await PanelClient.connect(port);
  });
  afterAll(async () => {
    panel?.close();
    await t?.close();
  });

  const incidentsOf = async (bellId: string) =>
    ((await (await t.login('legal')).get('/api/v1/incidents?status=all')).body.items as { bellId: string }[]).filter((i) => i.bellId === bellId);
  const storedEvents = (bellId: string) =>
    t.system.database.db.select().from(schema.bellEvents).where(and(eq(schema.bellEvents.bellId, bellId), eq(schema.bellEvents.transport, 'sia-dc09')));

  it('reports the receiver in health', async () => {
    const health = await guard.get('/api/v1/health');
    expect(health.body).toMatchObject({ status: 'ok', siaDc09: { port, listening: true, panels: 1 } });
  });

  it('a Contact ID 120 panic opens an incident and is ACKed after it is stored; the same frame again is ACKed again, no second incident', async () => {
    const panic = cidFrame({ seq: 1, account: '4321', event: '120' });
    await panel.write(panic);
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'P-4321');
    expect(created.data).toMatchObject({ status: 'triggered', siteId: 'site-a', counterId: 'passport-3', source: 'bell', violence: false });
    expect(await panel.answer(1)).toBe(frameMessage('"ACK"0001R1L1#4321[]'));
    // The ACK went out after the event was stored (the core replies only then).
    const stored = await storedEvents('P-4321');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ type: 'press', incidentId: created.data.id });

    await panel.write(panic);
    expect(await panel.answer(2)).toBe(frameMessage('"ACK"0001R1L1#4321[]'));
    await sleep(200);
    expect(await incidentsOf('P-4321')).toHaveLength(1);
    expect(await storedEvents('P-4321')).toHaveLength(1);
  });

  it('a 121 duress on a provisioned zone opens a violence incident on that zone\'s bell', async () => {
    await panel.write(cidFrame({ seq: 2, account: '77AB', event: '121', zone: '005' }));
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'P-77-Z5');
    expect(created.data).toMatchObject({ violence: true, counterId: 'welfare-1' });
    expect(await panel.answer(3)).toBe(frameMessage('"ACK"0002R1L1#77AB[]'));
  });

  it('a 602 periodic test on another zone falls back to the account bell: ACK, no incident', async () => {
    await panel.write(cidFrame({ seq: 3, account: '77AB', event: '602', zone: '000' }));
    expect(await panel.answer(4)).toBe(frameMessage('"ACK"0003R1L1#77AB[]'));
    expect(await storedEvents('P-77')).toMatchObject([{ type: 'test', incidentId: null }]);
    expect(await incidentsOf('P-77')).toHaveLength(0);
  });

  it('a NULL link test is ACKed at once and brings every bell of the account online', async () => {
    await panel.write(nullFrame({ seq: 4, account: '77AB' }));
    expect(await panel.answer(5)).toBe(frameMessage('"ACK"0004R1L1#77AB[]'));
    await waitFor(async () => {
      const bells = (await guard.get('/api/v1/bells')).body.items as { id: string; online: boolean }[];
      return ['P-77', 'P-77-Z5'].every((id) => bells.find((b) => b.id === id)?.online === true);
    }, 5_000, 'both panel bells online');
  });

  it('an unknown account → NAK and an unknown_bell rejection', async () => {
    const before = await metric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'unknown_bell', transport: 'sia-dc09' });
    await panel.write(cidFrame({ seq: 5, account: 'FFFF', event: '120' }));
    expect(await panel.answer(6)).toMatch(/^\n[0-9A-F]{4}0025"NAK"0000R0L0A0\[\]_\d\d:\d\d:\d\d,\d\d-\d\d-\d{4}\r$/);
    await waitFor(async () => (await metric(t.url, 'guardbell_bell_messages_rejected_total', { reason: 'unknown_bell', transport: 'sia-dc09' })) === before + 1, 5_000, 'unknown_bell counted');
  });

  it('a bad CRC → NAK, and the good frame after it in the same TCP read still opens its incident', async () => {
    const before = await metric(t.url, 'guardbell_sia_dc09_rejected_total', { detail: 'bad_crc' });
    const good = cidFrame({ seq: 6, account: '4321', event: '123', zone: '009' });
    const bad = `\n0000${good.slice(5)}`; // the same frame with its CRC zeroed
    // P-77 (account 77AB, any zone but 5) has no open incident yet, so the good frame opens one.
    const other = cidFrame({ seq: 6, account: '77AB', event: '120', zone: '031' });
    await panel.write(Buffer.from(bad + other, 'latin1'));
    expect(await panel.answer(7)).toMatch(/^\n[0-9A-F]{4}0025"NAK"0000R0L0A0\[\]_\d\d:\d\d:\d\d,\d\d-\d\d-\d{4}\r$/);
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'P-77');
    expect(created.data).toMatchObject({ violence: false });
    expect(await panel.answer(8)).toBe(frameMessage('"ACK"0006R1L1#77AB[]'));
    expect(await metric(t.url, 'guardbell_sia_dc09_rejected_total', { detail: 'bad_crc' })).toBe(before + 1);
  });

  it('a second panel on its own connection is heard too', async () => {
    const second = await PanelClient.connect(port);
    try {
      await second.write(nullFrame({ seq: 1, account: '4321' }));
      expect(await second.answer(1)).toBe(frameMessage('"ACK"0001R1L1#4321[]'));
      expect((await guard.get('/api/v1/health')).body.siaDc09.panels).toBe(2);
    } finally {
      second.close();
    }
  });

  it('an encrypted panel with its key in SIA_DC09_KEYS: the event opens an incident and the ACK is encrypted; an account without a key gets DUH', async () => {
    const key = dc09Key('0123456789ABCDEF', 'ascii');
    const enc = await PanelClient.connect(port);
    try {
      await enc.write(encryptedSiaFrame({ seq: 7, account: 'E77B', code: 'PA', zone: '009', key }));
      const created = await stream.waitFor('incident.created', (i) => i.bellId === 'P-E77');
      expect(created.data).toMatchObject({ status: 'triggered', counterId: 'welfare-1' });
      expect(await enc.answer(1)).toMatch(/^\n[0-9A-F]{8}"\*ACK"0007R1L1#E77B\[[0-9A-F]+\r$/);
      // The same key on an account that has none configured: not understood, nothing opened.
      await enc.write(encryptedSiaFrame({ seq: 8, account: '4321', code: 'PA', key }));
      expect(await enc.answer(2)).toBe(frameMessage('"DUH"0008R1L1#4321[]'));
    } finally {
      enc.close();
    }
  });
});
