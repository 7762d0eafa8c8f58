/**
 * /api/v1/drills: scenarios, planning, running, reports, coverage and trends. Validate (zod) → authorize
 * (drills/policy.ts) → one service call → present. Mounted by the composition root (system/, through drills/area.ts).
 */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { authenticate, userOf, type ApiContext } from '../../api/http/context.ts';
import { forbidden, HttpError, notFound, parseBody, parseQuery } from '../../api/http/errors.ts';
import { DRILL_STATUSES, DRILL_TRIGGERS } from '../../api/contract/drills.ts';
import { coverage, trendOf } from '../analysis.ts';
import { drillReportPdf } from '../pdf.ts';
import { canPlanDrills, canSeeDrills, canWriteScenarios, drillSiteScope } from '../policy.ts';
import { SCENARIO_LIBRARY, scenarioSchema } from '../scenarios.ts';
import { DrillConflict, presentDrill, type DrillService } from '../service.ts';
import type { DrillRow } from '../store.ts';

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/);

export const scheduleBody = z.strictObject({
  siteId: id,
  counterId: id,
  scenarioId: id,
  scheduledAt: z.iso.datetime({ offset: true }),
  participants: z.array(id).max(200).default([]),
  announced: z.boolean().default(true),
  jointPolice: z.boolean().default(false),
  trigger: z.enum(DRILL_TRIGGERS).default('virtual_bell'),
  note: z.string().trim().max(2_000).optional(),
});

const listQuery = z.strictObject({
  siteId: id.optional(),
  status: z.enum(DRILL_STATUSES).optional(),
});
const peopleQuery = z.strictObject({ siteId: id });
const trendQuery = z.strictObject({ siteId: id, limit: z.coerce.number().int().min(1).max(50).default(10) });

