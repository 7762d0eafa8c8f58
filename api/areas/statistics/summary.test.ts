import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { applyProvisioning } from '../../provisioning/apply.ts';
import { openStoreDatabase, type StoreDatabase } from '../../../test/support/store-database.ts';
import { testHasher } from '../../../test/support/fixtures.ts';
import { seedIncidents, seedProvisioning } from '../../../test/bench/seed-incidents.ts';
import { computeStatistics, firstTimesOf, incidentLines, statisticsFromSummary, type PlaceNames, type StatTimes } from './compute.ts';
import { StatisticsStore, type StatFilter } from './store.ts';
import { FactsCopy } from './facts-copy.ts';

// Three time zones, so a month is each site's own (an evening in New York is the next day in Seoul).
const ZONES: Record<string, string> = { 'S-001': 'Asia/Seoul', 'S-002': 'America/New_York', 'S-003': 'UTC', 'site-a': 'Asia/Seoul', 'site-b': 'Asia/Seoul' };
const names: PlaceNames = { site: (id) => `Office ${id}`, counter: (siteId, id) => `${siteId} counter ${id}` };

/** The statistics as the export computes them: every incident read and counted in JavaScript. */
async function counted(store: StatisticsStore, f: StatFilter) {
  const rows = await store.statIncidents(f);
  const times = new Map<string, StatTimes>(rows.map((r) => [r.id, firstTimesOf(r)]));
  return computeStatistics(incidentLines(rows.map((r) => ({
    id: r.id, mode: r.mode, status: r.status, source: r.source, siteId: r.siteId, siteName: names.site(r.siteId), counterId: r.counterId,
    counterName: names.counter(r.siteId, r.counterId), timezone: ZONES[r.siteId] ?? 'UTC', openedAt: r.openedAt, classification: r.classification,
  })), times));
}

