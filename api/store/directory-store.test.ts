import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { testProvisioning, testHasher } from '../../test/support/fixtures.ts';
import { applyProvisioning } from '../provisioning/apply.ts';
import { openDatabase, type Database } from './database.ts';
import { DirectoryStore } from './directory-store.ts';

describe('a trouble change is claimed for a maintenance alert by one process only (two PostgreSQL connections pools)', () => {
  let one: Database;
  let two: Database;
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const pg = await createTestDatabase();
    drop = pg.drop;
    one = await openDatabase({ url: pg.url, dataDir: 'memory://' });
    two = await openDatabase({ url: pg.url, dataDir: 'memory://' });
    await one.migrate();
    await applyProvisioning(one.db, testProvisioning(), { hasher: testHasher });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await drop?.();
  });

  it('two processes seeing the same change: one gets the diff, the other nothing; then the recovery likewise', async () => {
    const a = new DirectoryStore(one.db);
    const b = new DirectoryStore(two.db);
    const first = await Promise.all([a.claimTroubleNotice('B-0301', ['offline', 'low_battery']), b.claimTroubleNotice('B-0301', ['offline', 'low_battery'])]);
    expect(first.filter((d) => d !== null)).toEqual([{ raised: ['offline', 'low_battery'], cleared: [] }]);
    const again = await a.claimTroubleNotice('B-0301', ['offline', 'low_battery']);
    expect(again).toBeNull();
    const back = await Promise.all([b.claimTroubleNotice('B-0301', ['low_battery']), a.claimTroubleNotice('B-0301', ['low_battery'])]);
    expect(back.filter((d) => d !== null)).toEqual([{ raised: [], cleared: ['offline'] }]);
    expect(await a.claimTroubleNotice('NO-SUCH-BELL', ['offline'])).toBeNull();
  });
});
