/** The reads of the managers' board: incidents by filter, and the timelines, steps and notifications of many at once. */
import { and, asc, desc, eq, gte, inArray, lt, notInArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../store/database.ts';
import { CLOSED_STATUSES } from '../../contract/index.ts';
import { recordFromRow, type IncidentRecord } from '../../store/incident-records.ts';
import { escalationSteps, incidents, notifications, timeline } from '../../store/schema.ts';

export interface HistoryFilter {
  scope: 'all' | readonly string[];
  siteId?: string | undefined;
  counterId?: string | undefined;
  /** A classification the incident carries. */
  kind?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  mode?: 'live' | 'drill' | undefined;
  status?: 'open' | 'closed' | 'all' | undefined;
  limit: number;
}

const CLOSED: string[] = [...CLOSED_STATUSES];

export class ManagerStore {
  constructor(private readonly db: Db) {}

  /** Up to `limit + 1` incidents, newest first (one more tells the caller that the list was cut). */
  async incidents(f: HistoryFilter): Promise<IncidentRecord[]> {
    const where: SQL[] = [];
    if (f.scope !== 'all') where.push(f.scope.length ? inArray(incidents.siteId, [...f.scope]) : sql`false`);
    if (f.siteId) where.push(eq(incidents.siteId, f.siteId));
    if (f.counterId) where.push(eq(incidents.counterId, f.counterId));
    if (f.kind) where.push(sql`${incidents.classification} @> ${JSON.stringify([f.kind])}::jsonb`);
    if (f.from) where.push(gte(incidents.openedAt, f.from));
    if (f.to) where.push(lt(incidents.openedAt, f.to));
    if (f.mode) where.push(eq(incidents.mode, f.mode));
    if (f.status === 'open') where.push(notInArray(incidents.status, CLOSED));
    if (f.status === 'closed') where.push(inArray(incidents.status, CLOSED));
    const rows = await this.db.select().from(incidents).where(and(...where)).orderBy(desc(incidents.openedAt)).limit(f.limit + 1);
    return rows.map(recordFromRow);
  }

  async timelines(ids: readonly string[]): Promise<Map<string, { kind: string; at: Date }[]>> {
    const out = new Map<string, { kind: string; at: Date }[]>();
    if (!ids.length) return out;
    const rows = await this.db
      .select({ incidentId: timeline.incidentId, kind: timeline.kind, at: timeline.at })
      .from(timeline)
      .where(inArray(timeline.incidentId, [...ids]))
      .orderBy(asc(timeline.id));
    for (const r of rows) {
      const list = out.get(r.incidentId);
      if (list) list.push({ kind: r.kind, at: r.at });
      else out.set(r.incidentId, [{ kind: r.kind, at: r.at }]);
    }
    return out;
  }

  async steps(ids: readonly string[]) {
    if (!ids.length) return [];
    return this.db.select().from(escalationSteps).where(inArray(escalationSteps.incidentId, [...ids]));
  }

  async notifications(ids: readonly string[]) {
    if (!ids.length) return [];
    return this.db.select().from(notifications).where(inArray(notifications.incidentId, [...ids])).orderBy(asc(notifications.createdAt));
  }
}
