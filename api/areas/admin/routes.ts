/**
 * Administration: sites with counters, bells, people and roles, rosters and escalation policies.
 *
 * Every change is a provisioning document built on the server: the stored site (with its counters and bells)
 * or person, with the one change made. It is validated by the provisioning validation itself, then applied by
 * the same path as `POST /provisioning`, which reloads the running system (places, roster, the broker's bell
 * credentials, serial lines) at once. So the admin screens can do exactly what the file can, with the same
 * messages; problems come back by the path of the form that was sent (`key`, `roster[1].personId`).
 */
import { randomBytes } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { canProvision, selfGrantProblem } from '../../auth/policy.ts';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { forbidden, HttpError, notFound, parseBody } from '../../http/errors.ts';
import { provisioningContext } from '../../provisioning/apply.ts';
import { normaliseDeviceId, validateProvisioning, type Problem } from '../../provisioning/index.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { newMachineSecret } from '../../../gateway/broker/bell-secret.ts';
import { asBody, reroot, type AdminProblem } from './problems.ts';
import { bellRow, personRow, readDirectory, setBellInService, setPersonActive, siteDocument, siteFields } from './store.ts';

type Doc = { sites?: Record<string, unknown>[]; people?: Record<string, unknown>[] };

/** A new bell key: 32 random bytes, as the bell's firmware takes it (PROTOCOL.md §1). */
export function newBellKey(): string {
  return randomBytes(32).toString('hex');
}

