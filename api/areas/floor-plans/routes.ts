/**
 * Floor plans ("where"): each site uploads a plan image per floor and places its counters on it;
 * consoles show the counter of an alarm on its plan.
 *
 *   GET    /floor-plans                                           plans of every site the user may see
 *   GET    /sites/{siteId}/floor-plans                            plans of one site
 *   PUT    /sites/{siteId}/floor-plans/{floor}/image              upload (body: the PNG, JPEG or WebP bytes)
 *   GET    /sites/{siteId}/floor-plans/{floor}/image              the image
 *   DELETE /sites/{siteId}/floor-plans/{floor}                    remove a plan and its placements
 *   PUT    /sites/{siteId}/floor-plans/{floor}/counters/{counterId}  {x, y}: place or move a counter
 *   DELETE /sites/{siteId}/floor-plans/{floor}/counters/{counterId}  take a counter off its plan
 */
import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { canSeeAllSites } from '../../auth/policy.ts';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { forbidden, HttpError, notFound, parseBody } from '../../http/errors.ts';
import { checkPlanUpload, MAX_PLAN_BYTES } from './image.ts';
import { canEditFloorPlans, canSeeFloorPlans } from './policy.ts';
import { FloorPlanStore, type PlanMeta, type Placement } from './store.ts';
import type { FloorPlanView } from '../../contract/floor-plans.ts';

/** A floor as counters name it: letters (Hangul too), digits, space, `.`, `_`, `-`; at most 32 characters. */
export const floorName = z.string().regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,31}$/u, 'a floor is 1-32 letters, digits, spaces, . _ -');
export const placeBody = z.strictObject({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
});

export function floorPlanView(p: PlanMeta, placements: readonly Placement[]): FloorPlanView {
  return {
    siteId: p.siteId,
    floor: p.floor,
    contentType: p.contentType,
    byteSize: p.byteSize,
    sha256: p.sha256,
    updatedAt: p.updatedAt.toISOString(),
    imageUrl: `/api/v1/sites/${encodeURIComponent(p.siteId)}/floor-plans/${encodeURIComponent(p.floor)}/image?v=${p.sha256.slice(0, 16)}`,
    counters: placements.filter((c) => c.siteId === p.siteId && c.floor === p.floor).map((c) => ({ counterId: c.counterId, x: c.x, y: c.y })),
  };
}

const param = (req: Request, name: string): string => String((req.params as Record<string, string | undefined>)[name] ?? '');

