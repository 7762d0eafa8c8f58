import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { testProvisioning, testHasher } from '../../test/support/fixtures.ts';
import { applyProvisioning } from '../provisioning/apply.ts';
import { openDatabase, type Database } from './database.ts';
import { DirectoryStore } from './directory-store.ts';

const claim = async (store: DirectoryStore, bellId: string, trouble: string[]) => (await store.claimTroubleNotices([{ bellId, trouble }])).get(bellId) ?? null;

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
    const first = await Promise.all([claim(a, 'B-0301', ['offline', 'low_battery']), claim(b, 'B-0301', ['offline', 'low_battery'])]);
    expect(first.filter((d) => d !== null)).toEqual([{ raised: ['offline', 'low_battery'], cleared: [] }]);
    const again = await claim(a, 'B-0301', ['offline', 'low_battery']);
    expect(again).toBeNull();
    const back = await Promise.all([claim(b, 'B-0301', ['low_battery']), claim(a, 'B-0301', ['low_battery'])]);
    expect(back.filter((d) => d !== null)).toEqual([{ raised: [], cleared: ['offline'] }]);
    expect(await claim(a, 'NO-SUCH-BELL', ['offline'])).toBeNull();
  });

  it('claims many bells in one go; two processes claiming overlapping sets, listed in opposite orders, share each change out once', async () => {
    const a = new DirectoryStore(one.db);
    const b = new DirectoryStore(two.db);
    const ids = ['B-0302', 'B-K1', 'B-0901'];
    for (let round = 0; round < 10; round++) {
      const trouble = round % 2 === 0 ? ['offline'] : [];
      const [fromA, fromB] = await Promise.all([
        a.claimTroubleNotices(ids.map((bellId) => ({ bellId, trouble }))),
        b.claimTroubleNotices([...ids].reverse().map((bellId) => ({ bellId, trouble }))),
      ]);
      for (const id of ids) {
        const got = [fromA.get(id), fromB.get(id)].filter((d) => d !== undefined);
        expect(got).toEqual([round % 2 === 0 ? { raised: ['offline'], cleared: [] } : { raised: [], cleared: ['offline'] }]);
      }
    }
    // A bell with nothing new is left out; the others of the batch are still claimed.
    const mixed = await a.claimTroubleNotices([{ bellId: 'B-0302', trouble: [] }, { bellId: 'B-0901', trouble: ['low_battery'] }, { bellId: 'NO-SUCH-BELL', trouble: ['offline'] }]);
    expect([...mixed]).toEqual([['B-0901', { raised: ['low_battery'], cleared: [] }]]);
    expect(await a.claimTroubleNotices([])).toEqual(new Map());
  });
});
