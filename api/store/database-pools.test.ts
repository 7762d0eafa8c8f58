import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { rowsOf } from './rows-of.ts';
import { ALARM_POOL, MAIN_POOL, openDatabase, type Database, type Db } from './database.ts';

/** What the server says a pool's sessions run with: a frozen process's transaction cannot hold its locks for ever. */
describe('the PostgreSQL pools', () => {
  let database: Database;
  let drop: () => Promise<void>;
  let url: string;
  beforeAll(async () => {
    const pg = await createTestDatabase();
    drop = pg.drop;
    url = pg.url;
    database = await openDatabase({ url: pg.url, dataDir: 'memory://' });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  const settings = async (db: Db) =>
    rowsOf<{ app: string; idle: string; jit: string }>(
      await db.execute(sql`select current_setting('application_name') as app, current_setting('idle_in_transaction_session_timeout') as idle, current_setting('jit') as jit`),
    )[0];

  it('the main pool ends a session idle in a transaction after its bound, without JIT', async () => {
    expect(await settings(database.db)).toEqual({ app: MAIN_POOL.applicationName, idle: `${MAIN_POOL.idleInTransactionMs / 1000}s`, jit: 'off' });
  });

  it('warmed at start, each pool holds its kept connections open before any press needs one', async () => {
    await database.warm!();
    const open = rowsOf<{ app: string; n: number }>(await database.db.execute(sql`
      select application_name as app, count(*)::int as n from pg_stat_activity where datname = current_database() group by 1 order by 1`));
    // The main pool's count includes the session asking.
    expect(open).toEqual([{ app: MAIN_POOL.applicationName, n: MAIN_POOL.min }, { app: ALARM_POOL.applicationName, n: ALARM_POOL.min }]);
  });

  it('the main pool opens no more connections than DATABASE_POOL_MAX asks, however many queries wait', async () => {
    const small = await openDatabase({ url, dataDir: 'memory://', poolMax: 5 });
    try {
      const asking = Array.from({ length: 12 }, () => small.db.execute(sql`select pg_sleep(0.05), count(*)::int as n from pg_stat_activity
        where datname = current_database() and application_name = ${MAIN_POOL.applicationName}`));
      const counts = (await Promise.all(asking)).map((r) => rowsOf<{ n: number }>(r)[0]!.n);
      // The file's first pool, on the same database and under the same name, holds its four kept connections besides.
      expect(Math.max(...counts) - MAIN_POOL.min).toBeLessThanOrEqual(5);
      expect(Math.max(...counts) - MAIN_POOL.min).toBeGreaterThanOrEqual(4);
    } finally {
      await small.close();
    }
  });

  it('the alarm pool has the tighter bound', async () => {
    expect(await settings(database.alarmDb!)).toEqual({ app: ALARM_POOL.applicationName, idle: `${ALARM_POOL.idleInTransactionMs / 1000}s`, jit: 'off' });
  });
});