describe.each(['pglite', 'postgres'] as const)('statistics counted from the figures held in memory (%s) are those counted from every incident', (kind) => {
  let s: StoreDatabase;
  let store: StatisticsStore;
  let copy: FactsCopy;
  /** The copy's statistics and the export's, as they are now. */
  async function both(f: StatFilter) {
    const held = await copy.current();
    return { held: statisticsFromSummary(held.summary(f), names), counted: await counted(store, f) };
  }
  const now = new Date('2026-03-02T09:00:00.000Z');
  beforeAll(async () => {
    s = await openStoreDatabase(kind);
    await applyProvisioning(s.database.db, seedProvisioning(3, 4, 'seed-password-1'), { hasher: testHasher });
    await seedIncidents(s.database.db, { count: 1_500, sites: 3, counters: 4, now, open: 7 });
    // Sites moved to other zones after their incidents were stored: the months follow them.
    await s.database.db.execute(sql`update sites set timezone = case id when 'S-002' then 'America/New_York' when 'S-003' then 'UTC' else timezone end`);
    // What the seed does not make: no classification, a false alarm alone and with a kind, a kind twice, a drill,
    // a step timed before its press, half-second durations (the rounding to a tenth).
    const db = s.database.db;
    await db.execute(sql`
      update incidents set classification = case
        when id like '%0001' then '[]'::jsonb when id like '%0002' then '["false_alarm"]'::jsonb
        when id like '%0003' then '["false_alarm","threat"]'::jsonb when id like '%0004' then '["threat","threat"]'::jsonb
        else classification end,
        mode = case when id like '%5' then 'drill' else mode end
      where id like 'inc_seed_%'`);
    await db.execute(sql`
      insert into timeline (incident_id, at, kind, actor_id, data)
      select id, opened_at - interval '3 seconds', 'on_scene', null, '{}'::jsonb from incidents where id like 'inc_seed_%17'
      union all select id, opened_at + interval '1.15 seconds', 'police_handover', null, '{}'::jsonb from incidents where id like 'inc_seed_%3'
      union all select id, opened_at + interval '2.25 seconds', 'victim_separated', null, '{}'::jsonb from incidents where id like 'inc_seed_%9'`);
    store = new StatisticsStore(db);
    copy = new FactsCopy(store);
  }, 180_000);
  afterAll(() => s?.close());

  const day = (iso: string) => new Date(iso);
  it.each<[string, StatFilter]>([
    ['everything', { mode: 'all' }],
    ['live only', { mode: 'live' }],
    ['drills only', { mode: 'drill' }],
    ['one year', { mode: 'live', from: day('2025-03-01T15:00:00Z'), to: day('2026-03-02T15:00:00Z') }],
    ['two sites, one month', { mode: 'all', siteIds: ['S-002', 'S-003'], from: day('2025-12-01T00:00:00Z'), to: day('2026-01-01T00:00:00Z') }],
    ['no site in scope', { mode: 'all', siteIds: [] }],
  ])('%s', async (_name, f) => {
    const { held, counted: expected } = await both(f);
    expect(held).toEqual(expected);
    if (f.siteIds?.length !== 0) expect(held.total).toBeGreaterThan(0);
  }, 60_000);

  it('follows what is written after it was read: a new incident, a reclassification, a response step, a site moved to another zone', async () => {
    await copy.current();
    const db = s.database.db;
    await db.execute(sql`
      insert into incidents (id, mode, status, severity, violence, site_id, counter_id, source, opened_at, classification)
      values ('inc_fresh_1', 'live', 'open', 'high', false, 'S-001', 'C-01', 'bell', '2026-03-01T23:30:00Z', '["stalking"]')`);
    await db.execute(sql`update incidents set classification = '["assault"]'::jsonb where id = (select min(id) from incidents where id like 'inc_seed_%')`);
    await db.execute(sql`insert into timeline (incident_id, at, kind, actor_id, data) values ('inc_fresh_1', '2026-03-01T23:30:42.25Z', 'acknowledged', null, '{}'::jsonb)`);
    await db.execute(sql`update sites set timezone = 'Europe/London' where id = 'S-001'`);
    ZONES['S-001'] = 'Europe/London';
    try {
      for (const f of [{ mode: 'all' }, { mode: 'live', from: day('2026-03-01T00:00:00Z'), to: day('2026-03-03T00:00:00Z') }] satisfies StatFilter[]) {
        const { held, counted: expected } = await both(f);
        expect(held).toEqual(expected);
      }
      const { held } = await both({ mode: 'live', siteIds: ['S-001'], from: day('2026-03-01T00:00:00Z') });
      expect(held.byKind.find((k) => k.key === 'stalking')?.count).toBe(1);
      expect(held.responseTimes.acknowledged.count).toBeGreaterThan(0);
    } finally {
      await db.execute(sql`update sites set timezone = 'Asia/Seoul' where id = 'S-001'`);
      ZONES['S-001'] = 'Asia/Seoul';
    }
  }, 60_000);

  it('reads everything again after incidents were deleted (a delete leaves no row to read)', async () => {
    const db = s.database.db;
    await db.execute(sql`
      insert into incidents (id, mode, status, severity, violence, site_id, counter_id, source, opened_at, classification)
      values ('inc_gone_1', 'live', 'closed', 'high', false, 'S-002', 'C-02', 'bell', '2026-02-11T10:00:00Z', '["threat"]')`);
    const before = await both({ mode: 'all' });
    expect(before.held).toEqual(before.counted);
    await db.execute(sql`delete from incidents where id = 'inc_gone_1'`);
    const after = await both({ mode: 'all' });
    expect(after.held).toEqual(after.counted);
    expect(after.held.total).toBe(before.held.total - 1);
  }, 60_000);

  it.runIf(kind === 'postgres')('sees a transaction that was open during a read and committed after it, behind later ones', async () => {
    const slow = new pg.Client({ connectionString: s.url });
    await slow.connect();
    try {
      await slow.query('begin');
      await slow.query(`insert into incidents (id, mode, status, severity, violence, site_id, counter_id, source, opened_at, classification)
        values ('inc_slow_1', 'live', 'open', 'high', false, 'S-003', 'C-03', 'bell', '2026-03-02T08:00:00Z', '["verbal_abuse"]')`);
      const whileOpen = await both({ mode: 'all' });
      // Transactions that began after the open one commit and are read: the copy has read past its id.
      await s.database.db.execute(sql`update incidents set status = 'closed' where id = 'inc_fresh_1'`);
      const behind = await both({ mode: 'all' });
      expect(behind.held).toEqual(behind.counted);
      await slow.query('commit');
      const after = await both({ mode: 'all' });
      expect(after.held).toEqual(after.counted);
      expect(after.held.total).toBe(whileOpen.held.total + 1);
    } finally {
      await slow.end();
    }
  }, 60_000);
});
