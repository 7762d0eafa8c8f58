import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { DEFAULT_RETENTION, startRetentionTimer } from '../retention/index.ts';
import { vacuumEmbedded } from './embedded-vacuum.ts';
import { rowsOf } from './rows-of.ts';

describe('the embedded database vacuumed after the retention job', () => {
  let s: StoreDatabase;
  beforeAll(async () => {
    s = await openStoreDatabase('pglite');
  }, 60_000);
  afterAll(() => s?.close());

  // What VACUUM writes into the catalogue itself (the cumulative statistics of a standalone backend lag behind):
  // pages it found all visible, which index-only scans and the next pass skip.
  const visiblePages = async (table: string) =>
    rowsOf<{ pages: number; visible: number }>(await s.database.db.execute(sql`select relpages as pages, relallvisible as visible from pg_class where relname = ${table}`))[0]!;

  it('has no autovacuum of its own, and a pass leaves every page of a churned table clean', async () => {
    const db = s.database.db;
    expect(rowsOf<{ backend_type: string }>(await db.execute(sql`select backend_type from pg_stat_activity`)).map((r) => r.backend_type)).not.toContain('autovacuum launcher');
    await db.execute(sql`create table churn (id int primary key, n int)`);
    await db.execute(sql`insert into churn select g, 0 from generate_series(1, 2000) g`);
    for (let k = 0; k < 3; k++) await db.execute(sql`update churn set n = n + 1`);
    expect((await visiblePages('churn')).visible).toBe(0);
    const { ms } = await vacuumEmbedded(db);
    expect(ms).toBeGreaterThanOrEqual(0);
    const after = await visiblePages('churn');
    expect(after.pages).toBeGreaterThan(0);
    expect(after.visible).toBe(after.pages);
  });

  it('runs after each retention pass, also one that failed, and says so in the log', async () => {
    const lines: string[] = [];
    const logger = { info: (_o: object, m?: string) => void lines.push(`info ${m}`), error: (_o: object, m?: string) => void lines.push(`error ${m}`) } as never;
    let ran!: () => void;
    const afterRan = new Promise<void>((resolve) => (ran = resolve));
    // A database that refuses the retention job: its transaction fails at once.
    const broken = { transaction: () => Promise.reject(new Error('database away')) } as never;
    const timer = startRetentionTimer({
      db: broken, policy: DEFAULT_RETENTION, logger, firstAfterMs: 0, everyMs: 86_400_000,
      after: { name: 'embedded database vacuum', run: async () => ran() },
    });
    await afterRan;
    timer.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines).toEqual(['error retention job failed; it runs again at the next period', 'info embedded database vacuum done']);
  });
});
