import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { testProvisioning, testHasher } from '../../test/support/fixtures.ts';
import { applyProvisioning } from '../provisioning/apply.ts';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { openDatabase, type Database } from './database.ts';
import { DirectoryStore, type BellRow } from './directory-store.ts';
import { countTransactionStatements } from '../../test/support/transaction-statements.ts';

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

describe.each(['pglite', 'postgres'] as const)('bell health and trouble claims, each in one statement (%s)', (kind) => {
  let store: StoreDatabase;
  beforeAll(async () => {
    store = await openStoreDatabase(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('tells what was raised and cleared, takes troubles as a set, and leaves out what is not new or not a bell', async () => {
    const directory = new DirectoryStore(store.database.db);
    const counted = countTransactionStatements(store.database.db);
    try {
      expect(Object.fromEntries(await directory.claimTroubleNotices([{ bellId: 'B-0301', trouble: ['offline', 'low_battery'] }, { bellId: 'B-0302', trouble: ['tamper'] }]))).toEqual({
        'B-0301': { raised: ['offline', 'low_battery'], cleared: [] }, 'B-0302': { raised: ['tamper'], cleared: [] },
      });
      expect(await claim(directory, 'B-0301', ['low_battery', 'offline'])).toBeNull();
      expect(await claim(directory, 'B-0301', ['low_battery', 'no_test_30d'])).toEqual({ raised: ['no_test_30d'], cleared: ['offline'] });
      expect(await claim(directory, 'NO-SUCH-BELL', ['offline'])).toBeNull();
      const [row] = await directory.bellsById(['B-0301']);
      expect(row!.notifiedTrouble).toEqual(['low_battery', 'no_test_30d']);
      // No transaction of its own: one statement each time.
      expect(counted.perTransaction).toEqual([]);
    } finally {
      counted.restore();
    }
  });

  it('stores every column of every bell as given, nulls and awkward text included; a later stored last-seen time wins', async () => {
    const directory = new DirectoryStore(store.database.db);
    // The read has no order: an updated row (a claim above) comes back after the others on PostgreSQL.
    const byId = new Map((await directory.bellsById(['B-0301', 'B-0901'])).map((b) => [b.id, b]));
    const [one, two] = [byId.get('B-0301'), byId.get('B-0901')];
    const seen = new Date('2026-11-30T08:00:00.123Z');
    const wanted = [
      { ...one!, online: true, lastSeenAt: seen, lastTestAt: new Date('2026-11-29T07:00:00Z'), battery: 15, rssi: -70, fw: 'v1 "beta", {x}\\y', trouble: ['low_battery'], tamperAt: new Date('2026-11-28T06:00:00Z'), clockSkewMs: -400_000 },
      { ...two!, online: false, lastSeenAt: null, lastTestAt: null, battery: null, rssi: null, fw: null, trouble: ['offline', 'no_test_30d'], tamperAt: null, clockSkewMs: null },
    ];
    await directory.writeBellHealth(wanted);
    const health = (rows: BellRow[]) => rows.map((r) => ({ id: r.id, online: r.online, lastSeenAt: r.lastSeenAt, lastTestAt: r.lastTestAt, battery: r.battery, rssi: r.rssi, fw: r.fw, trouble: r.trouble, tamperAt: r.tamperAt, clockSkewMs: r.clockSkewMs }));
    expect(health(await directory.bellsById(['B-0301', 'B-0901'])).sort((a, b) => a.id.localeCompare(b.id))).toEqual(health(wanted));
    // Another process that heard the bell earlier writes after: the later last-seen time stays.
    await directory.writeBellHealth([{ ...wanted[0]!, lastSeenAt: new Date(seen.getTime() - 60_000) }]);
    expect((await directory.bellsById(['B-0301']))[0]!.lastSeenAt).toEqual(seen);
    await directory.writeBellHealth([]);
  });
});
