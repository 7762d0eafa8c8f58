/** The rows statistics are computed from, and the import's writes. */
import { and, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { ulid } from '../../ids.ts';
import type { Db } from '../../store/database.ts';
import * as schema from '../../store/schema.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { rowsOf } from '../../store/rows-of.ts';
import { MEASURE_KINDS, RESPONSE_MEASURES, type ResponseMeasure } from './compute.ts';
import type { ImportRow } from './import-rows.ts';
import { FIELD, RECORD } from './facts.ts';

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
   * The incidents written by transactions from `sinceXid` on (all of them without it), as one text (facts.ts
   * `factRecords`: 100,000 rows cost two seconds to carry out of PGlite's thread, one text 0.2 s), with the oldest
   * transaction this statement's snapshot may not see (the next read starts there: a write not seen now has a later
   * id) and the last transaction that deleted incidents. One statement, so one snapshot.
   */
  async factsSince(sinceXid: number | null): Promise<{ xmin: number; removedXid: number | null; text: string | null }> {
    const i = schema.incidents;
    const opt = (c: unknown) => sql`coalesce(${c}::text, '')`;
    const fields = [
      i.id, i.mode, i.status, i.source, i.siteId, i.counterId, sql`floor(extract(epoch from ${i.openedAt}) * 1000)::bigint::text`, opt(i.openedMonth),
      opt(i.acknowledgedMs), opt(i.onSceneMs), opt(i.separatedMs), opt(i.policeHandoverMs), sql`${i.classification}::text`,
    ];
    const written = sinceXid === null ? sql`true` : sql`${i.writtenXid} >= ${sinceXid}`;
    const [row] = rowsOf<{ xmin: string; removed: string | null; text: string | null }>(await this.db.execute(sql`
      select pg_snapshot_xmin(pg_current_snapshot())::text as xmin,
        (select ${schema.incidentsRemoved.xid}::text from ${schema.incidentsRemoved}) as removed,
        (select string_agg(concat_ws(${FIELD}, ${sql.join(fields, sql`, `)}), ${RECORD}) from ${i} where ${written}) as text`));
    return { xmin: Number(row!.xmin), removedXid: row!.removed === null ? null : Number(row!.removed), text: row!.text };
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
