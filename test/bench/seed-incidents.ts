/**
 * A back office at country scale: sites with counters, and N incidents over the last three years with their
 * timelines (pressed, acknowledged, responding, on scene, sometimes separated or handed to the police, closed),
 * classifications and a few still open. Written in chunks through `unnest` (one statement per 5,000 incidents and
 * one for their timelines), not one insert per row: 100,000 incidents take seconds, not minutes. Deterministic
 * for a given seed, so two runs measure the same data.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../api/store/index.ts';
import type { ProvisioningDocument } from '../../api/provisioning/index.ts';
import { CLASSIFICATIONS } from '../../api/contract/index.ts';

export const SEED_MANAGER = 'seed-manager';
const CHUNK = 5_000;
const YEAR_MS = 365 * 86_400_000;

export const seedSiteId = (s: number) => `S-${String(s + 1).padStart(3, '0')}`;
export const seedCounterId = (c: number) => `C-${String(c + 1).padStart(2, '0')}`;

/** Sites (Seoul time) with their counters, a manager of them all; no bells (the incidents name counters). */
export function seedProvisioning(sites: number, counters: number, password: string): ProvisioningDocument {
  return {
    sites: Array.from({ length: sites }, (_, s) => ({
      id: seedSiteId(s), name: `Seed Office ${s + 1}`, address: `${s + 1} Seed-ro, Seoul`, timezone: 'Asia/Seoul', drillLiaison: [],
      counters: Array.from({ length: counters }, (_, c) => ({ id: seedCounterId(c), name: `Counter ${c + 1}`, floor: '1F' })),
      bells: [],
    })),
    people: [
      { id: SEED_MANAGER, name: 'Seed Manager', roles: ['manager'], siteIds: Array.from({ length: sites }, (_, s) => seedSiteId(s)), language: 'en', username: SEED_MANAGER, password },
    ],
  };
}

/** A small deterministic generator (mulberry32): the same seed, the same incidents. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Columns {
  id: string[]; mode: string[]; status: string[]; severity: string[]; violence: boolean[]; site: string[]; counter: string[];
  source: string[]; opened: string[]; acked: (string | null)[]; closed: (string | null)[]; classification: string[]; outcome: (string | null)[];
}
interface Entries { incident: string[]; at: string[]; kind: string[]; data: string[] }

const KINDS = CLASSIFICATIONS.filter((k) => k !== 'false_alarm');

/** One incident and its timeline, opened at `openedMs`; open when `open`. */
function incident(rnd: () => number, n: number, openedMs: number, sites: number, counters: number, open: boolean, cols: Columns, tl: Entries): void {
  const id = `inc_seed_${String(n).padStart(7, '0')}`;
  const falseAlarm = rnd() < 0.1;
  const violence = !falseAlarm && rnd() < 0.15;
  const classification = falseAlarm ? ['false_alarm'] : [KINDS[Math.floor(rnd() * KINDS.length)]!, ...(rnd() < 0.3 ? [KINDS[Math.floor(rnd() * KINDS.length)]!] : [])];
  const at = (ms: number) => new Date(ms).toISOString();
  const add = (kind: string, ms: number, data: Record<string, unknown> = {}) => {
    tl.incident.push(id);
    tl.at.push(at(ms));
    tl.kind.push(kind);
    tl.data.push(JSON.stringify(data));
  };
  let t = openedMs;
  add('triggered', t, { seeded: true });
  const ackMs = (t += 3_000 + rnd() * 90_000);
  add('acknowledged', t);
  add('responding', (t += 5_000 + rnd() * 60_000));
  add('on_scene', (t += 30_000 + rnd() * 400_000));
  if (!falseAlarm && rnd() < 0.3) add('victim_separated', (t += 10_000 + rnd() * 300_000));
  if (violence || rnd() < 0.05) {
    add('police_called', (t += 5_000 + rnd() * 60_000));
    add('police_handover', (t += 300_000 + rnd() * 900_000));
  }
  const closedMs = open ? null : (t += 600_000 + rnd() * 3_600_000);
  if (closedMs !== null) {
    add('contained', closedMs - 60_000);
    add('closed', closedMs, { outcome: falseAlarm ? 'false_alarm' : 'resolved', classification });
  }
  cols.id.push(id);
  cols.mode.push(rnd() < 0.08 ? 'drill' : 'live');
  cols.status.push(open ? 'on_scene' : 'closed');
  cols.severity.push(violence ? 'critical' : 'high');
  cols.violence.push(violence);
  cols.site.push(seedSiteId(Math.floor(rnd() * sites)));
  cols.counter.push(seedCounterId(Math.floor(rnd() * counters)));
  cols.source.push(rnd() < 0.9 ? 'bell' : 'console');
  cols.opened.push(at(openedMs));
  cols.acked.push(at(ackMs));
  cols.closed.push(closedMs === null ? null : at(closedMs));
  cols.classification.push(JSON.stringify(open ? [] : classification));
  cols.outcome.push(open ? null : falseAlarm ? 'false_alarm' : 'resolved');
}