export function adminRoutes(ctx: AreaContext): Router {
  const r = Router();
  r.use('/admin', authenticate(ctx), (_req, res, next) => {
    if (!canProvision(userOf(res))) throw forbidden('administer sites, bells and people');
    next();
  });

  /**
   * Validates `doc` as a provisioning document (with `extra` problems of checks that need the database),
   * and applies it only when nothing is wrong; problems are re-rooted at `prefix`.
   */
  const change = async (res: Response, doc: Doc, prefix: string, extra: Problem[] = [], rename: Record<string, string> = {}) => {
    if (!ctx.provision) throw new HttpError(501, 'not_available', 'administration is not available in this process');
    const checked = validateProvisioning(doc, await provisioningContext(ctx.db));
    // A check made here with the database says more than the file's own for the same field (a bell id taken at
    // another site, not "already used by sites[0].bells[1]"): keep only the one.
    const ours = new Set(extra.map((p) => p.path));
    const problems = [...extra, ...(checked.ok ? [] : checked.problems.filter((p) => !ours.has(p.path)))];
    if (problems.length === 0) {
      const applied = await ctx.provision(JSON.stringify(doc), 'admin.json', userOf(res).id);
      if (applied.ok) return applied.summary;
      problems.push(...applied.problems);
    }
    throw invalid(reroot(problems, prefix, rename));
  };

  r.get('/admin/directory', async (_req, res) => {
    res.json(await readDirectory(ctx.db));
  });

  // Sites, with counters on creation.
  r.post('/admin/sites', async (req, res) => {
    const body = formBody(req.body);
    const extra: Problem[] = [];
    if (typeof body.id === 'string' && (await siteDocument(ctx.db, body.id))) extra.push({ path: 'sites[0].id', message: `site "${body.id}" already exists`, code: 'already_exists', params: { kind: 'site', id: body.id } });
    extra.push(...onlyOwnForms(body, ['bells', 'roster'], 'sites[0]'));
    const site = { ...siteFields(body), ...(body.counters !== undefined ? { counters: body.counters } : {}) };
    extra.push(...(await managerRoleProblems(ctx, Array.isArray(body.counters) ? body.counters : [], 'sites[0].counters')));
    const summary = await change(res, { sites: [site] }, 'sites[0]', extra);
    await answer(res, 201, summary, 'site', String(body.id));
  });

  r.put('/admin/sites/:siteId', async (req, res) => {
    const stored = await siteDocumentOr404(ctx, req.params.siteId);
    const body = formBody(req.body);
    const extra = [...onlyOwnForms(body, ['counters', 'bells', 'roster'], 'sites[0]'), ...sameId(body, stored.id as string, 'sites[0]')];
    // The policy has its own form: a site form that does not name it keeps it (a rename must not reset escalation).
    const kept = 'escalation' in body || stored.escalation === undefined ? {} : { escalation: stored.escalation };
    const site = { ...kept, ...siteFields(body), id: stored.id, counters: stored.counters, bells: stored.bells };
    const summary = await change(res, { sites: [site] }, 'sites[0]', extra);
    await answer(res, 200, summary, 'site', req.params.siteId);
  });

  // Counters: added to or changed in the stored site.
  const putCounter = async (res: Response, siteId: string, counterId: string | undefined, raw: unknown) => {
    const stored = await siteDocumentOr404(ctx, siteId);
    const body = formBody(raw);
    const counters = [...stored.counters];
    let at = counters.findIndex((c) => c.id === (counterId ?? body.id));
    const extra: Problem[] = [];
    if (counterId === undefined && at >= 0) extra.push({ path: `sites[0].counters[${counters.length}].id`, message: `counter "${String(body.id)}" already exists at site "${siteId}"`, code: 'already_exists', params: { kind: 'counter', id: String(body.id), site: siteId } });
    if (counterId !== undefined && at < 0) throw notFound(`counter ${counterId} of site ${siteId}`);
    if (counterId === undefined || at < 0) at = counters.length;
    const prefix = `sites[0].counters[${at}]`;
    if (counterId !== undefined) extra.push(...sameId(body, counterId, prefix));
    const counter = counterId !== undefined ? { ...body, id: counterId } : body;
    counters[at] = counter;
    extra.push(...(await managerRoleProblems(ctx, counters, 'sites[0].counters')).filter((p) => p.path.startsWith(prefix)));
    const summary = await change(res, { sites: [{ ...siteFields(stored), counters, bells: stored.bells }] }, prefix, extra);
    res.status(counterId === undefined ? 201 : 200).json({ summary, site: (await readDirectory(ctx.db)).sites.find((s) => s.id === siteId) });
  };
  r.post('/admin/sites/:siteId/counters', (req, res) => putCounter(res, req.params.siteId, undefined, req.body));
  r.put('/admin/sites/:siteId/counters/:counterId', (req, res) => putCounter(res, req.params.siteId, req.params.counterId, req.body));

  // Bells: the key is generated here when none is given, and shown in this answer only.
  r.post('/admin/bells', async (req, res) => {
    const { siteId, ...bell } = formBody(req.body);
    if (typeof siteId !== 'string' || siteId === '') throw invalid([{ path: 'siteId', message: 'is required', code: 'required', documentPath: 'siteId' }]);
    const stored = await siteDocument(ctx.db, siteId);
    if (!stored) throw invalid([{ path: 'siteId', message: `site "${siteId}" does not exist`, code: 'unknown_reference', params: { kind: 'site', id: siteId }, documentPath: 'siteId' }]);
    const at = stored.bells.length;
    const prefix = `sites[0].bells[${at}]`;
    const extra: Problem[] = [];
    if (typeof bell.id === 'string' && (await bellRow(ctx.db, bell.id))) extra.push({ path: `${prefix}.id`, message: `bell "${bell.id}" already exists`, code: 'already_exists', params: { kind: 'bell', id: bell.id } });
    extra.push(...(await deviceIdProblems(ctx, bell, prefix)));
    const generated = (bell.adapter ?? 'native') === 'native' && bell.key === undefined ? newBellKey() : undefined;
    const summary = await change(res, { sites: [{ ...siteFields(stored), counters: stored.counters, bells: [...stored.bells, { ...bell, ...(generated ? { key: generated } : {}) }] }] }, prefix, extra);
    const view = (await readDirectory(ctx.db)).bells.find((b) => b.id === bell.id);
    res.status(201).setHeader('Cache-Control', 'no-store').json({ summary, bell: view, ...(generated ? { key: generated } : {}) });
  });

  r.put('/admin/bells/:bellId', async (req, res) => {
    const row = await bellRow(ctx.db, req.params.bellId);
    if (!row) throw notFound(`bell ${req.params.bellId}`);
    const stored = (await siteDocument(ctx.db, row.siteId))!;
    const { siteId, ...bell } = formBody(req.body);
    const at = stored.bells.findIndex((b) => b.id === row.id);
    const prefix = `sites[0].bells[${at}]`;
    const extra = [...sameId(bell, row.id, prefix), ...(await deviceIdProblems(ctx, { ...bell, id: row.id }, prefix))];
    if (siteId !== undefined && siteId !== row.siteId) extra.push({ path: 'siteId', message: `a bell cannot move to another site: create a new bell there (this one is at site "${row.siteId}")`, code: 'bell_cannot_move', params: { site: row.siteId } });
    // Without a new key the bell keeps the one it has (a native bell changing nothing else must not lose it).
    const keep = bell.key === undefined && (bell.adapter ?? 'native') === 'native' && row.keyHex ? { key: row.keyHex } : {};
    const bells = stored.bells.map((b, i) => (i === at ? { ...bell, ...keep, id: row.id } : b));
    const summary = await change(res, { sites: [{ ...siteFields(stored), counters: stored.counters, bells }] }, prefix, extra);
    res.json({ summary, bell: (await readDirectory(ctx.db)).bells.find((b) => b.id === row.id) });
  });

  /** Applies one bell's new secret as the administrator's change of its site (audited: the field, never the value). */
  const changeBell = async (res: Response, bellId: string, secret: { key: string } | { mqttPassword: string }) => {
    const row = await bellRow(ctx.db, bellId);
    if (!row) throw notFound(`bell ${bellId}`);
    const stored = (await siteDocument(ctx.db, row.siteId))!;
    const at = stored.bells.findIndex((b) => b.id === row.id);
    const bells = stored.bells.map((b, i) => (i === at ? { ...b, ...secret } : b));
    return { bellId: row.id, summary: await change(res, { sites: [{ ...siteFields(stored), counters: stored.counters, bells }] }, `sites[0].bells[${at}]`) };
  };

  r.post('/admin/bells/:bellId/key', async (req, res) => {
    const key = newBellKey();
    const { bellId, summary } = await changeBell(res, req.params.bellId, { key });
    res.setHeader('Cache-Control', 'no-store').json({ summary, bell: (await readDirectory(ctx.db)).bells.find((b) => b.id === bellId), key });
  });

  // A new MQTT password for the bell (its broker login), shown in this answer only; the old one stops working.
  r.post('/admin/bells/:bellId/mqtt-password', async (req, res) => {
    const mqttPassword = newMachineSecret();
    const { bellId } = await changeBell(res, req.params.bellId, { mqttPassword });
    res.setHeader('Cache-Control', 'no-store').json({ bellId, username: bellId, mqttPassword });
  });

  // "Reset sequence": a bell whose counting restarted without a higher boot (replaced, re-flashed) is heard again.
  r.post('/admin/bells/:bellId/reset-sequence', async (req, res) => {
    const { reason } = parseBody(z.strictObject({ reason: z.string().trim().max(500).optional() }), req.body ?? {});
    const row = await bellRow(ctx.db, req.params.bellId);
    if (!row) throw notFound(`bell ${req.params.bellId}`);
    const epoch = await ctx.core.resetSequence(row.id);
    const detail = { change: 'sequence_reset', epoch, ...(reason ? { reason } : {}) };
    await appendAudit(ctx.db, { actorId: userOf(res).id, action: 'update', recordType: 'bell', recordId: row.id, detail });
    res.json({ bellId: row.id, epoch });
  });

  // Out of service: never deleted (its incidents keep it); the alarm path, supervision and health board forget it.
  r.put('/admin/bells/:bellId/service', async (req, res) => {
    const body = parseBody(z.strictObject({ inService: z.boolean(), reason: z.string().trim().max(500).optional() }), req.body);
    const row = await bellRow(ctx.db, req.params.bellId);
    if (!row) throw notFound(`bell ${req.params.bellId}`);
    if (!body.inService && !body.reason) throw invalid([{ path: 'reason', message: 'say why the bell leaves service (lost, broken, counter closed…)', code: 'required', documentPath: 'reason' }]);
    await setBellInService(ctx.db, row.id, body.inService, userOf(res).id, body.reason ?? '');
    await change(res, {}, '(file)'); // reloads the running system: the bell's presses are refused from now on
    res.json({ bell: (await readDirectory(ctx.db)).bells.find((b) => b.id === row.id) });
  });

  // People and roles; a password set here is validated as in the file and stored only as a hash.
  r.post('/admin/people', async (req, res) => {
    const body = formBody(req.body);
    const extra: Problem[] = [];
    if (typeof body.id === 'string' && (await personRow(ctx.db, body.id))) extra.push({ path: 'people[0].id', message: `person "${body.id}" already exists`, code: 'already_exists', params: { kind: 'person', id: body.id } });
    const summary = await change(res, { people: [body] }, 'people[0]', extra);
    res.status(201).json({ summary, person: (await readDirectory(ctx.db)).people.find((p) => p.id === body.id) });
  });

  r.put('/admin/people/:personId', async (req, res) => {
    const row = await personRow(ctx.db, req.params.personId);
    if (!row) throw notFound(`person ${req.params.personId}`);
    const body = formBody(req.body);
    const granted = selfGrantProblem(userOf(res).id, row.id, row.roles, body.roles);
    if (granted) throw new HttpError(403, 'self_grant', granted);
    const summary = await change(res, { people: [{ ...body, id: row.id }] }, 'people[0]', sameId(body, row.id, 'people[0]'));
    ctx.sessions.forgetPerson(row.id); // new roles apply to the next request, not in 30 s
    res.json({ summary, person: (await readDirectory(ctx.db)).people.find((p) => p.id === row.id) });
  });

  r.put('/admin/people/:personId/active', async (req, res) => {
    const { active } = parseBody(z.strictObject({ active: z.boolean() }), req.body);
    const row = await personRow(ctx.db, req.params.personId);
    if (!row) throw notFound(`person ${req.params.personId}`);
    if (!active && row.id === userOf(res).id) throw new HttpError(409, 'own_account', 'you cannot deactivate your own account: another admin must do it');
    await setPersonActive(ctx.db, row.id, active, userOf(res).id);
    // Its sessions rows went with the change (setPersonActive); this closes its open streams now.
    if (!active) ctx.sessions.ended({ personId: row.id, reason: 'deactivated' });
    ctx.sessions.forgetPerson(row.id);
    await change(res, {}, '(file)'); // reloads the running system: the roster forgets a deactivated guard now
    res.json({ person: (await readDirectory(ctx.db)).people.find((p) => p.id === row.id) });
  });

  // Rosters and escalation policies, as the site's `roster` and `escalation` in the file.
  r.put('/admin/sites/:siteId/roster', async (req, res) => {
    const stored = await siteDocumentOr404(ctx, req.params.siteId);
    const body = formBody(req.body);
    const extra = onlyKeys(body, ['roster']);
    if (body.roster === undefined) extra.push({ path: 'sites[0].roster', message: 'is required', code: 'required' });
    extra.push(...(await guardProblems(ctx, stored.id as string, body.roster)));
    const summary = await change(res, { sites: [{ ...siteFields(stored), roster: body.roster, counters: stored.counters, bells: stored.bells }] }, 'sites[0]', extra);
    await answer(res, 200, summary, 'site', req.params.siteId);
  });

  r.put('/admin/sites/:siteId/escalation', async (req, res) => {
    const stored = await siteDocumentOr404(ctx, req.params.siteId);
    const body = formBody(req.body);
    const extra = onlyKeys(body, ['escalation']);
    if (body.escalation === undefined) extra.push({ path: 'sites[0].escalation', message: 'is required (null returns the site to the default policy)', code: 'required' });
    // null: the site's own policy is removed and DESIGN.md's default applies again.
    const { escalation: _old, ...rest } = siteFields(stored);
    const site = { ...rest, ...(body.escalation !== null && body.escalation !== undefined ? { escalation: body.escalation } : {}), counters: stored.counters, bells: stored.bells };
    const summary = await change(res, { sites: [site] }, 'sites[0]', extra);
    await answer(res, 200, summary, 'site', req.params.siteId);
  });

  async function answer(res: Response, status: number, summary: unknown, kind: 'site', id: string) {
    res.status(status).json({ summary, [kind]: (await readDirectory(ctx.db)).sites.find((s) => s.id === id) });
  }
  return r;
}

