/**
 * /api/v1/cases, /complainants, /incidents/{id}/case-files: the legal team's case files.
 * validate → authorize (policy.ts) → store → present; every read and write is in the audit log.
 * The evidence upload, download and export are in evidence-routes.ts.
 */
import { Router } from 'express';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { forbidden, HttpError, notFound, parseBody } from '../../http/errors.ts';
import type { User } from '../../auth/policy.ts';
import { canReadIncident } from '../../auth/policy.ts';
import { actionPatchBody, casePatchBody, id as idSchema, linkIncidentsBody, newActionBody, newCaseBody, newComplainantBody, statementBody } from './bodies.ts';
import { COMPLAINANT, ComplainantStore } from './complainants.ts';
import {
  canListCases, canReadCase, canReadComplainants, canSeeComplainantWarning, canWriteCases, canWriteComplainants, caseAccess,
} from './policy.ts';
import { caseDetail, personNames, visibleCase, writableCase } from './case-access.ts';
import { evidenceRoutes } from './evidence-routes.ts';
import { presentAction, presentExists, presentStatement, presentSummary } from './present.ts';
import { CASE, CaseStore, type CaseWithScope } from './store.ts';
import type { CaseExistsView, CaseSummaryView, IncidentCaseFilesView } from '../../contract/cases.ts';

export function caseRoutes(ctx: AreaContext): Router {
  const r = Router();
  const store = new CaseStore(ctx.db);
  const complainants = new ComplainantStore(ctx.db);
  const detail = (c: CaseWithScope, access: 'write' | 'read') => caseDetail(ctx, store, complainants, c, access);
  r.use('/cases', authenticate(ctx));
  r.use('/complainants', authenticate(ctx));

  r.get('/cases', async (_req, res) => {
    const user = userOf(res);
    if (!canListCases(user)) throw forbidden('read case files');
    const rows = (await store.list()).filter((c) => caseAccess(user, c) !== null);
    const items = await summaries(ctx, store, complainants, user, rows);
    await store.auditRead(user.id, CASE, rows.map((c) => c.id), { list: true, view: caseAccess(user, rows[0] ?? { siteIds: [] }) });
    res.json({ items });
  });

  r.post('/cases', async (req, res) => {
    const user = userOf(res);
    if (!canWriteCases(user)) throw forbidden('open case files');
    const body = parseBody(newCaseBody, req.body);
    // Whoever opens a case is assigned to it unless others are named.
    if (!body.assignees.length) body.assignees = [user.id];
    await liveIncidents(ctx, body.incidentIds);
    await checkAssignees(ctx, body.assignees);
    if (body.complainantId && !(await complainants.get(body.complainantId))) throw new HttpError(422, 'unknown_complainant', `complainant ${body.complainantId} does not exist`);
    const row = await store.create(body, user.id, new Date());
    const c = (await store.get(row.id))!;
    res.status(201).json(await detail(c, 'write'));
  });

  r.get('/cases/:id', async (req, res) => {
    const user = userOf(res);
    const { c, access } = await visibleCase(store, res, String(req.params.id));
    if (access === 'exists') {
      await store.auditRead(user.id, CASE, [c.id], { view: 'exists' });
      res.json(presentExists(c));
      return;
    }
    const view = await detail(c, access);
    await store.auditRead(user.id, CASE, [c.id], { view: access });
    res.json(view);
  });

  r.patch('/cases/:id', async (req, res) => {
    const user = userOf(res);
    const { c } = await writableCase(store, res, String(req.params.id));
    const body = parseBody(casePatchBody, req.body);
    if (body.addIncidentIds) await liveIncidents(ctx, body.addIncidentIds);
    if (body.assignees) await checkAssignees(ctx, body.assignees);
    if (body.complainantId && !(await complainants.get(body.complainantId))) throw new HttpError(422, 'unknown_complainant', `complainant ${body.complainantId} does not exist`);
    await store.update(c.id, body, user.id, new Date());
    res.json(await detail((await store.get(c.id))!, 'write'));
  });

  r.post('/cases/:id/statements', async (req, res) => {
    const user = userOf(res);
    const { c } = await writableCase(store, res, String(req.params.id));
    const body = parseBody(statementBody, req.body);
    res.status(201).json(presentStatement(await store.addStatement(c.id, body, user.id, new Date())));
  });

  r.post('/cases/:id/actions', async (req, res) => {
    const user = userOf(res);
    const { c } = await writableCase(store, res, String(req.params.id));
    const body = parseBody(newActionBody, req.body);
    res.status(201).json(presentAction(await store.addAction(c.id, body, user.id, new Date())));
  });

  r.patch('/cases/:id/actions/:actionId', async (req, res) => {
    const user = userOf(res);
    const { c } = await writableCase(store, res, String(req.params.id));
    const body = parseBody(actionPatchBody, req.body);
    const action = await store.action(c.id, String(req.params.actionId));
    if (!action) throw notFound(`legal action ${String(req.params.actionId)} of case ${c.id}`);
    res.json(presentAction(await store.updateAction(c.id, action.id, body, user.id, new Date())));
  });

  r.get('/incidents/:id/case-files', authenticate(ctx), async (req, res) => {
    const user = userOf(res);
    const incident = await ctx.incidents.get(String(req.params.id));
    if (!incident || !canReadIncident(user, incident)) throw notFound(`incident ${String(req.params.id)}`);
    const cases = (await store.casesOfIncident(incident.id)).filter((c) => caseAccess(user, c) !== null);
    const warned = canSeeComplainantWarning(user, incident.siteId);
    const warnings = warned ? await complainants.warnings(await complainants.ofIncident(incident.id), [incident.id]) : [];
    const view: IncidentCaseFilesView = {
      incidentId: incident.id,
      canOpenCase: canWriteCases(user) && incident.mode === 'live',
      cases: await summaries(ctx, store, complainants, user, cases),
      complainants: warnings,
    };
    await store.auditRead(user.id, CASE, cases.map((c) => c.id), { incidentId: incident.id, view: caseAccess(user, cases[0] ?? { siteIds: [] }) });
    await store.auditRead(user.id, COMPLAINANT, warnings.map((w) => w.complainantId), { warning: true, incidentId: incident.id });
    res.json(view);
  });

  r.get('/complainants', async (_req, res) => {
    const user = userOf(res);
    if (!canReadComplainants(user)) throw forbidden('read complainant records');
    const rows = await complainants.list();
    await store.auditRead(user.id, COMPLAINANT, rows.map((c) => c.id), { list: true });
    res.json({ items: await complainants.views(rows) });
  });

  r.post('/complainants', async (req, res) => {
    const user = userOf(res);
    if (!canWriteComplainants(user)) throw forbidden('record complainants');
    const body = parseBody(newComplainantBody, req.body);
    await liveIncidents(ctx, body.incidentIds);
    const row = await complainants.create(body, user.id, new Date());
    const [view] = await complainants.views([row]);
    res.status(201).json({ ...view, warnings: await complainants.warnings([row.id], body.incidentIds) });
  });

  r.get('/complainants/:id', async (req, res) => {
    const user = userOf(res);
    if (!canReadComplainants(user)) throw forbidden('read complainant records');
    const row = await complainants.get(parseId(req.params.id));
    if (!row) throw notFound(`complainant ${String(req.params.id)}`);
    await store.auditRead(user.id, COMPLAINANT, [row.id], {});
    res.json((await complainants.views([row]))[0]);
  });

  /** Links incidents to a known complainant; answers with the warning ("known complainant, N earlier incidents …"). */
  r.post('/complainants/:id/incidents', async (req, res) => {
    const user = userOf(res);
    if (!canWriteComplainants(user)) throw forbidden('record complainants');
    const body = parseBody(linkIncidentsBody, req.body);
    const row = await complainants.get(parseId(req.params.id));
    if (!row) throw notFound(`complainant ${String(req.params.id)}`);
    await liveIncidents(ctx, body.incidentIds);
    const [warning] = await complainants.warnings([row.id], body.incidentIds);
    await complainants.link(row.id, body.incidentIds, user.id, new Date());
    res.json({ ...(await complainants.views([row]))[0], warning: warning ?? null });
  });

  r.use(evidenceRoutes(ctx));
  return r;
}

