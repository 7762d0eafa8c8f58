import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { applyProvisioning } from '../../provisioning/apply.ts';
import { openStoreDatabase, type StoreDatabase } from '../../../test/support/store-database.ts';
import { testHasher } from '../../../test/support/fixtures.ts';
import { seedIncidents, seedProvisioning } from '../../../test/bench/seed-incidents.ts';
import { computeStatistics, firstTimesOf, incidentLines, statisticsFromSummary, type PlaceNames, type StatTimes } from './compute.ts';
import { StatisticsStore, type StatFilter } from './store.ts';

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

describe.each(['pglite', 'postgres'] as const)('statistics counted by the database (%s) are those counted from every incident', (kind) => {
  let s: StoreDatabase;
  let store: StatisticsStore;
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
    const expected = await counted(store, f);
    const summary = statisticsFromSummary(await store.summary(f), names);
    expect(summary).toEqual(expected);
    if (f.siteIds?.length !== 0) expect(summary.total).toBeGreaterThan(0);
  }, 60_000);
});