function invalid(problems: AdminProblem[]): HttpError {
  return new HttpError(422, 'invalid_provisioning', `${problems.length} problem(s); nothing was changed`, problems);
}

function formBody(value: unknown): Record<string, unknown> {
  const body = asBody(value);
  if (!body) throw invalid([{ path: '(form)', message: 'expected an object', code: 'wrong_type', params: { expected: 'object' }, documentPath: '(file)' }]);
  return body;
}

async function siteDocumentOr404(ctx: AreaContext, siteId: string) {
  const stored = await siteDocument(ctx.db, siteId);
  if (!stored) throw notFound(`site ${siteId}`);
  return stored;
}

function sameId(body: Record<string, unknown>, id: string, prefix: string): Problem[] {
  return body.id !== undefined && body.id !== id ? [{ path: `${prefix}.id`, message: `an id cannot be changed (this is "${id}")`, code: 'id_unchangeable', params: { id } }] : [];
}

function onlyOwnForms(body: Record<string, unknown>, keys: string[], prefix: string): Problem[] {
  return keys.filter((k) => k in body).map((k) => ({ path: `${prefix}.${k}`, message: `${k} have their own form`, code: 'own_form', params: { field: k } }));
}

function onlyKeys(body: Record<string, unknown>, allowed: string[]): Problem[] {
  return Object.keys(body).filter((k) => !allowed.includes(k)).map((k) => ({ path: `sites[0].${k}`, message: `unknown key "${k}" (allowed: ${allowed.join(', ')})`, code: 'unknown_keys', params: { keys: k } }));
}

