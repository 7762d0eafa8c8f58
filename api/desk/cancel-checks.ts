/**
 * A cancel is not an all-clear: a member of staff may be forced to cancel. A live alarm cancelled in the last
 * day stays on the consoles as "cancelled — verify in person" until a guard records `cancel_checked` on its
 * timeline (the timeline is the truth; nothing is kept beside it).
 */
import { Router } from 'express';
import { and, desc, eq, gt, notExists, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { CancelNotice } from '../contract/index.ts';
import { canReadIncident, canRespond } from '../auth/policy.ts';
import { presentIncident } from '../core/present.ts';
import { incidents, timeline } from '../store/schema.ts';
import { recordFromRow } from '../store/incident-records.ts';
import type { Db } from '../store/database.ts';
import type { IncidentRecord } from '../store/index.ts';
import { authenticate, userOf, type ApiContext } from '../http/context.ts';
import { forbidden, notFound, parseBody } from '../http/errors.ts';

/** How long an unchecked cancel stays on the wall: a shift and more; after that it is history, not a task. */
export const CANCEL_CHECK_WINDOW_MS = 24 * 3600_000;

const checkBody = z.strictObject({ note: z.string().trim().max(2_000).optional() });

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

export function cancelCheckRoutes(ctx: ApiContext, now: () => Date = () => ctx.clock.now()): Router {
  const r = Router();
  r.get('/cancel-checks', authenticate(ctx), async (_req, res) => {
    const user = userOf(res);
    const items: CancelNotice[] = (await uncheckedCancels(ctx.db, now()))
      .filter((c) => canReadIncident(user, c.record))
      .map((c) => ({ ...presentIncident(c.record, ctx.places), cancelledAt: c.cancelledAt.toISOString(), cancelledBy: c.atCounter ? 'counter' : 'manager' }));
    res.json({ items });
  });
  r.post('/incidents/:id/cancel-check', authenticate(ctx), async (req, res) => {
    const body = parseBody(checkBody, req.body);
    const user = userOf(res);
    const record = await ctx.incidents.get(req.params.id as string);
    if (!record || !canReadIncident(user, record)) throw notFound(`incident ${String(req.params.id)}`);
    if (!canRespond(user, record.siteId)) throw forbidden('record that a cancelled alarm was checked');
    const updated = await ctx.core.act(record.id, { type: 'check_cancel', by: user.id, note: body.note });
    res.json(presentIncident(updated, ctx.places));
  });
  return r;
}
