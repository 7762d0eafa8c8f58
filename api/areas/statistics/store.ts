/** The rows statistics are computed from, and the import's writes. */
import { and, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { ulid } from '../../ids.ts';
import type { Db } from '../../store/database.ts';
import * as schema from '../../store/schema.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { rowsOf } from '../../store/rows-of.ts';
import { MEASURE_KINDS, RESPONSE_MEASURES, type ResponseMeasure, type SummaryRow } from './compute.ts';
import type { ImportRow } from './import-rows.ts';

export interface StatIncidentRow {
  id: string; reference: string | null; mode: string; status: string; source: string; siteId: string; counterId: string;
  openedAt: Date; classification: string[];
  acknowledged: Date | null; onScene: Date | null; separated: Date | null; policeHandover: Date | null;
}

export interface StatFilter {
  from?: Date | undefined;
  to?: Date | undefined;
  /** undefined: every site. */
  siteIds?: readonly string[] | undefined;
  mode: 'live' | 'drill' | 'all';
}

interface GroupRow {
  place: boolean;
  site: string | null; counter: string | null; month: string | null;
  mode: string | null; source: string | null; status: string | null; classification: string | null;
  n: string | number;
}

/** The merged grouping sets split again into one tally per dimension (counter, month, mode …) and the total. */
function summaryOfGroups(groups: readonly GroupRow[]): SummaryRow[] {
  const tallies = new Map<string, SummaryRow>();
  const add = (dim: string, a: string | null, b: string | null, n: number) => {
    const key = JSON.stringify([dim, a, b]);
    const t = tallies.get(key);
    if (t) t.n += n;
    else tallies.set(key, { dim, a, b, n });
  };
  for (const g of groups) {
    const n = Number(g.n);
    if (g.place) {
      add('counter', g.site, g.counter, n);
      add('month', g.month, null, n);
      add('total', null, null, n);
    } else {
      add('mode', g.mode, null, n);
      add('source', g.source, null, n);
      add('status', g.status, null, n);
      add('classification', g.classification, null, n);
    }
  }
  return [...tallies.values()];
}

const TIMED_KINDS = [...new Set(RESPONSE_MEASURES.flatMap((m) => MEASURE_KINDS[m]))];
/** An arbitrary constant naming the import's lock: two imports of one file never both pass the "already imported" check. */
const IMPORT_LOCK = 6_000_601;

export class StatisticsStore {
  constructor(private readonly db: Db) {}

  private where(f: StatFilter) {
    const i = schema.incidents;
    const conds = [];
    if (f.mode !== 'all') conds.push(eq(i.mode, f.mode));
    if (f.from) conds.push(gte(i.openedAt, f.from));
    if (f.to) conds.push(lt(i.openedAt, f.to));
    if (f.siteIds) conds.push(f.siteIds.length ? inArray(i.siteId, [...f.siteIds]) : sql`false`);
    return conds.length ? and(...conds) : undefined;
  }

  /**
   * The incidents counted, with only the columns statistics use, each with the first time of every response
   * measure read from its timeline in the same query (one row per incident, not one per timeline entry: 100,000
   * incidents were half a million rows to carry over and group in JavaScript).
   */
  async statIncidents(f: StatFilter): Promise<StatIncidentRow[]> {
    const i = schema.incidents;
    const t = schema.timeline;
    const first = (m: ResponseMeasure) => sql`min(${t.at}) filter (where ${inArray(t.kind, [...MEASURE_KINDS[m]])})`;
    const firsts = this.db
      .select({
        acknowledged: sql<Date | null>`${first('acknowledged')}`.mapWith(i.openedAt).as('first_acknowledged'),
        onScene: sql<Date | null>`${first('onScene')}`.mapWith(i.openedAt).as('first_on_scene'),
        separated: sql<Date | null>`${first('separated')}`.mapWith(i.openedAt).as('first_separated'),
        policeHandover: sql<Date | null>`${first('policeHandover')}`.mapWith(i.openedAt).as('first_police_handover'),
      })
      .from(t)
      .where(and(eq(t.incidentId, i.id), inArray(t.kind, TIMED_KINDS)))
      .as('firsts');
    return this.db
      .select({
        id: i.id, reference: i.reference, mode: i.mode, status: i.status, source: i.source, siteId: i.siteId, counterId: i.counterId,
        openedAt: i.openedAt, classification: i.classification,
        acknowledged: firsts.acknowledged, onScene: firsts.onScene, separated: firsts.separated, policeHandover: firsts.policeHandover,
      })
      .from(i)
      .leftJoinLateral(firsts, sql`true`)
      .where(this.where(f))
      .orderBy(i.openedAt);
  }

  /**
   * The statistics' tallies counted by the database (compute.ts `statisticsFromSummary` puts them together): the
   * total, and one row per counter, month (in the site's time zone), mode, source, status and classification, and
   * per tenth of a second that each response measure took. It reads the incidents alone: their month and first
   * response times are kept on them by triggers (migration 0003), where reading each one's timeline and converting
   * its time zone here took over a second at 100,000 incidents. Two statements, so that PostgreSQL counts the places
   * and kinds on one connection while it counts the durations on another; each grouping set is a hash table filled
   * once per incident, so sets are merged where their groups stay few (counter with month, mode with source, status
   * and classification) and split again here.
   */
  async summary(f: StatFilter): Promise<SummaryRow[]> {
    const i = schema.incidents;
    const where = this.where(f) ?? sql`true`;
    const ms = { acknowledged: i.acknowledgedMs, onScene: i.onSceneMs, separated: i.separatedMs, policeHandover: i.policeHandoverMs } satisfies Record<ResponseMeasure, unknown>;
    // Tenths of a second from the press, rounded as secondsFromPress rounds them (IEEE doubles, half up); null when
    // the step never came or its first entry came before the press.
    const tenths = (m: ResponseMeasure) => sql`case when ${ms[m]} >= 0 then floor((${ms[m]}::float8 / 1000) * 10 + 0.5)::bigint end`;
    const sets = RESPONSE_MEASURES.map((m) => sql.identifier(`t_${m}`));
    const [groups, durations] = await Promise.all([
      this.counted<GroupRow>(sql`
        select grouping(${i.siteId}) = 0 as place, ${i.siteId} as site, ${i.counterId} as counter, ${i.openedMonth} as month,
          ${i.mode} as mode, ${i.source} as source, ${i.status} as status, ${i.classification}::text as classification, count(*) as n
        from ${i} where ${where}
        group by grouping sets ((${i.siteId}, ${i.counterId}, ${i.openedMonth}), (${i.mode}, ${i.source}, ${i.status}, ${i.classification}))`),
      // One row per measure, its histogram as two arrays (tenths ascending, and how many took each): tens of
      // thousands of rows cost more to carry out of PGlite's thread than to count.
      this.counted<{ dim: string; tenths: number[]; counts: number[] }>(sql`
        select dim, array_agg(t order by t) as tenths, array_agg(n order by t) as counts from (
          select case ${sql.join(RESPONSE_MEASURES.map((m) => sql`when grouping(${sql.identifier(`t_${m}`)}) = 0 then ${`tenths:${m}`}`), sql` `)} end as dim,
            coalesce(${sql.join(sets, sql`, `)})::int as t, count(*)::int as n
          from (select ${sql.join(RESPONSE_MEASURES.map((m) => sql`${tenths(m)} as ${sql.identifier(`t_${m}`)}`), sql`, `)} from ${i} where ${where}) base
          group by grouping sets (${sql.join(sets.map((c) => sql`(${c})`), sql`, `)})
        ) histogram where t is not null group by dim`),
    ]);
    return [...summaryOfGroups(groups), ...durations.flatMap((h) => h.tenths.map((t, k) => ({ dim: h.dim, a: String(t), b: null, n: Number(h.counts[k]) })))];
  }

  /**
   * A counting statement with room to hash its groups: at PostgreSQL's default work_mem of 4 MB the planner sorts
   * 100,000 incidents on disk instead, twice as slow.
   */
  private async counted<R>(query: SQL): Promise<R[]> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`set local work_mem = '16MB'`);
      return rowsOf<R>(await tx.execute(query));
    });
  }

  /** The complainant links of the incidents counted (the case files' complainant records). */
  async complainantLinks(f: StatFilter): Promise<{ complainantId: string; incidentId: string; siteId: string }[]> {
    return this.db.select({ complainantId: schema.complainantIncidents.complainantId, incidentId: schema.incidents.id, siteId: schema.incidents.siteId })
      .from(schema.complainantIncidents).innerJoin(schema.incidents, eq(schema.complainantIncidents.incidentId, schema.incidents.id))
      .where(this.where(f));
  }

  /** Stores the rows not imported before, all in one transaction. Imported incidents are closed: they never ring. */
  async importRows(rows: readonly ImportRow[], fileSha256: string, actorId: string): Promise<{ imported: string[]; alreadyImported: number[] }> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`);
      const keys = rows.map((r) => r.key);
      const seen = new Set(keys.length ? (await tx.select({ key: schema.incidentImports.rowKey }).from(schema.incidentImports).where(inArray(schema.incidentImports.rowKey, keys))).map((r) => r.key) : []);
      const imported: string[] = [];
      const alreadyImported: number[] = [];
      for (const r of rows) {
        if (seen.has(r.key)) {
          alreadyImported.push(r.rowNumber);
          continue;
        }
        const id = `inc_${ulid(r.openedAt.getTime())}`;
        await tx.insert(schema.incidents).values({
          id, mode: 'live', status: 'closed', severity: r.violence ? 'critical' : 'high', violence: r.violence, siteId: r.siteId, counterId: r.counterId,
          bellId: null, source: 'import', raisedBy: null, openedAt: r.openedAt, acknowledgedAt: r.times.acknowledged ?? null,
          acknowledgedBy: null, closedAt: r.closedAt, classification: r.classification, outcome: r.outcome,
        });
        const entries = [
          { kind: 'imported', at: r.openedAt, data: { reference: r.reference, row: r.rowNumber, file: fileSha256, by: actorId } as Record<string, unknown> },
          ...Object.entries(r.times).map(([kind, at]) => ({ kind, at, data: { imported: true } as Record<string, unknown> })),
          { kind: 'closed', at: r.closedAt, data: { outcome: r.outcome, classification: r.classification, imported: true } },
        ];
        await tx.insert(schema.timeline).values(entries.map((e) => ({ incidentId: id, at: e.at, kind: e.kind, actorId: null, data: e.data })));
        await tx.insert(schema.incidentImports).values({ rowKey: r.key, incidentId: id, fileSha256, rowNumber: r.rowNumber, importedBy: actorId });
        imported.push(id);
      }
      await appendAudit(tx as unknown as Db, {
        actorId, action: 'create', recordType: 'incident_import', recordId: fileSha256,
        detail: { imported: imported.length, alreadyImported: alreadyImported.length },
      });
      return { imported, alreadyImported };
    });
  }
}
