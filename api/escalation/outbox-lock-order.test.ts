import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import pino from 'pino';
import { Counter } from 'prom-client';
import { inArray } from 'drizzle-orm';
import { openStoreDatabase, storePressIncident, type StoreDatabase } from '../../test/support/store-database.ts';
import { waitFor } from '../../test/support/wait.ts';
import { schema } from '../store/index.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { Places } from '../core/places.ts';
import { AlarmBus } from '../bus/index.ts';
import { Outbox } from './outbox.ts';
import type { NotificationRow } from '../store/index.ts';

const T0 = new Date('2030-05-01T09:00:00Z');

// Only PostgreSQL has more than one session: PGlite runs one statement at a time and cannot deadlock.
describe('updates of many notifications on PostgreSQL', () => {
  let opened: StoreDatabase;
  let other: pg.Client;
  beforeAll(async () => {
    opened = await openStoreDatabase('postgres');
    await storePressIncident(opened.database, 'inc_order', T0);
    other = new pg.Client({ connectionString: opened.url, application_name: 'lock-order-test' });
    await other.connect();
  });
  afterAll(async () => {
    await other?.end();
    await opened?.close();
  });

  const row = (id: string): NotificationRow => ({
    id, incidentId: 'inc_order', stepId: 'alert', recipientKey: `guard-${id}`, personId: null, channel: 'sms', to: '+821000000000',
    language: 'ko', isPolice: false, mode: 'live', status: 'sending', providerId: null, attempts: 0, nextAttemptAt: T0, lastError: null,
    fallbackOf: null, createdAt: T0, updatedAt: T0,
  });
  // What the outbox logs: a write kept for later says the database refused it (a deadlock counts as away).
  const logged: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push((JSON.parse(line) as { msg: string }).msg) });
  const outbox = () => new Outbox({
    db: opened.database.db, places: new Places(new DirectoryStore(opened.database.db)), bus: new AlarmBus({ logger: pino({ level: 'silent' }), origin: 'test' }),
    logger, senders: {}, people: () => [], now: () => T0, onlyProcess: false,
    sent: new Counter({ name: 'sent_lock_order', help: 'x', labelNames: ['channel', 'status'], registers: [] }),
  });
  const waitingOnALock = async () =>
    (await other.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and application_name <> 'lock-order-test'`,
    )).rows[0]!.n > 0;

  /**
   * Rows `first` and `second` stored second first (so a scan in stored order meets it first too); another session (a
   * provider's report in another process, say) holds `first`, `write` updates both listed second first, and once it
   * waits the other session updates `second`. Taken in the list's order, the write would hold `second` while it waits
   * for `first`: deadlocked, PostgreSQL fails one of the two after deadlock_timeout (1 s). In id order, `second` is free.
   */
  const crossing = async (first: NotificationRow, second: NotificationRow, write: () => Promise<unknown>) => {
    await opened.database.db.insert(schema.notifications).values([second, first]);
    await other.query('begin');
    await other.query(`select id from notifications where id = $1 for update`, [first.id]);
    const written = write();
    await waitFor(waitingOnALock, 5_000, 'the batch to wait for the held row');
    await other.query(`update notifications set last_error = 'touched' where id = $1`, [second.id]);
    await other.query('commit');
    await written;
    return opened.database.db.select().from(schema.notifications).where(inArray(schema.notifications.id, [first.id, second.id]));
  };

  it('our own outcomes, written together, take their rows in id order: a session holding one and then updating another is not deadlocked', async () => {
    const [a, b] = [row('ntf_order_a'), row('ntf_order_b')];
    const box = outbox();
    const rows = await crossing(a, b, () => Promise.all([
      box.setStatus(b, 'sent', { providerId: 'SM_b', attempts: 1, lastError: null }),
      box.setStatus(a, 'sent', { providerId: 'SM_a', attempts: 1, lastError: null }),
    ]));
    expect(rows.map((r) => [r.id, r.status, r.providerId]).sort()).toEqual([[a.id, 'sent', 'SM_a'], [b.id, 'sent', 'SM_b']]);
  });

  it('provider reports, written together, take their rows in id order too', async () => {
    const [c, d] = [row('ntf_order_c'), row('ntf_order_d')];
    const box = outbox();
    const rows = await crossing(c, d, () => Promise.all([box.takeReport({ id: d.id }, 'delivered'), box.takeReport({ id: c.id }, 'delivered')]));
    expect(rows.map((r) => [r.id, r.status]).sort()).toEqual([[c.id, 'delivered'], [d.id, 'delivered']]);
    // Written at the first try: a deadlock would have failed it and left it to be tried again.
    expect(logged).toEqual([]);
    box.stop();
  });
});
