/**
 * A cancel is not an all-clear: a member of staff may be forced to cancel. A live alarm cancelled in the last
 * day stays on the consoles as "cancelled — verify in person" until a guard records `cancel_checked` on its
 * timeline (the timeline is the truth; nothing is kept beside it).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { CancelNotice } from '../contract/index.ts';
import { canReadIncident, canRespond } from '../auth/policy.ts';
import { presentIncident } from '../core/present.ts';
import { authenticate, userOf, type ApiContext } from '../http/context.ts';
import { forbidden, notFound, parseBody } from '../http/errors.ts';

const checkBody = z.strictObject({ note: z.string().trim().max(2_000).optional() });

export function cancelCheckRoutes(ctx: ApiContext, now: () => Date = () => ctx.clock.now()): Router {
  const r = Router();
  r.get('/cancel-checks', authenticate(ctx), async (_req, res) => {
    const user = userOf(res);
    const items: CancelNotice[] = (await ctx.incidents.uncheckedCancels(now()))
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
