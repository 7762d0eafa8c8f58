import { and, desc, eq, gt, notExists, sql } from 'drizzle-orm';
import type { Db } from './database.ts';
import { recordFromRow, type IncidentRecord } from './incident-records.ts';
import { incidents, timeline } from './schema.ts';

/** How long an unchecked cancel stays on the wall: a shift and more; after that it is history, not a task. */
export const CANCEL_CHECK_WINDOW_MS = 24 * 3600_000;

/** Live alarms cancelled within the window that no guard has yet checked in person (`cancel_checked`), newest first. */
export async function uncheckedCancels(db: Db, now: Date): Promise<{ record: IncidentRecord; cancelledAt: Date; atCounter: boolean }[]> {
  const since = new Date(now.getTime() - CANCEL_CHECK_WINDOW_MS);
  const rows = await db
    .select({ incident: incidents, cancelledAt: timeline.at, kind: timeline.kind })
    .from(incidents)
    .innerJoin(timeline, and(eq(timeline.incidentId, incidents.id), sql`${timeline.kind} in ('cancelled', 'cancelled_at_counter')`))
    .where(and(
      eq(incidents.status, 'cancelled'),
      eq(incidents.mode, 'live'),
      gt(timeline.at, since),
      notExists(db.select({ one: sql`1` }).from(timeline).where(sql`${timeline.incidentId} = ${incidents.id} and ${timeline.kind} = 'cancel_checked'`)),
    ))
    .orderBy(desc(timeline.at))
    .limit(200);
  return rows.map((r) => ({ record: recordFromRow(r.incident), cancelledAt: r.cancelledAt, atCounter: r.kind === 'cancelled_at_counter' }));
}
