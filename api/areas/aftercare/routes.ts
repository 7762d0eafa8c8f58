/** /api/v1/aftercare: the victim's aftercare record. validate → authorize (policy.ts) → store → present. */
import { Router, type Response } from 'express';
import { z } from 'zod';
import { canRespond, type User } from '../../auth/policy.ts';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { forbidden, HttpError, notFound, parseBody, parseQuery } from '../../http/errors.ts';
import type { Classification } from '../../contract/index.ts';
import { localDate } from '../../domain/zoned-time.ts';
import { allowanceSummary, isCalendarDate, yearOfDate } from './allowance.ts';
import { aftercareView, canAddStatement, canOpenRecord, canSeeRepeatTargeting, canWriteCare } from './policy.ts';
import { presentClaim, presentEntry, presentStatus, presentTransfer } from './present.ts';
import { REPEAT_THRESHOLD, repeatTargeting } from './repeat-targeting.ts';
import { AftercareStore, AllowanceExceeded, ClaimNotPending, RecordExists, type RecordRow } from './store.ts';
import { AFTERCARE_STATUSES, CARE_ENTRY_KINDS, CLAIM_KINDS, TRANSFER_OUTCOMES, type AftercareDetailView, type AftercareStatusView, type MyIncidentView } from '../../contract/aftercare.ts';
import { DEFAULT_TIMEZONE } from '../../contract/index.ts';

const id = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be an id of [A-Za-z0-9_.-]{1,64}');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const date = z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD');

export const openRecordBody = z.strictObject({ incidentId: id, personId: id });
export const careEntryBody = z.strictObject({
  kind: z.enum(CARE_ENTRY_KINDS),
  date: date.optional(),
  /** What the staff member may read: the counsellor or programme, a summary of the referral. */
  summary: text(500).optional(),
  /** The counsellor's confidential note: only counsellors ever read it. */
  note: text(10_000).optional(),
});
export const statementBody = z.strictObject({ text: text(10_000) });
export const recordPatchBody = z.strictObject({
  status: z.enum(AFTERCARE_STATUSES).optional(),
  recoveryLeaveDays: z.number().int().min(0).max(366).optional(),
  transfer: z.strictObject({ to: text(200), outcome: z.enum(TRANSFER_OUTCOMES).default('pending') }).nullable().optional(),
});
export const claimBody = z.strictObject({
  kind: z.enum(CLAIM_KINDS),
  claimDate: date.optional(),
  amountKrw: z.number().int().min(1).max(100_000_000),
  description: z.string().trim().max(500).default(''),
  approve: z.boolean().default(false),
  exceptionReason: text(1000).optional(),
});
export const decisionBody = z.strictObject({ decision: z.enum(['approved', 'rejected']), exceptionReason: text(1000).optional() });

