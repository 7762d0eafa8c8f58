import { Router } from 'express';
import type { Site } from '../../contract/index.ts';
import { canSeeAllSites, canSeeBells } from '../../auth/policy.ts';
import { presentBell } from '../../core/present.ts';
import { authenticate, userOf, type ApiContext } from '../context.ts';

export function placeRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/sites', authenticate(ctx), (_req, res) => {
    const user = userOf(res);
    const items: Site[] = ctx.places
      .allSites()
      .filter((s) => canSeeAllSites(user) || user.siteIds.includes(s.id))
      .map((s) => ({
        id: s.id,
        name: s.name,
        address: s.address,
        timezone: s.timezone,
        counters: ctx.places.countersOf(s.id).map((c) => ({ id: c.id, name: c.name, floor: c.floor })),
      }));
    res.json({ items });
  });
  r.get('/bells', authenticate(ctx), async (_req, res) => {
    const user = userOf(res);
    const rows = await ctx.directory.bells();
    res.json({ items: rows.filter((b) => canSeeBells(user, b.siteId)).map((b) => presentBell(ctx.supervisor.view(b))) });
  });
  return r;
}
