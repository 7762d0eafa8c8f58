/**
 * The statistics' facts on each incident (migration 0003): its month in its site's zone and the milliseconds to the
 * first entry of each response measure, kept by triggers and filled in for incidents stored before the migration.
 * Checked against the timeline itself, on PostgreSQL and PGlite.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { MEASURE_KINDS } from '../areas/statistics/compute.ts';
import { createTestDatabase, testPool } from '../../test/support/postgres.ts';
import { migrationsFolder } from './pglite-template.ts';
import { rowsOf } from './rows-of.ts';

/** The migrations before 0003, as a folder of their own: a database as it was before this change. */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gb-migrations-'));
  cpSync(migrationsFolder, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { tag: string }[] };
  const at = journal.entries.findIndex((e) => e.tag === tag);
  expect(at).toBeGreaterThan(0);
  for (const e of journal.entries.slice(at)) rmSync(join(dir, `${e.tag}.sql`));
  writeFileSync(journalFile, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }));
  return dir;
}

interface Facts { id: string; opened_month: string | null; acknowledged_ms: string | null; on_scene_ms: string | null; separated_ms: string | null; police_handover_ms: string | null }

/** The facts as the timeline says they are: what the columns must hold. */
const FROM_TIMELINE = sql`
  select i.id, to_char(i.opened_at at time zone s.timezone, 'YYYY-MM') as opened_month,
    ${sql.join(
      (['acknowledged', 'on_scene', 'victim_separated', 'police_handover'] as const).map(
        (k) => sql`(select round(extract(epoch from (min(t.at) - i.opened_at)) * 1000)::bigint from timeline t where t.incident_id = i.id and t.kind = ${k})::text as ${sql.identifier(`${k === 'victim_separated' ? 'separated' : k}_ms`)}`,
      ),
      sql`, `,
    )}
  from incidents i join sites s on s.id = i.site_id order by i.id`;
const STORED = sql`select id, opened_month, acknowledged_ms::text, on_scene_ms::text, separated_ms::text, police_handover_ms::text from incidents order by id`;

type Exec = (q: ReturnType<typeof sql>) => Promise<unknown>;

/** Two sites in different zones; incidents with entries out of order, before the press, doubled, and none. */
async function write(exec: Exec, ids: string[]): Promise<void> {
  for (const [site, zone] of [['A', 'Asia/Seoul'], ['B', 'America/New_York']] as const) {
    await exec(sql`insert into sites (id, name, address, timezone) values (${site}, ${site}, 'x', ${zone}) on conflict do nothing`);
  }
  for (const [n, id] of ids.entries()) {
    // 23:30 UTC on the last day of a month: the next month in Seoul, the same in New York.
    const opened = new Date(Date.UTC(2026, 0, 31, 23, 30, n));
    await exec(sql`insert into incidents (id, mode, status, severity, site_id, counter_id, source, opened_at)
      values (${id}, 'live', 'open', 'high', ${n % 2 ? 'A' : 'B'}, 'c1', 'bell', ${opened})`);
    const at = (ms: number) => new Date(opened.getTime() + ms);
    await exec(sql`insert into timeline (incident_id, at, kind, data) values
      (${id}, ${at(0)}, 'triggered', '{}'), (${id}, ${at(9_250 + n)}, 'acknowledged', '{}'), (${id}, ${at(4_150)}, 'acknowledged', '{}')`);
    if (n % 3 === 0) await exec(sql`insert into timeline (incident_id, at, kind, data) values (${id}, ${at(-40)}, 'on_scene', '{}'), (${id}, ${at(60_000)}, 'on_scene', '{}')`);
    if (n % 3 === 1) await exec(sql`insert into timeline (incident_id, at, kind, data) values (${id}, ${at(1_234_567)}, 'police_handover', '{}'), (${id}, ${at(300_049)}, 'victim_separated', '{}')`);
  }
}

describe.each(['postgres', 'pglite'] as const)('statistics facts on each incident (%s)', (kind) => {
  let exec: Exec;
  let rows: (q: ReturnType<typeof sql>) => Promise<Facts[]>;
  let migrate: (folder: string) => Promise<void>;
  let close: () => Promise<void>;
  const before = migrationsBefore('0003_statistics_facts');

  beforeAll(async () => {
    if (kind === 'postgres') {
      const created = await createTestDatabase();
      const pool = testPool(created.url, 1);
      const db = drizzlePg(pool);
      exec = (q) => db.execute(q);
      migrate = (folder) => migratePg(db, { migrationsFolder: folder });
      close = async () => {
        await pool.end();
        await created.drop();
      };
    } else {
      const client = new PGlite();
      const db = drizzlePglite(client);
      exec = (q) => db.execute(q);
      migrate = (folder) => migratePglite(db, { migrationsFolder: folder });
      close = () => client.close();
    }
    rows = async (q) => rowsOf<Facts>(await exec(q) as never);
  }, 60_000);
  afterAll(async () => {
    await close?.();
    rmSync(before, { recursive: true, force: true });
  });

  it('fills them in for the incidents stored before the migration, then keeps them as entries come', async () => {
    await migrate(before);
    await write(exec, ['i0', 'i1', 'i2', 'i3']);
    await migrate(migrationsFolder);
    const backfilled = await rows(STORED);
    expect(backfilled).toEqual(await rows(FROM_TIMELINE));
    expect(backfilled.map((r) => r.opened_month)).toEqual(['2026-01', '2026-02', '2026-01', '2026-02']);
    expect(backfilled[0]).toMatchObject({ acknowledged_ms: '4150', on_scene_ms: '-40', separated_ms: null });

    await write(exec, ['j0', 'j1', 'j2', 'j3', 'j4', 'j5']);
    // A later entry of a measure changes nothing; an earlier one (a correction typed in afterwards) does.
    await exec(sql`insert into timeline (incident_id, at, kind, data) select id, opened_at + interval '2 seconds', 'acknowledged', '{}' from incidents where id = 'j1'`);
    await exec(sql`insert into timeline (incident_id, at, kind, data) select id, opened_at + interval '1 day', 'acknowledged', '{}' from incidents where id = 'j2'`);
    const kept = await rows(STORED);
    expect(kept).toEqual(await rows(FROM_TIMELINE));
    expect(kept.find((r) => r.id === 'j1')).toMatchObject({ acknowledged_ms: '2000', police_handover_ms: '1234567', separated_ms: '300049' });
  });

  it('moves the months when a site moves to another time zone', async () => {
    await exec(sql`update sites set timezone = 'Asia/Seoul' where id = 'B'`);
    const moved = await rows(STORED);
    expect(moved.every((r) => r.opened_month === '2026-02')).toBe(true);
    expect(moved).toEqual(await rows(FROM_TIMELINE));
  });

  it('counts the kinds statistics time, no more and no fewer', () => {
    const text = readFileSync(join(migrationsFolder, '0003_statistics_facts.sql'), 'utf8');
    const when = /FOR EACH ROW WHEN \(NEW\.kind IN \(([^)]*)\)\)/.exec(text)?.[1];
    expect(when?.split(',').map((k) => k.trim().replace(/'/g, '')).sort()).toEqual(Object.values(MEASURE_KINDS).flat().sort());
  });
});
