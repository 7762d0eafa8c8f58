import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newIncidentState } from '../domain/index.ts';
import { openDatabase, type Database } from './database.ts';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import type { IncidentRecord } from './incident-records.ts';
import { IncidentStore } from './incident-store.ts';

let n = 0;
const record = (openedAt: Date, over: Partial<IncidentRecord> = {}): IncidentRecord => ({
  ...newIncidentState({ mode: over.mode ?? 'live', violence: false, openedAt }),
  id: `inc_ref_${++n}`, siteId: 'site-a', counterId: 'passport-3', bellId: null, openingSeq: null, source: 'console', raisedBy: 'guard-a',
  escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false, ...over,
});
const press = (bellId: string, seq: number, at: Date) => ({ bellId, seq, type: 'press', receivedAt: at, bellAt: null, battery: null, transport: 'mqtt' });

describe.each(['pglite', 'postgres'] as const)('incident references on %s', (kind) => {
  let database: Database;
  let opened: StoreDatabase | undefined;
  let store: IncidentStore;
  let url: string | undefined;
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    ({ database, url } = opened);
    store = new IncidentStore(database.db, database.inEngine);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('numbers a site\'s incidents per year of its own clock: 23:30 on New Year\'s Eve in Seoul is still the old year', async () => {
    const eve = record(new Date('2030-12-31T14:30:00Z')); // 23:30 KST
    await store.insertIncident(eve, []);
    expect(eve.reference).toBe('2030-0001');
    const newYear = record(new Date('2030-12-31T15:30:00Z')); // 00:30 KST, 1 January 2031 (still 2030 in UTC)
    await store.insertIncident(newYear, []);
    expect(newYear.reference).toBe('2031-0001');
    const next = record(new Date('2030-12-31T14:40:00Z'));
    await store.insertIncident(next, []);
    expect(next.reference).toBe('2030-0002');
    expect((await store.get(next.id))!.reference).toBe('2030-0002');
  });

  it('a bell press and a drill take their numbers in the write; drills count apart with a D', async () => {
    const t = new Date('2032-03-04T01:00:00Z');
    const bell = record(t, { bellId: 'B-0301', openingSeq: 1, source: 'bell', raisedBy: null });
    const stored = await store.writeBellEvents([{ event: press('B-0301', 1, t), incident: { kind: 'insert', record: bell }, entries: [] }]);
    expect(stored.results[0]).toMatchObject({ outcome: 'stored', incidentId: bell.id, reference: '2032-0001' });
    const drill = record(t, { mode: 'drill' });
    await store.insertIncident(drill, []);
    expect(drill.reference).toBe('2032-D0001');
    expect((await store.get(bell.id))!.reference).toBe('2032-0001');
  });

  it('is found by what a person reads out: the whole reference or its number', async () => {
    const found = await store.list({ reference: '2030-0002' });
    expect(found.map((i) => i.reference)).toEqual(['2030-0002']);
    expect((await store.list({ reference: '0001' })).map((i) => i.reference).sort()).toEqual(['2030-0001', '2031-0001', '2032-0001', '2032-D0001']);
    expect((await store.list({ reference: 'd0001' })).map((i) => i.reference)).toEqual(['2032-D0001']);
  });

  it.runIf(kind === 'postgres')('two processes storing at once never give the same number', async () => {
    // A second connection pool is a second process as far as the database can tell.
    const other = await openDatabase({ url, dataDir: 'memory://' });
    try {
      const second = new IncidentStore(other.db);
      const at = new Date('2033-05-05T05:05:00Z');
      const records = Array.from({ length: 40 }, () => record(at));
      await Promise.all(records.map((r, i) => (i % 2 ? second : store).insertIncident(r, [])));
      const refs = records.map((r) => r.reference).sort();
      expect(refs).toEqual(Array.from({ length: 40 }, (_, i) => `2033-${String(i + 1).padStart(4, '0')}`));
    } finally {
      await other.close();
    }
  });
});
