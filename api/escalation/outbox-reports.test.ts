import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Counter } from 'prom-client';
import { eq } from 'drizzle-orm';
import { openStoreDatabase, storePressIncident, type StoreDatabase } from '../../test/support/store-database.ts';
import { waitFor } from '../../test/support/wait.ts';
import type { Database } from '../store/database.ts';
import { schema } from '../store/index.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { Places } from '../core/places.ts';
import { AlarmBus } from '../bus/index.ts';
import { Outbox } from './outbox.ts';

const T0 = new Date('2030-05-01T09:00:00Z');

describe.each(['pglite', 'postgres'] as const)('provider reports arriving together, on %s', (kind) => {
  let database: Database;
  let opened: StoreDatabase | undefined;
  let outbox: Outbox;
  const pushed: { id: string; status: string }[] = [];
  const later = new Date(T0.getTime() + 60_000);

  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    database = opened.database;
    await storePressIncident(database, 'inc_reports', T0);
    const row = (id: string, status: string, lastError: string | null = null) => ({
      id, incidentId: 'inc_reports', stepId: 'first_alert', recipientKey: `guard-${id}`, personId: `guard-${id}`, channel: 'sms',
      to: '+821000000000', mode: 'live', status, providerId: `SM-${id}`, lastError, createdAt: T0, updatedAt: T0, nextAttemptAt: T0,
    });
    await database.db.insert(schema.notifications).values([
      row('first', 'sending'), row('both', 'sending'), row('done', 'delivered'), row('lost', 'sent'), row('kept_error', 'sent', 'an earlier error'),
      row('taken', 'sending'), row('taken_too', 'sending', 'timed out'), row('reported_first', 'delivered'),
    ]);
    const bus = new AlarmBus({ logger: pino({ level: 'silent' }), origin: 'test' });
    bus.on('notification.changed', (e) => void pushed.push({ id: e.notification.id, status: e.notification.status }));
    outbox = new Outbox({
      db: database.db, places: new Places(new DirectoryStore(database.db)), bus, logger: pino({ level: 'silent' }), senders: {},
      people: () => [], now: () => later, onlyProcess: true,
      sent: new Counter({ name: `sent_reports_${kind}`, help: 'x', labelNames: ['channel', 'status'], registers: [] }),
    });
  });
  afterAll(async () => {
    outbox.stop();
    await opened?.close();
  });

  const rowOf = async (id: string) => (await database.db.select().from(schema.notifications).where(eq(schema.notifications.id, id)))[0];

  it('applies each as it would alone: the furthest report of a row wins, a late one never moves a row back, a failure falls over to a call', async () => {
    // The first report goes alone; the rest arrive while it is written and go together in one statement.
    await Promise.all([
      outbox.takeReport({ id: 'first' }, 'sent'),
      outbox.takeReport({ id: 'both' }, 'sent'),
      outbox.takeReport({ id: 'both' }, 'delivered'),
      outbox.takeReport({ id: 'done' }, 'sent'),
      outbox.takeReport({ id: 'lost' }, 'failed', { lastError: 'provider error 30003' }),
      outbox.takeReport({ id: 'kept_error' }, 'delivered'),
      outbox.takeReport({ id: 'nobody_knows' }, 'delivered'),
    ]);
    expect((await rowOf('first'))?.status).toBe('sent');
    expect((await rowOf('both'))?.status).toBe('delivered');
    expect(await rowOf('done')).toMatchObject({ status: 'delivered', updatedAt: T0 });
    expect(await rowOf('lost')).toMatchObject({ status: 'failed', lastError: 'provider error 30003', updatedAt: later });
    expect(await rowOf('kept_error')).toMatchObject({ status: 'delivered', lastError: 'an earlier error' });
    expect(await rowOf('nobody_knows')).toBeUndefined();
    const calls = await database.db.select().from(schema.notifications).where(eq(schema.notifications.fallbackOf, 'lost'));
    expect(calls).toMatchObject([{ channel: 'voice', personId: 'guard-lost', status: 'queued' }]);

    // Consoles hear each stored change once, with the status that was stored (each push first reads its site).
    const forRow = (id: string) => pushed.filter((p) => p.id === id).map((p) => p.status);
    await waitFor(() => ['first', 'both', 'lost', calls[0]!.id].every((id) => forRow(id).length > 0) || undefined, 5_000, 'the pushes of the changed rows');
    expect(forRow('first')).toEqual(['sent']);
    expect(forRow('both')).toEqual(['delivered']);
    expect(forRow('done')).toEqual([]);
    expect(forRow('lost')).toEqual(['failed']);
    expect(forRow(calls[0]!.id)).toEqual(['queued']);
  });

  it('a report by the provider\'s id alone still finds its row', async () => {
    await outbox.takeReport({ providerId: 'SM-first' }, 'delivered');
    expect((await rowOf('first'))?.status).toBe('delivered');
  });

  it('our own sends that the provider took are written together, and never move back a row the provider reported on first', async () => {
    const stored = async (id: string) => (await rowOf(id))!;
    await Promise.all([
      outbox.setStatus(await stored('taken'), 'sent', { providerId: 'SM-new-1', attempts: 1, lastError: null }),
      outbox.setStatus(await stored('taken_too'), 'sent', { providerId: 'SM-new-2', attempts: 2, lastError: null }),
      outbox.setStatus(await stored('reported_first'), 'sent', { providerId: 'SM-new-3', attempts: 1, lastError: null }),
    ]);
    expect(await rowOf('taken')).toMatchObject({ status: 'sent', providerId: 'SM-new-1', attempts: 1, lastError: null, updatedAt: later });
    expect(await rowOf('taken_too')).toMatchObject({ status: 'sent', providerId: 'SM-new-2', attempts: 2, lastError: null });
    expect(await rowOf('reported_first')).toMatchObject({ status: 'delivered', providerId: 'SM-new-3' });
    await waitFor(() => ['taken', 'taken_too'].every((id) => pushed.some((p) => p.id === id)) || undefined, 5_000, 'the pushes of the sent rows');
    expect(pushed.filter((p) => p.id === 'taken_too').map((p) => p.status)).toEqual(['sent']);
    expect(pushed.filter((p) => p.id === 'reported_first')).toEqual([]);
  });
});
