import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Counter } from 'prom-client';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { Places } from '../core/places.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import type { MessageSender, OutboundMessage } from '../notify/types.ts';
import { MaintenanceAlerts } from './maintenance-alerts.ts';

describe('maintenance alerts before the SMS sender is made', () => {
  let opened: StoreDatabase;
  let directory: DirectoryStore;
  let places: Places;
  beforeAll(async () => {
    opened = await openStoreDatabase('pglite');
    directory = new DirectoryStore(opened.database.db);
    places = new Places(directory);
    await places.reload();
  });
  afterAll(async () => {
    await opened?.close();
  });

  const texted: OutboundMessage[] = [];
  const sender: MessageSender = { channels: ['sms'], send: async (m) => (texted.push(m), { ok: true, providerId: `SM${texted.length}`, status: 'queued' }) };
  const alerts = (sms: () => MessageSender | undefined, smsExpected: boolean, name: string) => {
    const sent = new Counter({ name, help: 'x', labelNames: ['result'], registers: [] });
    const people = async () => (await directory.people()).filter((p) => p.roles.includes('admin'));
    return { sent, make: async () => new MaintenanceAlerts({ directory, places, people: await people().then((p) => () => p), sms, smsExpected, logger: pino({ level: 'silent' }), sent, digestMs: 10 }) };
  };
  const results = async (sent: Counter<'result'>) => Object.fromEntries((await sent.get()).values.map((v) => [v.labels.result, v.value]));

  it('waits for a configured Twilio whose sender is not made yet, and then texts the batch', async () => {
    let sms: MessageSender | undefined;
    const { sent, make } = alerts(() => sms, true, 'expected_sent');
    const maintenance = await make();
    maintenance.troubleChanged({ id: 'B-0301', siteId: 'site-a', counterId: 'passport-3', trouble: ['offline'] });
    // Several of its digest windows pass while the sender is not there: nothing is dropped as not configured.
    await new Promise((r) => setTimeout(r, 100));
    expect(await results(sent)).toEqual({});
    sms = sender;
    await expect.poll(() => texted.length).toBeGreaterThan(0);
    expect(texted.every((m) => m.text.includes('B-0301') && m.text.includes('offline'))).toBe(true);
    expect((await results(sent)).sent).toBe(texted.length);
    maintenance.stop();
  });

  it('without Twilio configured, a batch is logged and counted as not configured at once', async () => {
    texted.length = 0;
    const { sent, make } = alerts(() => undefined, false, 'unexpected_sent');
    const maintenance = await make();
    maintenance.troubleChanged({ id: 'B-0301', siteId: 'site-a', counterId: 'passport-3', trouble: [] });
    await expect.poll(async () => (await results(sent)).not_configured).toBe(1);
    expect(texted).toEqual([]);
    maintenance.stop();
  });
});
