import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import pino from 'pino';
import { Counter } from 'prom-client';
import { eq, inArray } from 'drizzle-orm';
import { openStoreDatabase, storePressIncident, type StoreDatabase } from '../../test/support/store-database.ts';
import type { Database } from '../store/database.ts';
import { schema } from '../store/index.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { Places } from '../core/places.ts';
import { AlarmBus } from '../bus/index.ts';
import { Outbox, SENDING_LEASE_MS, UNCERTAIN_RETRY_MS } from './outbox.ts';
import type { MessageSender } from '../notify/types.ts';

const T0 = new Date('2030-05-01T09:00:00Z');

describe.each(['pglite', 'postgres'] as const)('rows left sending, on %s', (kind) => {
  let database: Database;
  let opened: StoreDatabase | undefined;
  let now = T0;
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    database = opened.database;
    await storePressIncident(database, 'inc_lease', T0);
  });
  afterAll(async () => {
    await opened?.close();
  });

  const row = (id: string, updatedAt: Date, providerId: string | null) => ({
    id, incidentId: 'inc_lease', stepId: `step-${id}`, recipientKey: 'guard-1', personId: null, channel: 'sms', to: '+821000000000',
    mode: 'live', status: 'sending', providerId, createdAt: updatedAt, updatedAt, nextAttemptAt: updatedAt,
  });
  const statusOf = async (id: string) =>
    (await database.db.select({ status: schema.notifications.status }).from(schema.notifications).where(eq(schema.notifications.id, id)))[0]?.status;
  const outbox = (onlyProcess: boolean, db = database.db, senders: ConstructorParameters<typeof Outbox>[0]['senders'] = {}) => new Outbox({
    db, places: new Places(new DirectoryStore(database.db)), bus: new AlarmBus({ logger: pino({ level: 'silent' }), origin: 'test' }),
    logger: pino({ level: 'silent' }), senders, people: () => [], now: () => now, onlyProcess, tidyRetryMs: 5,
    sent: new Counter({ name: `sent_${kind}_${onlyProcess}`, help: 'x', labelNames: ['channel', 'status'], registers: [] }),
  });

  it('a process starting beside a live one leaves that one\'s sends in flight alone and takes over only abandoned ones', async () => {
    now = new Date(T0.getTime() + 10 * 60_000);
    await database.db.insert(schema.notifications).values([
      row('ntf_abandoned', new Date(now.getTime() - SENDING_LEASE_MS - 1), null),
      row('ntf_in_flight', new Date(now.getTime() - 5_000), null),
      row('ntf_with_provider', new Date(now.getTime() - 10 * SENDING_LEASE_MS), 'SM123'),
    ]);
    const beside = outbox(false);
    expect(await beside.reclaimAbandoned()).toBe(1);
    expect(await statusOf('ntf_abandoned')).toBe('queued');
    expect(await statusOf('ntf_in_flight')).toBe('sending');
    // The provider took it: its callbacks say what happened; sending it again would be a duplicate.
    expect(await statusOf('ntf_with_provider')).toBe('sending');

    // Once its lease runs out, the row in flight was abandoned too (its process died).
    now = new Date(now.getTime() + SENDING_LEASE_MS);
    expect(await beside.reclaimAbandoned()).toBe(1);
    expect(await statusOf('ntf_in_flight')).toBe('queued');
  });

  it('the only process (embedded database) takes back every row left sending at start, at once', async () => {
    await database.db.insert(schema.notifications).values(row('ntf_fresh', new Date(now.getTime() - 1_000), null));
    const only = outbox(true);
    await only.start();
    only.stop();
    expect(await statusOf('ntf_fresh')).not.toBe('sending');
  });

  it('a start while the database does not answer still starts, and takes back the rows left sending once it does', async () => {
    await database.db.insert(schema.notifications).values(row('ntf_after_outage', new Date(now.getTime() - 1_000), null));
    // The first two tidying writes fail, as a pool's connection timeout does on a busy database.
    let refusals = 2;
    const busy = new Proxy(database.db, {
      get(target, key, receiver) {
        if (key === 'update' && refusals > 0) {
          refusals--;
          return () => {
            throw new Error('timeout exceeded when trying to connect');
          };
        }
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const only = outbox(true, busy);
    await only.start();
    try {
      expect(refusals).toBe(1);
      await expect.poll(() => statusOf('ntf_after_outage')).not.toBe('sending');
      expect(refusals).toBe(0);
    } finally {
      only.stop();
    }
  });

  it('the outcome of our own send, written after the provider\'s reports, keeps their status and records the provider id', async () => {
    await database.db.insert(schema.notifications).values([row('ntf_late_outcome', now, null), row('ntf_late_failed', now, null)]);
    const box = outbox(true);
    await box.takeReport({ id: 'ntf_late_outcome' }, 'delivered');
    await box.takeReport({ id: 'ntf_late_failed' }, 'failed', { lastError: 'provider error 30003' });
    const stale = { ...row('x', now, null), status: 'sending' } as Parameters<Outbox['setStatus']>[0];
    await box.setStatus({ ...stale, id: 'ntf_late_outcome' }, 'sent', { providerId: 'SM-late-1' });
    await box.setStatus({ ...stale, id: 'ntf_late_failed' }, 'sent', { providerId: 'SM-late-2' });
    const rows = await database.db.select({ id: schema.notifications.id, status: schema.notifications.status, providerId: schema.notifications.providerId })
      .from(schema.notifications).where(inArray(schema.notifications.id, ['ntf_late_outcome', 'ntf_late_failed'])).orderBy(schema.notifications.id);
    expect(rows).toEqual([
      { id: 'ntf_late_failed', status: 'failed', providerId: 'SM-late-2' },
      { id: 'ntf_late_outcome', status: 'delivered', providerId: 'SM-late-1' },
    ]);
    // A row still sending takes our `sent` as before.
    await database.db.insert(schema.notifications).values(row('ntf_in_order', now, null));
    await box.setStatus({ ...stale, id: 'ntf_in_order' }, 'sent', { providerId: 'SM-in-order' });
    expect(await statusOf('ntf_in_order')).toBe('sent');
    box.stop();
  });

  it('outboxes claiming side by side send each queued row once, oldest first, and leave a row another transaction holds', async () => {
    await database.db.update(schema.notifications).set({ status: 'cancelled' }).where(eq(schema.notifications.status, 'queued'));
    const ids = Array.from({ length: 45 }, (_, i) => `ntf_claim_${String(i).padStart(2, '0')}`);
    // Created a second apart, newest first in the insert: the claim's order is the creation time's, not the rows'.
    await database.db.insert(schema.notifications).values(ids.map((id, i) => ({
      ...row(id, new Date(now.getTime() - (ids.length - i) * 1_000), null), status: 'queued',
    })).reverse());
    const sent: string[][] = [[], []];
    const boxes = [0, 1].map((b) => outbox(false, database.db, {
      sms: { channels: ['sms'], send: async (m) => (sent[b]!.push(m.notificationId), { ok: true, providerId: `SM-${m.notificationId}`, status: 'queued' }) },
    }));
    try {
      expect(await boxes[0]!.sendBatch()).toBe(20);
      expect(sent[0]).toEqual(ids.slice(0, 20));
      // A row locked by another transaction (a process in the middle of its own claim) is left to it.
      const holder = kind === 'postgres' ? new pg.Client({ connectionString: opened!.url }) : undefined;
      await holder?.connect();
      await holder?.query('begin');
      await holder?.query(`select id from notifications where id = '${ids[20]}' for update`);
      const taken = await Promise.all(boxes.map((b) => b.sendBatch()));
      expect(taken[0]! + taken[1]!).toBe(kind === 'postgres' ? 24 : 25);
      await holder?.query('rollback');
      await holder?.end();
      while ((await Promise.all(boxes.map((b) => b.sendBatch()))).some((n) => n > 0));
      expect([...sent[0]!, ...sent[1]!].sort()).toEqual(ids);
      expect(await statusOf(ids[44]!)).toBe('sent');
    } finally {
      boxes.forEach((b) => b.stop());
    }
  });

  it('claims the next batch while the provider is still answering the last, up to 60 requests at once', async () => {
    await database.db.update(schema.notifications).set({ status: 'cancelled' }).where(inArray(schema.notifications.status, ['queued', 'sending', 'not_configured']));
    const ids = Array.from({ length: 100 }, (_, i) => `ntf_burst_${String(i).padStart(3, '0')}`);
    await database.db.insert(schema.notifications).values(ids.map((id, i) => ({ ...row(id, new Date(now.getTime() - (ids.length - i) * 1_000), null), status: 'queued' })));
    // The provider holds every request until told to answer.
    const held: { id: string; answer: () => void }[] = [];
    const slow: MessageSender = {
      channels: ['sms'],
      send: (m) => new Promise((resolve) => held.push({ id: m.notificationId, answer: () => resolve({ ok: true, providerId: `SM-${m.notificationId}`, status: 'queued' }) })),
    };
    const box = outbox(false, database.db, { sms: slow });
    await box.start();
    try {
      await expect.poll(() => held.length).toBe(60);
      expect(held.map((h) => h.id)).toEqual(ids.slice(0, 60));
      // Answers free room for the rest; every row is sent once.
      for (let answered = 0; answered < ids.length; answered++) {
        await expect.poll(() => held.length).toBeGreaterThan(answered);
        held[answered]!.answer();
      }
      expect(held.map((h) => h.id)).toEqual(ids);
      await expect.poll(() => statusOf(ids.at(-1)!)).toBe('sent');
    } finally {
      box.stop();
    }
  });

  it('a send that timed out is sent again only after the provider has had time to report, and its report stops it', async () => {
    const sends: string[] = [];
    const timingOut: MessageSender = {
      channels: ['sms'],
      send: async (m) => {
        sends.push(m.notificationId);
        return { ok: false, retryable: true, uncertain: true, error: 'network: ECONNABORTED timeout of 10000ms exceeded' };
      },
    };
    const box = outbox(false, database.db, { sms: timingOut });
    // Queues `id` as the only row ready to send (rows queued by the cases before are cancelled).
    const only = (id: string) => database.db.update(schema.notifications).set({ status: 'cancelled' }).where(eq(schema.notifications.status, 'queued')).then(() =>
      database.db.insert(schema.notifications).values({ ...row(id, now, null), status: 'queued' }));
    await only('ntf_timed_out');
    expect(await box.sendBatch()).toBe(1);
    const [after] = await database.db.select().from(schema.notifications).where(eq(schema.notifications.id, 'ntf_timed_out'));
    expect(after).toMatchObject({ status: 'queued', attempts: 1, nextAttemptAt: new Date(now.getTime() + UNCERTAIN_RETRY_MS) });
    now = new Date(now.getTime() + UNCERTAIN_RETRY_MS - 1_000);
    expect(await box.sendBatch()).toBe(0);
    // The provider had taken it after all: its report comes, and nothing sends it again.
    await box.takeReport({ id: 'ntf_timed_out' }, 'sent', { providerId: 'SM-slow-1' });
    now = new Date(now.getTime() + 60_000);
    expect(await box.sendBatch()).toBe(0);
    expect(sends).toEqual(['ntf_timed_out']);
    expect(await statusOf('ntf_timed_out')).toBe('sent');

    // A report that comes before our attempt's outcome is written keeps the row where the provider put it.
    await only('ntf_report_first');
    const early: MessageSender = {
      channels: ['sms'],
      send: async (m) => {
        await box.takeReport({ id: m.notificationId }, 'delivered', { providerId: 'SM-fast-1' });
        return { ok: false, retryable: true, uncertain: true, error: 'network: ECONNRESET socket hang up' };
      },
    };
    const box2 = outbox(false, database.db, { sms: early });
    expect(await box2.sendBatch()).toBe(1);
    expect(await statusOf('ntf_report_first')).toBe('delivered');
    box.stop();
    box2.stop();
  });
});