export function aftercareRoutes(ctx: AreaContext): Router {
  const r = Router();
  const store = new AftercareStore(ctx.db);
  r.use('/aftercare', authenticate(ctx));

  r.get('/aftercare', async (_req, res) => {
    const user = userOf(res);
    const rows = (await store.list()).filter((row) => aftercareView(user, row) !== null);
    const names = await personNames(ctx);
    const items: AftercareStatusView[] = [];
    for (const row of rows) {
      const item = presentStatus(row, aftercareView(user, row)!, names.get(row.personId) ?? row.personId);
      if (canSeeRepeatTargeting(user, row.siteId)) item.repeatTargeting = await warningFor(store, row, ctx);
      items.push(item);
    }
    await store.auditRead(user.id, rows.map((row) => row.id), { list: true });
    res.json({ items });
  });

  r.post('/aftercare', async (req, res) => {
    const body = parseBody(openRecordBody, req.body);
    const user = userOf(res);
    const incident = await ctx.incidents.get(body.incidentId);
    if (!incident || !canOpenRecord(user, incident.siteId)) {
      if (incident && !canOpenRecord(user, incident.siteId)) throw forbidden('open aftercare records');
      throw notFound(`incident ${body.incidentId}`);
    }
    if (incident.mode !== 'live') throw new HttpError(422, 'drill_incident', 'a drill has no victims: aftercare is for live incidents');
    const person = await ctx.directory.person(body.personId);
    // One answer for a person who does not exist and one of another site: the form cannot probe person ids.
    if (!person || !person.roles.includes('staff') || !person.siteIds.includes(incident.siteId)) {
      throw new HttpError(422, 'not_staff', `${body.personId} is not a member of staff at the incident's site`);
    }
    let row: RecordRow;
    try {
      row = await store.create({ incidentId: incident.id, personId: person.id, siteId: incident.siteId }, user.id, new Date());
    } catch (err) {
      if (err instanceof RecordExists) throw new HttpError(409, 'aftercare_exists', err.message);
      throw err;
    }
    res.status(201).json(presentStatus(row, aftercareView(user, row) ?? 'status', person.name));
  });

  r.get('/aftercare/my-incidents', async (_req, res) => {
    const user = userOf(res);
    res.json({ items: await myIncidents(ctx, store, user) });
  });

  r.get('/aftercare/repeat-targets', async (_req, res) => {
    const user = userOf(res);
    const rows = (await store.list()).filter((row) => canSeeRepeatTargeting(user, row.siteId));
    const names = await personNames(ctx);
    const seen = new Set<string>();
    const items = [];
    for (const row of rows) {
      if (seen.has(row.personId)) continue;
      seen.add(row.personId);
      const w = repeatTargeting(row.personId, await store.victimHistory(row.personId), new Date());
      if (w && w.count > REPEAT_THRESHOLD) items.push({ ...w, personName: names.get(row.personId) ?? row.personId });
    }
    res.json({ items });
  });

  /** Victims named at separations who have no aftercare record yet: for those who may open one. */
  r.get('/aftercare/victims', async (_req, res) => {
    const user = userOf(res);
    const names = await personNames(ctx);
    const have = new Set((await store.list()).map((row) => `${row.incidentId}|${row.personId}`));
    const items = [];
    for (const s of await store.namedVictims()) {
      if (!canOpenRecord(user, s.siteId)) continue;
      for (const personId of (s.data.victimIds as string[] | undefined) ?? []) {
        if (have.has(`${s.incidentId}|${personId}`)) continue;
        have.add(`${s.incidentId}|${personId}`);
        items.push({ incidentId: s.incidentId, personId, personName: names.get(personId) ?? personId, siteId: s.siteId, openedAt: s.openedAt.toISOString(), separatedAt: s.at.toISOString() });
      }
    }
    res.json({ items });
  });

  /** The staff of an incident's site, for naming victims at a separation (responders of that site). */
  r.get('/aftercare/staff', async (req, res) => {
    const q = parseQuery(z.strictObject({ incidentId: id }), req.query);
    const user = userOf(res);
    const incident = await ctx.incidents.get(q.incidentId);
    if (!incident || !canRespond(user, incident.siteId)) throw notFound(`incident ${q.incidentId}`);
    const items = (await ctx.directory.people())
      .filter((p) => p.active && p.roles.includes('staff') && p.siteIds.includes(incident.siteId))
      .map((p) => ({ id: p.id, name: p.name }));
    res.json({ items });
  });

  r.get('/aftercare/:id', async (req, res) => {
    const user = userOf(res);
    const { row, view } = await visible(store, res, req.params.id);
    const names = await personNames(ctx);
    const status = presentStatus(row, view, names.get(row.personId) ?? row.personId);
    if (canSeeRepeatTargeting(user, row.siteId)) status.repeatTargeting = await warningFor(store, row, ctx);
    await store.auditRead(user.id, [row.id], { view });
    if (view === 'status') {
      res.json(status);
      return;
    }
    res.json(await detail(ctx, store, row, view, status, names));
  });

  r.patch('/aftercare/:id', async (req, res) => {
    const body = parseBody(recordPatchBody, req.body);
    const user = userOf(res);
    const { row } = await writable(store, res, req.params.id);
    const now = new Date();
    const transfer = body.transfer === undefined ? undefined : body.transfer === null ? null : {
      to: body.transfer.to, outcome: body.transfer.outcome,
      requestedAt: (row.transfer?.requestedAt as string | undefined) ?? now.toISOString(),
      decidedAt: body.transfer.outcome === 'pending' ? null : now.toISOString(),
    };
    const updated = await store.update(row.id, { status: body.status, recoveryLeaveDays: body.recoveryLeaveDays, transfer }, user.id, now);
    const names = await personNames(ctx);
    res.json(presentStatus(updated, 'full', names.get(updated.personId) ?? updated.personId));
  });

  r.post('/aftercare/:id/entries', async (req, res) => {
    const body = parseBody(careEntryBody, req.body);
    const user = userOf(res);
    const { row } = await writable(store, res, req.params.id);
    const e = await store.addEntry(row.id, {
      kind: body.kind, at: new Date(),
      detail: { ...(body.date ? { date: body.date } : {}), ...(body.summary ? { summary: body.summary } : {}) },
      note: body.note ?? null,
    }, user.id);
    res.status(201).json(presentEntry(e, 'full', await personNames(ctx)));
  });

  r.post('/aftercare/:id/statements', async (req, res) => {
    const body = parseBody(statementBody, req.body);
    const user = userOf(res);
    const { row } = await visible(store, res, req.params.id);
    if (!canAddStatement(user, row)) throw forbidden('add a statement to another person\'s aftercare record');
    const e = await store.addEntry(row.id, { kind: 'statement', at: new Date(), detail: { text: body.text }, note: null }, user.id);
    res.status(201).json(presentEntry(e, 'self', await personNames(ctx)));
  });

  r.post('/aftercare/:id/claims', async (req, res) => {
    const body = parseBody(claimBody, req.body);
    const user = userOf(res);
    const { row } = await writable(store, res, req.params.id);
    const claimDate = body.claimDate ?? localDate(new Date(), siteZone(ctx, row.siteId));
    try {
      const claim = await store.addClaim(row, {
        kind: body.kind, claimDate, year: yearOfDate(claimDate), amountKrw: body.amountKrw, description: body.description,
        approve: body.approve, exceptionReason: body.exceptionReason ?? null,
      }, user.id, new Date());
      res.status(201).json(presentClaim(claim));
    } catch (err) {
      throw claimError(err);
    }
  });

  r.post('/aftercare/:id/claims/:claimId/decision', async (req, res) => {
    const body = parseBody(decisionBody, req.body);
    const user = userOf(res);
    const { row } = await writable(store, res, req.params.id);
    const claimId = Number(req.params.claimId);
    if (!Number.isSafeInteger(claimId) || claimId < 1) throw notFound(`claim ${req.params.claimId}`);
    try {
      const claim = await store.decideClaim(row, claimId, body.decision, body.exceptionReason ?? null, user.id, new Date());
      if (!claim) throw notFound(`claim ${claimId}`);
      res.json(presentClaim(claim));
    } catch (err) {
      throw claimError(err);
    }
  });
  return r;
}

