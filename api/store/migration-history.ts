import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { StartError } from '../start-error.ts';
import type { Db } from './database.ts';
import { rowsOf } from './rows-of.ts';

/**
 * Refuses a database whose migrations began with a history this code no longer has. The first wave's fourteen
 * (later twenty) migrations were squashed into one baseline on 2026-12-02; drizzle's migrator would otherwise try the
 * baseline on top of the old tables and stop at the first "already exists", which says nothing useful.
 */
export async function assertKnownHistory(db: Db, migrationsFolder: string): Promise<void> {
  const exists = rowsOf<{ found: string | null }>(await db.execute(sql`select to_regclass('drizzle.__drizzle_migrations')::text as found`));
  if (!exists[0]?.found) return;
  const first = rowsOf<{ hash: string }>(await db.execute(sql`select hash from drizzle.__drizzle_migrations order by created_at, id limit 1`));
  if (!first[0]) return;
  const known = new Set(readMigrationFiles({ migrationsFolder }).map((m) => m.hash));
  if (known.has(first[0].hash)) return;
  throw new StartError(
    'This database was made by an early Guardbell whose migrations were squashed into one baseline (December 2026). ' +
      'Keep it (a copy of DATA_DIR, or pg_dump) and start on an empty one: an empty DATA_DIR, or a new PostgreSQL database.',
  );
}
