/**
 * The managers' board:
 *   GET /managers/open     every open incident of the manager's sites with its escalation (which step, who was
 *                          reached, who was not) and its response times so far
 *   GET /managers/history  incidents by site, counter, kind, date and mode, each with its response times
 *                          (from the timeline), and their medians and 90th percentiles
 * Admins see every site, managers their own; everyone else is refused.
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { CLASSIFICATIONS } from '../../contract/index.ts';
import { presentIncident } from '../../core/present.ts';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { forbidden, parseQuery } from '../../http/errors.ts';
import { summariseEscalation } from './escalation-summary.ts';
import { inScope, managerScope } from './policy.ts';
import { MEASURES, responseTimes } from './response-times.ts';
import { summariseDurations } from '../../domain/measures.ts';
import { ManagerStore } from './store.ts';
import type { ManagerHistory, ManagerOpenIncident } from '../../contract/managers.ts';

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);
const instant = z.iso.datetime({ offset: true });
export const historyQuery = z.strictObject({
  siteId: id.optional(),
  counterId: id.optional(),
  kind: z.enum(CLASSIFICATIONS).optional(),
  /** RFC 3339; `from` inclusive, `to` exclusive, on the incident's opening time. */
  from: instant.optional(),
  to: instant.optional(),
  mode: z.enum(['live', 'drill', 'all']).default('all'),
  status: z.enum(['open', 'closed', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['from'] });

const openQuery = z.strictObject({ siteId: id.optional(), mode: z.enum(['live', 'drill', 'all']).default('all') });

export function managerRoutes(ctx: AreaContext): Router {
  const r = Router();
  const store = new ManagerStore(ctx.db);
  r.use('/managers', authenticate(ctx));

  const scopeOf = (res: Response, siteId: string | undefined) => {
    const scope = managerScope(userOf(res));
    if (!scope) throw forbidden('see the managers\' board');
    if (siteId !== undefined && !inScope(scope, siteId)) throw forbidden(`see incidents of site ${siteId}`);
    return scope;
  };

  r.get('/managers/open', async (req, res) => {
    const q = parseQuery(openQuery, req.query);
    const scope = scopeOf(res, q.siteId);
    const now = new Date();
    const records = await store.incidents({ scope, siteId: q.siteId, mode: q.mode === 'all' ? undefined : q.mode, status: 'open', limit: 1000 });
    const ids = records.map((i) => i.id);
    const [timelines, steps, notes, people] = await Promise.all([store.timelines(ids), store.steps(ids), store.notifications(ids), ctx.directory.people()]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const items: ManagerOpenIncident[] = records.map((i) => ({
      ...presentIncident(i, ctx.places),
      escalation: summariseEscalation(steps.filter((s) => s.incidentId === i.id), notes.filter((n) => n.incidentId === i.id), names, now),
      responseTimes: responseTimes(i.openedAt, timelines.get(i.id) ?? []),
    }));
    res.json({ items });
  });

  r.get('/managers/history', async (req, res) => {
    const q = parseQuery(historyQuery, req.query);
    const scope = scopeOf(res, q.siteId);
    const records = await store.incidents({
      scope, siteId: q.siteId, counterId: q.counterId, kind: q.kind,
      from: q.from ? new Date(q.from) : undefined, to: q.to ? new Date(q.to) : undefined,
      mode: q.mode === 'all' ? undefined : q.mode, status: q.status, limit: q.limit,
    });
    const truncated = records.length > q.limit;
    const shown = records.slice(0, q.limit);
    const timelines = await store.timelines(shown.map((i) => i.id));
    const items = shown.map((i) => ({ ...presentIncident(i, ctx.places), responseTimes: responseTimes(i.openedAt, timelines.get(i.id) ?? []) }));
    const summary = Object.fromEntries(MEASURES.map((m) => [m, summariseDurations(items.map((i) => i.responseTimes.fromPress[m]))])) as ManagerHistory['summary'];
    summary.acknowledgedToOnScene = summariseDurations(items.map((i) => i.responseTimes.acknowledgedToOnScene));
    const body: ManagerHistory = { items, truncated, summary };
    res.json(body);
  });
  return r;
}
