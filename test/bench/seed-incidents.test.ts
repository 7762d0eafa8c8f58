import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { rowsOf } from '../../api/store/rows-of.ts';
import { StatisticsStore } from '../../api/areas/statistics/store.ts';
import { openStoreDatabase, type StoreDatabase } from '../support/store-database.ts';
import { testHasher } from '../support/fixtures.ts';
import { seedIncidents, seedProvisioning } from './seed-incidents.ts';

describe('the back-office seed', () => {
  let s: StoreDatabase;
  const now = new Date('2026-03-02T09:00:00.000Z');
  beforeAll(async () => {
    s = await openStoreDatabase('pglite');
    await applyProvisioning(s.database.db, seedProvisioning(3, 4, 'seed-password-1'), { hasher: testHasher });
  }, 120_000);
  afterAll(() => s?.close());

  it('writes incidents with timelines, references and classifications that statistics read', async () => {
    const r = await seedIncidents(s.database.db, { count: 1_200, sites: 3, counters: 4, now, open: 5 });
    expect(r.incidents).toBe(1_200);
    const rows = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await s.database.db.execute(q));
    const [counts] = await rows<{ n: number; open: number; refs: number; sites: number; latest: string }>(sql`
      select count(*)::int as n, count(*) filter (where status <> 'closed')::int as open, count(distinct (site_id, reference))::int as refs,
        count(distinct site_id)::int as sites, max(opened_at)::text as latest from incidents where id like 'inc_seed_%'`);
    expect(counts).toMatchObject({ n: 1_200, open: 5, refs: 1_200, sites: 3 });
    expect(Date.parse(counts!.latest)).toBeLessThan(now.getTime());
    const [tl] = await rows<{ n: number; firsts: number }>(sql`
      select count(*)::int as n, count(*) filter (where kind = 'triggered')::int as firsts from timeline where incident_id like 'inc_seed_%'`);
    expect(tl!.n).toBe(r.timeline);
    expect(tl!.firsts).toBe(1_200);
    // What statistics read: every incident, each acknowledged after its press.
    const stat = await new StatisticsStore(s.database.db).statIncidents({ mode: 'all' });
    const seeded = stat.filter((i) => i.id.startsWith('inc_seed_'));
    expect(seeded).toHaveLength(1_200);
    expect(seeded.every((i) => i.acknowledged !== null && i.acknowledged > i.openedAt)).toBe(true);
    expect(seeded.filter((i) => i.status === 'closed').every((i) => i.classification.length > 0)).toBe(true);
  }, 120_000);
});
