/**
 * PGlite runs PostgreSQL as one standalone backend: no autovacuum launcher ever starts there. Without it nothing
 * clears dead rows out of the indexes (every status change, outbox send and statistics trigger leaves some), gives
 * the planner fresh statistics, or freezes old transaction ids before PostgreSQL's wraparound guard stops writes.
 * So the embedded database is vacuumed once a day, after the retention job (which deletes the most). On PostgreSQL
 * the server's autovacuum does this.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './database.ts';

export async function vacuumEmbedded(db: Db): Promise<{ ms: number }> {
  const started = performance.now();
  // Database-wide and without FULL: only pages changed since the last pass are read, and nothing is locked against
  // the alarm path's writes beyond the engine's one session being busy for the pass.
  await db.execute(sql`vacuum (analyze)`);
  return { ms: Math.round(performance.now() - started) };
}