function parseId(value: unknown): string {
  const r = idSchema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'invalid_request', 'invalid id in the path');
  return r.data;
}

/** Every incident exists and is live (a drill has no complainant and no case). */
async function liveIncidents(ctx: AreaContext, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const incident = await ctx.incidents.get(id);
    if (!incident) throw new HttpError(422, 'unknown_incident', `incident ${id} does not exist`);
    if (incident.mode !== 'live') throw new HttpError(422, 'drill_incident', `incident ${id} is a drill: case files are for live incidents`);
  }
}

/** Those assigned must be able to read the case: the legal team or auditors. */
async function checkAssignees(ctx: AreaContext, ids: readonly string[]): Promise<void> {
  for (const id of ids) {
    const p = await ctx.directory.person(id);
    if (!p || !p.active) throw new HttpError(422, 'unknown_person', `person ${id} does not exist`);
    if (!p.roles.includes('legal') && !p.roles.includes('auditor')) throw new HttpError(422, 'not_task_force', `${id} is neither legal nor auditor: they could not read the case`);
  }
}

async function summaries(ctx: AreaContext, store: CaseStore, complainants: ComplainantStore, user: User, rows: CaseWithScope[]): Promise<(CaseSummaryView | CaseExistsView)[]> {
  if (!rows.length) return [];
  const names = await personNames(ctx);
  const counts = await store.counts(rows.map((c) => c.id));
  const out: (CaseSummaryView | CaseExistsView)[] = [];
  for (const c of rows) {
    const access = caseAccess(user, c);
    if (access === 'exists') out.push(presentExists(c));
    else if (access) out.push(presentSummary(c, access, names, c.complainantId ? await complainants.get(c.complainantId) : null, counts.get(c.id)!));
  }
  return out;
}
