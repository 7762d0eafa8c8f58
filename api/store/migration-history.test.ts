import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { StartError } from '../start-error.ts';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { openDatabase, type Database } from './database.ts';

describe.each(['pglite', 'postgres'] as const)('a database made before the migrations were squashed, on %s', (kind) => {
  let database: Database | undefined;
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await database?.close();
    await drop?.();
  });

  async function open(): Promise<Database> {
    const pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    drop = pg?.drop;
    database = await openDatabase({ url: pg?.url, dataDir: 'memory://' });
    return database;
  }

  it('is refused with a sentence saying what to do, and nothing of it is changed', async () => {
    const d = await open();
    // The first wave's history: drizzle's own table naming a first migration this code does not have. (An embedded
    // throwaway database opens already migrated: its history is replaced.)
    await d.db.execute(sql`create schema if not exists drizzle`);
    await d.db.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    await d.db.execute(sql`delete from drizzle.__drizzle_migrations`);
    await d.db.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values ('7021d93343f2f16089c39906d74f6d09223bf98d16d83dfa69e18e5f09a7dfd3', 1795424919974)`);
    await d.db.execute(sql`create table if not exists incidents (id text primary key)`);
    const tables = async () => JSON.stringify(await d.db.execute(sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`));
    const before = await tables();
    const migrating = d.migrate();
    await expect(migrating).rejects.toBeInstanceOf(StartError);
    await expect(migrating).rejects.toThrow(/squashed into one baseline.*start on an empty one/);
    expect(await tables()).toBe(before);
  });

  it('migrates an empty database, and again without complaint', async () => {
    const d = await open();
    await d.migrate();
    await d.migrate();
    const triggers = await d.db.execute(sql`select count(*)::int as n from information_schema.triggers where trigger_name = 'incidents_reference'`);
    expect(JSON.stringify(triggers)).toContain('"n":1');
  });
});
