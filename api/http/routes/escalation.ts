import { Router } from 'express';
import { z } from 'zod';
import { canProvision, canRespond, canSeeAllSites, canSeeBells, type User } from '../../auth/policy.ts';
import { DEFAULT_ESCALATION_POLICY, escalationPolicySchema } from '../../domain/index.ts';
import { policyOf } from '../../escalation/engine.ts';
import { authenticate, userOf, type ApiContext } from '../context.ts';
import { forbidden, HttpError, notFound, parseBody } from '../errors.ts';

const rosterBody = z.strictObject({
  shifts: z.array(
    z.strictObject({ personId: z.string().min(1), startsAt: z.iso.datetime({ offset: true }), endsAt: z.iso.datetime({ offset: true }) }),
  ).max(5000),
});

/** A site's escalation policy and roster; who is on duty now. */
export function escalationRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.use('/sites/:siteId', authenticate(ctx));
  const site = (id: string, user: User) => {
    const s = ctx.places.site(id);
    if (!s || !(canSeeAllSites(user) || user.siteIds.includes(id))) throw notFound(`site ${id}`);
    return s;
  };

  r.get('/sites/:siteId/escalation-policy', (req, res) => {
    const s = site(req.params.siteId, userOf(res));
    res.json({ siteId: s.id, isDefault: s.escalationPolicy == null, policy: policyOf({ escalationPolicy: s.escalationPolicy }) });
  });

  r.put('/sites/:siteId/escalation-policy', async (req, res) => {
    const user = userOf(res);
    const s = site(req.params.siteId, user);
    if (!canProvision(user)) throw forbidden('edit escalation policies');
    const body = req.body as { policy?: unknown } | null;
    // `{"policy": null}` returns the site to the default policy.
    const policy = body && 'policy' in body && body.policy === null ? null : parseBody(escalationPolicySchema, body?.policy ?? body);
    await ctx.escalation.setSitePolicy(s.id, policy);
    await ctx.places.reload();
    res.json({ siteId: s.id, isDefault: policy === null, policy: policy ?? DEFAULT_ESCALATION_POLICY });
  });

  r.get('/sites/:siteId/roster', async (req, res) => {
    const user = userOf(res);
    const s = site(req.params.siteId, user);
    if (!canSeeBells(user, s.id)) throw forbidden('see the roster');
    res.json(await rosterView(ctx, s.id));
  });

  r.put('/sites/:siteId/roster', async (req, res) => {
    const user = userOf(res);
    const s = site(req.params.siteId, user);
    if (!(canProvision(user) || (user.roles.includes('manager') && canRespond(user, s.id)))) throw forbidden('edit the roster');
    const body = parseBody(rosterBody, req.body);
    const people = new Map((await ctx.directory.people()).map((p) => [p.id, p]));
    const problems = body.shifts.flatMap((sh, i) => {
      const p = people.get(sh.personId);
      const out: { path: string; message: string }[] = [];
      if (!p) out.push({ path: `shifts.${i}.personId`, message: `person ${sh.personId} does not exist` });
      else if (!p.roles.includes('guard') || !p.siteIds.includes(s.id)) out.push({ path: `shifts.${i}.personId`, message: `${p.name} is not a guard of site ${s.id}` });
      if (Date.parse(sh.endsAt) <= Date.parse(sh.startsAt)) out.push({ path: `shifts.${i}.endsAt`, message: 'a shift must end after it starts' });
      return out;
    });
    if (problems.length > 0) throw new HttpError(400, 'invalid_request', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
    await ctx.escalation.replaceShifts(s.id, body.shifts.map((sh) => ({ personId: sh.personId, startsAt: new Date(sh.startsAt), endsAt: new Date(sh.endsAt) })));
    res.json(await rosterView(ctx, s.id));
  });
  return r;
}

export async function rosterView(ctx: ApiContext, siteId: string) {
  const now = ctx.clock.now();
  const [shifts, onShift, people] = await Promise.all([ctx.escalation.shifts(siteId), ctx.escalation.onShift(siteId, now), ctx.directory.people()]);
  const guards = people.filter((p) => p.active && p.roles.includes('guard') && p.siteIds.includes(siteId));
  const onDuty = onShift === null ? guards : guards.filter((g) => onShift.includes(g.id));
  return {
    siteId,
    hasRoster: onShift !== null,
    onDuty: onDuty.map((g) => ({ id: g.id, name: g.name, reachable: Boolean(g.phone) })),
    warnings: onDuty.length === 0 ? ['nobody_on_duty'] : onDuty.every((g) => !g.phone) ? ['nobody_reachable_by_phone'] : [],
    shifts: shifts.map((s) => ({ id: s.id, personId: s.personId, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString() })),
  };
}