/** The file's reference checks trust people already in the database; the form can check their roles too. */
async function managerRoleProblems(ctx: AreaContext, counters: unknown[], prefix: string): Promise<Problem[]> {
  const people = new Map((await ctx.directory.people()).map((p) => [p.id, p]));
  return counters.flatMap((c, ci) => {
    const ids = asBody(c)?.managerIds;
    return (Array.isArray(ids) ? ids : []).flatMap((id, mi) => {
      const p = typeof id === 'string' ? people.get(id) : undefined;
      return p && !p.roles.includes('manager') ? [{ path: `${prefix}[${ci}].managerIds[${mi}]`, message: `person "${p.id}" does not have the role "manager"`, code: 'missing_role', params: { id: p.id, role: 'manager' } }] : [];
    });
  });
}

async function guardProblems(ctx: AreaContext, siteId: string, roster: unknown): Promise<Problem[]> {
  if (!Array.isArray(roster)) return [];
  const people = new Map((await ctx.directory.people()).map((p) => [p.id, p]));
  return roster.flatMap((shift, i): Problem[] => {
    const id = asBody(shift)?.personId;
    const p = typeof id === 'string' ? people.get(id) : undefined;
    const path = `sites[0].roster[${i}].personId`;
    if (!p) return [];
    if (!p.roles.includes('guard')) return [{ path, message: `person "${p.id}" does not have the role "guard"`, code: 'missing_role', params: { id: p.id, role: 'guard' } }];
    if (!p.siteIds.includes(siteId)) return [{ path, message: `person "${p.id}" is not a person of site "${siteId}"`, code: 'not_of_site', params: { id: p.id, site: siteId } }];
    if (!p.active) return [{ path, message: `person "${p.id}" is deactivated`, code: 'deactivated', params: { id: p.id } }];
    return [];
  });
}

/** The file checks device ids within itself; a bell of another site with the same address is in the database. */
async function deviceIdProblems(ctx: AreaContext, bell: Record<string, unknown>, prefix: string): Promise<Problem[]> {
  if (typeof bell.deviceId !== 'string') return [];
  const adapter = typeof bell.adapter === 'string' ? bell.adapter : 'native';
  const wanted = normaliseDeviceId(adapter, bell.deviceId);
  const other = (await ctx.directory.bells()).find((b) => b.id !== bell.id && b.adapter === adapter && b.deviceId === wanted);
  return other ? [{ path: `${prefix}.deviceId`, message: `device id ${JSON.stringify(bell.deviceId)} is already used by bell "${other.id}"`, code: 'duplicate_id', params: { id: bell.deviceId, first: other.id } }] : [];
}
