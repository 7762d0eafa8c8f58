/** Loading a case as the user may see it, and its full view (shared by routes.ts and evidence-routes.ts). */
import type { Response } from 'express';
import type { ApiContext } from '../../http/context.ts';
import { userOf } from '../../http/context.ts';
import { forbidden, notFound } from '../../http/errors.ts';
import { id as idSchema } from './bodies.ts';
import type { ComplainantStore } from './complainants.ts';
import { canListCases, canReadCase, canWriteCases, caseAccess } from './policy.ts';
import { presentAction, presentCustody, presentEvidence, presentStatement, presentSummary, type Names } from './present.ts';
import type { CaseStore, CaseWithScope } from './store.ts';
import type { CaseDetailView } from '../../contract/cases.ts';

/** The case and how much of it the user sees; 403 for roles that never see cases, 404 when not visible. */
export async function visibleCase(store: CaseStore, res: Response, caseId: string): Promise<{ c: CaseWithScope; access: 'write' | 'read' | 'exists' }> {
  const user = userOf(res);
  if (!canListCases(user)) throw forbidden('read case files');
  const c = idSchema.safeParse(caseId).success ? await store.get(caseId) : null;
  const access = c ? caseAccess(user, c) : null;
  if (!c || !access) throw notFound(`case ${caseId}`);
  return { c, access };
}

export async function readableCase(store: CaseStore, res: Response, caseId: string): Promise<{ c: CaseWithScope; access: 'write' | 'read' }> {
  const { c, access } = await visibleCase(store, res, caseId);
  if (access === 'exists' || !canReadCase(userOf(res), c)) throw forbidden('read the content of case files');
  return { c, access };
}

export async function writableCase(store: CaseStore, res: Response, caseId: string): Promise<{ c: CaseWithScope }> {
  if (!canWriteCases(userOf(res))) throw forbidden('change case files');
  const { c } = await visibleCase(store, res, caseId);
  return { c };
}

export async function personNames(ctx: ApiContext): Promise<Names> {
  return new Map((await ctx.directory.people()).map((p) => [p.id, p.name]));
}

export async function caseDetail(ctx: ApiContext, store: CaseStore, complainants: ComplainantStore, c: CaseWithScope, access: 'write' | 'read'): Promise<CaseDetailView> {
  const names = await personNames(ctx);
  const complainantRow = c.complainantId ? await complainants.get(c.complainantId) : null;
  const evidence = await store.evidence(c.id);
  const incidents = [];
  for (const id of c.incidentIds) {
    const i = await ctx.incidents.get(id);
    if (!i) continue;
    // Names and the reference, as people know the incident (the page and the summary PDF prefer them to ids).
    const siteName = ctx.places.site(i.siteId)?.name;
    const counterName = ctx.places.counter(i.siteId, i.counterId)?.name;
    incidents.push({
      id: i.id, ...(i.reference ? { reference: i.reference } : {}), ...(siteName ? { siteName } : {}), ...(counterName ? { counterName } : {}),
      siteId: i.siteId, counterId: i.counterId, openedAt: i.openedAt.toISOString(), status: i.status, classification: [...i.classification],
    });
  }
  const custody = await Promise.all(evidence.map((e) => store.custody(e.id)));
  const counts = (await store.counts([c.id])).get(c.id)!;
  return {
    ...presentSummary(c, access, names, complainantRow, counts),
    summary: c.summary,
    createdBy: c.createdBy,
    incidents,
    complainant: complainantRow ? (await complainants.views([complainantRow]))[0]! : null,
    complainantWarning: complainantRow ? ((await complainants.warnings([complainantRow.id], c.incidentIds))[0] ?? null) : null,
    statements: (await store.statements(c.id)).map(presentStatement),
    evidence: evidence.map((e, i) => presentEvidence(e, names, presentCustody(custody[i]!, names))),
    actions: (await store.actions(c.id)).map(presentAction),
  };
}
