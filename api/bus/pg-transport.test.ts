import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import pino from 'pino';
import { openDatabase, type Database } from '../store/index.ts';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { waitFor } from '../../test/support/wait.ts';
import { BUS_CHANNEL, PgBusTransport } from './pg-transport.ts';
import type { Envelope } from './events.ts';

const logger = pino({ level: 'silent' });

describe('the bus between processes on real PostgreSQL (LISTEN/NOTIFY with a catch-up read)', () => {
  let created: { url: string; drop(): Promise<void> };
  let database: Database;
  let admin: pg.Client;
  const transports: PgBusTransport[] = [];

  beforeAll(async () => {
    created = await createTestDatabase();
    database = await openDatabase({ url: created.url, dataDir: '' });
    await database.migrate();
    admin = new pg.Client({ connectionString: created.url });
    await admin.connect();
  }, 60_000);
  afterAll(async () => {
    for (const t of transports) await t.stop();
    await admin?.end();
    await database?.close();
    await created?.drop();
  });

  async function transport(name: string, origin?: string, mayWaitMs?: number) {
    const got: Envelope[] = [];
    const malformed: string[] = [];
    const t = new PgBusTransport({
      url: created.url, logger, origin, applicationName: `bus-test ${name}`, counters: { malformed: (r) => malformed.push(r), unknown: () => undefined }, mayWaitMs,
    });
    transports.push(t);
    await t.start((e) => got.push(e), () => undefined);
    return { t, got, malformed };
  }

  it('an event reaches every listener once, in order, with its sequence; a big one by its row', async () => {
    const a = await transport('a');
    const b = await transport('b');
    for (let i = 0; i < 20; i++) a.t.publish('drill.changed', 1, 'proc-a', { drillId: `d${i}`, siteId: null });
    const big = { drillId: 'x'.repeat(9_000), siteId: null };
    a.t.publish('drill.changed', 1, 'proc-a', big);
    await waitFor(() => b.got.length === 21 || undefined, 10_000, 'b to hear 21 events');
    expect(b.got.slice(0, 20).map((e) => (e.d as { drillId: string }).drillId)).toEqual(Array.from({ length: 20 }, (_, i) => `d${i}`));
    expect(b.got[20]!.d).toEqual(big);
    const seqs = b.got.map((e) => e.s);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    // The sender's own listener hears them too (the bus above it skips its own origin).
    await waitFor(() => a.got.length === 21 || undefined, 10_000, 'a to hear its own');
  });

  it('a transport told its origin hands on the others\' events only, and its own still count as seen', async () => {
    const own = await transport('own', 'proc-own');
    const other = await transport('other', 'proc-other');
    for (let i = 0; i < 5; i++) own.t.publish('drill.changed', 1, 'proc-own', { drillId: `own${i}`, siteId: null });
    await waitFor(() => other.got.filter((e) => e.o === 'proc-own').length === 5 || undefined, 10_000, 'the other to hear 5');
    other.t.publish('drill.changed', 1, 'proc-other', { drillId: 'theirs', siteId: null });
    await waitFor(() => own.got.length === 1 || undefined, 10_000, 'the own transport to hear the other\'s');
    expect(own.got.map((e) => [e.o, (e.d as { drillId: string }).drillId])).toEqual([['proc-other', 'theirs']]);
    expect(own.malformed).toEqual([]);
    // Seen: a catch-up after a lost connection does not replay them either.
    const { rows } = await admin.query<{ pid: number }>(`select pid from pg_stat_activity where application_name = 'bus-test own'`);
    await admin.query('select pg_terminate_backend($1)', [rows[0]!.pid]);
    await waitFor(() => own.t.state !== 'ok' || undefined, 5_000, 'the drop noticed');
    // Sent while it has no LISTEN connection: the catch-up reads both from the table.
    own.t.publish('drill.changed', 1, 'proc-own', { drillId: 'after', siteId: null });
    other.t.publish('drill.changed', 1, 'proc-other', { drillId: 'theirs again', siteId: null });
    await waitFor(() => own.t.state === 'ok' || undefined, 10_000, 'the own transport back');
    await waitFor(() => own.got.length === 2 || undefined, 10_000, 'the other\'s second');
    expect(own.got.map((e) => e.o)).toEqual(['proc-other', 'proc-other']);
  });

  it('the events of one turn of the event loop are written in one statement (one transaction), in order', async () => {
    const a = await transport('one-turn');
    for (let i = 0; i < 30; i++) a.t.publish('drill.changed', 1, 'proc-turn', { drillId: `turn${i}`, siteId: null });
    await waitFor(() => a.got.filter((e) => e.o === 'proc-turn').length === 30 || undefined, 10_000, 'the 30 events back');
    const { rows } = await admin.query<{ writes: number; ids: string[] }>(
      `select count(distinct xmin::text)::int as writes, array_agg(data->>'drillId' order by seq) as ids from bus_events where origin = 'proc-turn'`,
    );
    expect(rows[0]).toEqual({ writes: 1, ids: Array.from({ length: 30 }, (_, i) => `turn${i}`) });
  });

  it("a notification's status waits for company: the next other event takes it along, in order; alone it goes when its wait is up", async () => {
    const notice = (id: string) => ({ notification: { id, incidentId: 'inc-wait' }, siteId: null });
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    // A wait longer than the test: only the other event can have sent them.
    const waiting = await transport('may-wait', undefined, 600_000);
    for (const id of ['n1', 'n2', 'n3']) {
      waiting.t.publish('notification.changed', 1, 'proc-wait', notice(id));
      await nextTurn();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const written = async (origin: string) => (await admin.query<{ writes: number; n: number; kinds: string[] }>(
      `select count(distinct xmin::text)::int as writes, count(*)::int as n,
              array_agg(coalesce(data->'notification'->>'id', data->>'drillId') order by seq) as kinds from bus_events where origin = $1`, [origin],
    )).rows[0]!;
    expect((await written('proc-wait')).n).toBe(0);
    waiting.t.publish('drill.changed', 1, 'proc-wait', { drillId: 'urgent', siteId: null });
    await waitFor(() => waiting.got.filter((e) => e.o === 'proc-wait').length === 4 || undefined, 10_000, 'the four events back');
    expect(await written('proc-wait')).toEqual({ writes: 1, n: 4, kinds: ['n1', 'n2', 'n3', 'urgent'] });
    // With a short wait and no other event, they go by themselves.
    const alone = await transport('may-wait-alone', undefined, 50);
    alone.t.publish('notification.changed', 1, 'proc-alone', notice('a1'));
    alone.t.publish('notification.changed', 1, 'proc-alone', notice('a2'));
    await waitFor(() => alone.got.filter((e) => e.o === 'proc-alone').length === 2 || undefined, 10_000, 'the two events back');
    expect(await written('proc-alone')).toEqual({ writes: 1, n: 2, kinds: ['a1', 'a2'] });
  });

  it('a malformed notification is counted and dropped; good ones after it still arrive', async () => {
    const a = await transport('a2');
    const b = await transport('b2');
    await admin.query('select pg_notify($1, $2)', [BUS_CHANNEL, 'not json']);
    await admin.query('select pg_notify($1, $2)', [BUS_CHANNEL, JSON.stringify({ s: 'one', t: 'x' })]);
    a.t.publish('directory.changed', 1, 'proc-a', { reason: 'after garbage' });
    await waitFor(() => b.got.some((e) => (e.d as { reason?: string }).reason === 'after garbage') || undefined, 10_000, 'the good event');
    expect(b.malformed).toEqual(['json', 'envelope']);
  });

  it('after pg_terminate_backend of its LISTEN connection a listener reads what it missed before it reports ok', async () => {
    const a = await transport('a3');
    const b = await transport('b3');
    const before = b.got.length;
    await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'bus-test b3'`);
    await waitFor(() => b.t.state !== 'ok' || undefined, 5_000, 'b to notice the drop');
    // Sent while b has no LISTEN connection: only the table has them.
    for (let i = 0; i < 5; i++) a.t.publish('drill.changed', 1, 'proc-a', { drillId: `gap${i}`, siteId: null });
    await waitFor(() => b.t.state === 'ok' || undefined, 10_000, 'b to reconnect and catch up');
    await waitFor(() => b.got.length - before === 5 || undefined, 10_000, 'the five events');
    expect(b.got.slice(before).map((e) => (e.d as { drillId: string }).drillId)).toEqual(['gap0', 'gap1', 'gap2', 'gap3', 'gap4']);
  });

  it('a listener cut again while it catches up catches up again before it reports ok', async () => {
    const a = await transport('a4');
    const b = await transport('b4');
    const cut = () => admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'bus-test b4'`);
    // The lock holds the catch-up read, so the second cut certainly falls inside the catch-up.
    const locker = new pg.Client({ connectionString: created.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table bus_events in access exclusive mode');
    await cut();
    await waitFor(() => b.t.state === 'catching_up' || undefined, 10_000, 'b to reconnect and start its catch-up');
    await cut();
    await waitFor(() => b.t.state === 'down' || undefined, 5_000, 'b to notice the second cut');
    await locker.query('commit');
    await locker.end();
    await waitFor(() => b.t.state === 'ok' || undefined, 10_000, 'b to report ok');
    // Ok means listening again: what is sent now arrives.
    const before = b.got.length;
    for (let i = 0; i < 5; i++) a.t.publish('drill.changed', 1, 'proc-a', { drillId: `after${i}`, siteId: null });
    await waitFor(() => b.got.length - before === 5 || undefined, 10_000, 'the five events sent after b reported ok');
  });
});