export function floorPlanRoutes(ctx: AreaContext): Router {
  const r = Router();
  const store = new FloorPlanStore(ctx.db);
  const auth = authenticate(ctx);

  /** The site, if the user may see its plans; otherwise it does not exist for them. */
  const visibleSite = (res: Response, siteId: string) => {
    const site = ctx.places.site(siteId);
    if (!site || !canSeeFloorPlans(userOf(res), siteId)) throw notFound(`site ${siteId}`);
    return site;
  };
  const editableSite = (res: Response, siteId: string) => {
    const site = visibleSite(res, siteId);
    if (!canEditFloorPlans(userOf(res), siteId)) throw forbidden(`edit the floor plans of site ${siteId}`);
    return site;
  };
  const floorOf = (raw: string) => {
    const r = floorName.safeParse(raw);
    if (!r.success) throw new HttpError(400, 'invalid_request', `invalid floor ${JSON.stringify(raw)}: ${r.error.issues[0]?.message ?? ''}`);
    return r.data;
  };
  const list = async (siteIds: 'all' | string[]) => {
    const [plans, placements] = await Promise.all([store.plans(siteIds), store.placements(siteIds)]);
    return plans.map((p) => floorPlanView(p, placements));
  };

  r.get('/floor-plans', auth, async (_req, res) => {
    const user = userOf(res);
    const siteIds = canSeeAllSites(user) ? 'all' : user.siteIds.filter((s) => canSeeFloorPlans(user, s));
    res.json({ items: await list(siteIds) });
  });

  r.get('/sites/:siteId/floor-plans', auth, async (req, res) => {
    const site = visibleSite(res, param(req, 'siteId'));
    res.json({ items: await list([site.id]) });
  });

  // Permission before the body is read: only an editor's bytes are received at all.
  const mayEdit: express.RequestHandler = (req, res, next) => {
    editableSite(res, param(req, 'siteId'));
    floorOf(param(req, 'floor'));
    next();
  };
  r.put(
    '/sites/:siteId/floor-plans/:floor/image',
    auth,
    mayEdit,
    express.raw({ type: () => true, limit: MAX_PLAN_BYTES }),
    async (req, res) => {
      const site = editableSite(res, param(req, 'siteId'));
      const floor = floorOf(param(req, 'floor'));
      const bytes = Buffer.isBuffer(req.body) ? new Uint8Array(req.body) : new Uint8Array();
      const check = checkPlanUpload(bytes);
      if (!check.ok) throw new HttpError(check.code === 'plan_too_large' ? 413 : check.code === 'empty_upload' ? 400 : 415, check.code, check.message);
      const existed = (await store.plan(site.id, floor)) !== null;
      const saved = await store.savePlan(site.id, floor, check.contentType, bytes, userOf(res).id);
      res.status(existed ? 200 : 201).json(floorPlanView(saved, await store.placements([site.id])));
    },
  );

  r.get('/sites/:siteId/floor-plans/:floor/image', auth, async (req, res) => {
    const site = visibleSite(res, param(req, 'siteId'));
    const floor = floorOf(param(req, 'floor'));
    const image = await store.image(site.id, floor);
    if (!image) throw notFound(`floor plan ${floor} of site ${site.id}`);
    const etag = `"${image.sha256}"`;
    res.setHeader('ETag', etag);
    // Private: a plan is only for the people of the site; revalidated, so a new upload shows at once.
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    res.type(image.contentType).send(Buffer.from(image.bytes));
  });

  r.delete('/sites/:siteId/floor-plans/:floor', auth, async (req, res) => {
    const site = editableSite(res, param(req, 'siteId'));
    const floor = floorOf(param(req, 'floor'));
    if (!(await store.deletePlan(site.id, floor))) throw notFound(`floor plan ${floor} of site ${site.id}`);
    res.status(204).end();
  });

  r.put('/sites/:siteId/floor-plans/:floor/counters/:counterId', auth, async (req, res) => {
    const site = editableSite(res, param(req, 'siteId'));
    const floor = floorOf(param(req, 'floor'));
    const body = parseBody(placeBody, req.body);
    const counter = ctx.places.counter(site.id, param(req, 'counterId'));
    if (!counter) throw new HttpError(422, 'unknown_counter', `counter ${param(req, 'counterId')} is not a counter of site ${site.id}`);
    if (counter.floor && counter.floor !== floor) {
      throw new HttpError(422, 'wrong_floor', `counter ${counter.id} is on floor ${counter.floor}, not ${floor}: place it on the plan of ${counter.floor}`);
    }
    if (!(await store.plan(site.id, floor))) throw new HttpError(422, 'no_floor_plan', `site ${site.id} has no plan of floor ${floor}: upload one first`);
    const placed = await store.place({ siteId: site.id, counterId: counter.id, floor, x: body.x, y: body.y, placedBy: userOf(res).id });
    res.json({ siteId: placed.siteId, floor: placed.floor, counterId: placed.counterId, x: placed.x, y: placed.y });
  });

  r.delete('/sites/:siteId/floor-plans/:floor/counters/:counterId', auth, async (req, res) => {
    const site = editableSite(res, param(req, 'siteId'));
    floorOf(param(req, 'floor'));
    if (!(await store.unplace(site.id, param(req, 'counterId')))) throw notFound(`a placement of counter ${param(req, 'counterId')}`);
    res.status(204).end();
  });
  return r;
}