function claimError(err: unknown): unknown {
  if (err instanceof AllowanceExceeded) {
    const params = { remainingKrw: err.summary.remainingKrw, overByKrw: err.overByKrw, year: err.summary.year };
    return new HttpError(422, 'exception_required', err.message, params, params);
  }
  if (err instanceof ClaimNotPending) return new HttpError(409, 'claim_decided', err.message);
  return err;
}

function siteZone(ctx: AreaContext, siteId: string): string {
  return ctx.places.site(siteId)?.timezone ?? DEFAULT_TIMEZONE;
}

async function personNames(ctx: AreaContext): Promise<Map<string, string>> {
  return new Map((await ctx.directory.people()).map((p) => [p.id, p.name]));
}

/** Not found and not allowed look the same, so record ids cannot be probed. */
async function visible(store: AftercareStore, res: Response, recordId: string) {
  const row = await store.get(recordId);
  const view = row ? aftercareView(userOf(res), row) : null;
  if (!row || !view) throw notFound(`aftercare record ${recordId}`);
  return { row, view };
}

async function writable(store: AftercareStore, res: Response, recordId: string) {
  const found = await visible(store, res, recordId);
  if (!canWriteCare(userOf(res))) throw forbidden('write aftercare records');
  return found;
}

async function warningFor(store: AftercareStore, row: RecordRow, ctx: AreaContext) {
  const incident = await ctx.incidents.get(row.incidentId);
  return repeatTargeting(row.personId, await store.victimHistory(row.personId), incident?.openedAt ?? new Date(), row.incidentId);
}

async function detail(
  ctx: AreaContext, store: AftercareStore, row: RecordRow, view: 'full' | 'self', status: AftercareStatusView, names: Map<string, string>,
): Promise<AftercareDetailView> {
  const [incident, entries, claims, allowanceKrw] = await Promise.all([
    ctx.incidents.get(row.incidentId), store.entries(row.id), store.claimsOfPerson(row.personId), store.allowanceKrw(row.siteId),
  ]);
  const year = Number(localDate(new Date(), siteZone(ctx, row.siteId)).slice(0, 4));
  return {
    ...status,
    incident: {
      openedAt: incident?.openedAt.toISOString() ?? '',
      siteName: ctx.places.site(row.siteId)?.name ?? row.siteId,
      counterName: incident ? (ctx.places.counter(incident.siteId, incident.counterId)?.name ?? incident.counterId) : '',
      classification: (incident?.classification ?? []) as Classification[],
      status: incident?.status ?? '',
    },
    recoveryLeaveDays: row.recoveryLeaveDays,
    transfer: presentTransfer(row.transfer ?? null),
    entries: entries.map((e) => presentEntry(e, view, names)),
    claims: claims.filter((c) => c.recordId === row.id).map(presentClaim),
    allowance: allowanceSummary(claims, year, allowanceKrw),
  };
}

async function myIncidents(ctx: AreaContext, store: AftercareStore, user: User): Promise<MyIncidentView[]> {
  const [separations, records] = await Promise.all([store.separationsOf(user.id), store.list({ personId: user.id })]);
  const ids = [...new Set([...separations.map((s) => s.incidentId), ...records.map((r) => r.incidentId)])];
  const items: MyIncidentView[] = [];
  for (const incidentId of ids) {
    const i = await ctx.incidents.get(incidentId);
    if (!i || i.mode !== 'live') continue;
    const sep = separations.find((s) => s.incidentId === incidentId);
    items.push({
      incidentId, openedAt: i.openedAt.toISOString(), siteName: ctx.places.site(i.siteId)?.name ?? i.siteId,
      counterName: ctx.places.counter(i.siteId, i.counterId)?.name ?? i.counterId, status: i.status, classification: i.classification,
      separatedAt: sep?.at.toISOString() ?? null, separatedTo: (sep?.data.separatedTo as string | undefined) ?? null,
      aftercareId: records.find((r) => r.incidentId === incidentId)?.id ?? null,
    });
  }
  return items.sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}