/** One array as one parameter (a plain array in drizzle's template would be spread into a row of parameters). */
const a = (values: readonly unknown[]) => sql.param(values);

export interface SeedResult { incidents: number; timeline: number; ms: number }

/**
 * Writes `count` incidents opened over the three years before `now` (oldest first, so the references the insert
 * trigger gives count up in time), `open` of them still open in the last hour.
 */
export async function seedIncidents(db: Db, o: { count: number; sites: number; counters: number; now: Date; open?: number; seed?: number }): Promise<SeedResult> {
  const started = performance.now();
  const rnd = random(o.seed ?? 1);
  const end = o.now.getTime() - 3_600_000;
  const times = Array.from({ length: o.count }, () => end - rnd() * 3 * YEAR_MS).sort((a, b) => a - b);
  const open = o.open ?? 20;
  let entries = 0;
  for (let from = 0; from < o.count; from += CHUNK) {
    const cols: Columns = { id: [], mode: [], status: [], severity: [], violence: [], site: [], counter: [], source: [], opened: [], acked: [], closed: [], classification: [], outcome: [] };
    const tl: Entries = { incident: [], at: [], kind: [], data: [] };
    for (let n = from; n < Math.min(o.count, from + CHUNK); n++) incident(rnd, n, times[n]!, o.sites, o.counters, n >= o.count - open, cols, tl);
    await db.execute(sql`
      insert into incidents (id, mode, status, severity, violence, site_id, counter_id, source, opened_at, acknowledged_at, closed_at, classification, outcome)
      select id, mode, status, severity, violence, site_id, counter_id, source, opened_at, acknowledged_at, closed_at, classification::jsonb, outcome
      from unnest(${a(cols.id)}::text[], ${a(cols.mode)}::text[], ${a(cols.status)}::text[], ${a(cols.severity)}::text[], ${a(cols.violence)}::boolean[],
        ${a(cols.site)}::text[], ${a(cols.counter)}::text[], ${a(cols.source)}::text[], ${a(cols.opened)}::timestamptz[], ${a(cols.acked)}::timestamptz[],
        ${a(cols.closed)}::timestamptz[], ${a(cols.classification)}::text[], ${a(cols.outcome)}::text[])
        as v(id, mode, status, severity, violence, site_id, counter_id, source, opened_at, acknowledged_at, closed_at, classification, outcome)`);
    await db.execute(sql`
      insert into timeline (incident_id, at, kind, data)
      select incident_id, at, kind, data::jsonb
      from unnest(${a(tl.incident)}::text[], ${a(tl.at)}::timestamptz[], ${a(tl.kind)}::text[], ${a(tl.data)}::text[]) as v(incident_id, at, kind, data)`);
    entries += tl.incident.length;
  }
  // Inserted in bulk, every incident is rewritten at once by the statistics triggers (its first response times),
  // which leaves the table three times its size; a system that stored them one by one reused that space as it went.
  // So the table is compacted, and the planner given fresh statistics, as autovacuum would after a while.
  await db.execute(sql`vacuum full analyze incidents`);
  await db.execute(sql`vacuum analyze timeline`);
  return { incidents: o.count, timeline: entries, ms: performance.now() - started };
}