export function drillRoutes(ctx: ApiContext, drills: DrillService): Router {
  const r = Router();
  r.use('/drills', authenticate(ctx));

  r.get('/drills/scenarios', async (_req, res) => {
    const user = userOf(res);
    if (!canWriteScenarios(user)) throw forbidden('see drill scenarios');
    res.json({ items: await drills.scenarios() });
  });

  r.post('/drills/scenarios', async (req, res) => {
    const user = userOf(res);
    if (!canWriteScenarios(user)) throw forbidden('write drill scenarios');
    const scenario = parseBody(scenarioSchema, req.body);
    if (SCENARIO_LIBRARY.some((s) => s.id === scenario.id)) {
      throw new HttpError(409, 'scenario_built_in', `scenario ${scenario.id} is one of the built-in scenarios; choose another id`);
    }
    await drills.store.saveScenario(scenario.id, scenario as unknown as Record<string, unknown>, user.id);
    res.status(201).json({ ...scenario, builtIn: false });
  });

  // The people a planner picks participants from, by name: the site's active people (never their contact details).
  r.get('/drills/people', async (req, res) => {
    const q = parseQuery(peopleQuery, req.query);
    if (!canPlanDrills(userOf(res), q.siteId)) throw forbidden(`plan drills at site ${q.siteId}`);
    const people = (await ctx.directory.people()).filter((p) => mayTakePart(p, q.siteId));
    res.json({ items: people.map((p) => ({ id: p.id, name: p.name, roles: p.roles })).sort((a, b) => a.name.localeCompare(b.name, 'ko')) });
  });

  r.get('/drills/coverage', async (_req, res) => {
    const user = userOf(res);
    const scope = drillSiteScope(user);
    if (scope !== undefined && scope.length === 0) throw forbidden('see drill coverage');
    const sites = ctx.places.allSites().filter((s) => scope === undefined || scope.includes(s.id));
    const rows = await drills.store.list({ siteIds: sites.map((s) => s.id), limit: 5_000 });
    const items = coverage(sites, rows, new Date());
    res.json({ items, uncovered: items.filter((i) => !i.covered).map((i) => i.siteId) });
  });

  r.get('/drills/trends', async (req, res) => {
    const q = parseQuery(trendQuery, req.query);
    if (!canSeeDrills(userOf(res), q.siteId)) throw forbidden(`see the drills of site ${q.siteId}`);
    const rows = await drills.store.list({ siteIds: [q.siteId], status: ['completed'], limit: 1_000 });
    res.json({ siteId: q.siteId, items: trendOf(rows, q.siteId, q.limit) });
  });

  r.get('/drills', async (req, res) => {
    const q = parseQuery(listQuery, req.query);
    const user = userOf(res);
    const scope = drillSiteScope(user);
    if (scope !== undefined && scope.length === 0) throw forbidden('see drills');
    if (q.siteId && !canSeeDrills(user, q.siteId)) throw forbidden(`see the drills of site ${q.siteId}`);
    const rows = await drills.store.list({ siteIds: q.siteId ? [q.siteId] : scope, ...(q.status ? { status: [q.status] } : {}) });
    res.json({ items: rows.map(presentDrill) });
  });

  r.post('/drills', async (req, res) => {
    const body = parseBody(scheduleBody, req.body);
    const user = userOf(res);
    if (!canPlanDrills(user, body.siteId)) throw forbidden(`plan drills at site ${body.siteId}`);
    const site = ctx.places.site(body.siteId);
    if (!site) throw new HttpError(422, 'unknown_site', `site ${body.siteId} does not exist`);
    if (!ctx.places.counter(body.siteId, body.counterId)) throw new HttpError(422, 'unknown_counter', `counter ${body.counterId} is not a counter of site ${body.siteId}`);
    if (body.jointPolice && site.drillLiaison.length === 0) {
      throw new HttpError(422, 'no_drill_liaison', `site ${body.siteId} has no drill liaison numbers: a joint police drill would have nobody to reach (provisioning drillLiaison)`);
    }
    const people = await ctx.directory.people();
    const problems = participantProblems(body.participants, body.siteId, people);
    if (problems.length > 0) {
      throw new HttpError(422, 'unknown_participants', `not people of site ${body.siteId}: ${problems.map((p) => p.params.id).join(', ')}`, problems, { ids: problems.map((p) => p.params.id).join(', ') });
    }
    try {
      const row = await drills.schedule({ ...body, scheduledAt: new Date(body.scheduledAt) }, user.id);
      res.status(201).json(presentDrill(row));
    } catch (err) {
      throw mapped(err);
    }
  });

  // `/drills/{id}` and `/drills/{id}/report` answer the same report.
  for (const path of ['/drills/:id', '/drills/:id/report']) {
    r.get(path, async (req, res) => {
      const drill = await readable(drills, res, String(req.params.id));
      res.json(await drills.report(drill));
    });
  }

  r.get('/drills/:id/report.pdf', async (req, res) => {
    const drill = await readable(drills, res, req.params.id);
    const pdf = await drillReportPdf(await drills.report(drill));
    res.setHeader('Content-Type', 'application/pdf');
    res.setHeader('Content-Disposition', `attachment; filename="guardbell-drill-${drill.id}.pdf"`);
    res.send(pdf);
  });

  const action = (path: string, run: (d: DrillRow, by: string) => Promise<DrillRow>) => {
    r.post(`/drills/:id/${path}`, async (req, res) => {
      const drill = await readable(drills, res, req.params.id);
      try {
        res.json(presentDrill(await run(drill, userOf(res).id)));
      } catch (err) {
        throw mapped(err);
      }
    });
  };
  action('start', (d, by) => drills.run(d.id, by));
  action('resume', (d, by) => drills.resume(d.id, by));
  action('end', (d, by) => drills.end(d.id, by));
  action('cancel', (d) => drills.cancel(d.id));
  return r;
}

async function readable(drills: DrillService, res: Response, drillId: string): Promise<DrillRow> {
  const drill = await drills.store.get(drillId);
  // Not found and not allowed look the same, so ids cannot be probed.
  if (!drill || !canSeeDrills(userOf(res), drill.siteId)) throw notFound(`drill ${drillId}`);
  return drill;
}

function mapped(err: unknown): unknown {
  if (err instanceof DrillConflict) return new HttpError(err.code === 'unknown_scenario' ? 422 : 409, err.code, err.message, undefined, err.params);
  return err;
}

/** Who may take part in a site's drill: its active people, and administrators (they run drills anywhere). */
function mayTakePart(p: { active: boolean; siteIds: string[]; roles: string[] }, siteId: string): boolean {
  return p.active && (p.siteIds.includes(siteId) || p.roles.includes('admin'));
}

/** Each participant id that is no person of the site, as a problem of its own entry of `participants`. */
export function participantProblems(ids: readonly string[], siteId: string, people: readonly { id: string; active: boolean; siteIds: string[]; roles: string[] }[]) {
  return ids.flatMap((id, i) => {
    const person = people.find((p) => p.id === id);
    return person && mayTakePart(person, siteId) ? []
      : [{ path: `participants.${i}`, message: `${id} is not a person of site ${siteId}`, code: 'unknown_person' as const, params: { id } }];
  });
}
