import { Router, type Response } from 'express';
import type { IncidentDetail } from '../../contract/index.ts';
import { canCloseOrCancel, canRaiseAlarm, canReadIncident, canRespond, canSeeAllSites, canSeeContactNumbers, maskPhone, type User } from '../../auth/policy.ts';
import type { IncidentAction } from '../../domain/index.ts';
import { presentIncident, presentTimelineEntry } from '../../core/present.ts';
import { presentNotification } from '../../escalation/outbox.ts';
import type { IncidentRecord } from '../../store/index.ts';
import { closeBody, incidentListQuery, raiseIncidentBody, reasonBody, responseEventBody } from '../bodies.ts';
import { authenticate, userOf, type ApiContext } from '../context.ts';
import { separationData } from '../../areas/aftercare/separation.ts';
import { forbidden, HttpError, notFound, parseBody, parseQuery } from '../errors.ts';

export function incidentRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.use('/incidents', authenticate(ctx));

  r.get('/incidents', async (req, res) => {
    const q = parseQuery(incidentListQuery, req.query);
    const user = userOf(res);
    const scope = scopeFor(user);
    let records: IncidentRecord[];
    try {
      records = await ctx.incidents.list({ status: q.status, mode: q.mode, limit: q.limit, reference: q.reference, ...scope });
    } catch (err) {
      // Database away: open incidents are still known in memory, and a console that reconnects must see them.
      if (q.status !== 'open') throw err;
      records = ctx.core.openIncidentsInMemory().filter((i) => (!q.mode || i.mode === q.mode) && (!q.reference || (i.reference ?? '').includes(q.reference.toUpperCase())));
      res.setHeader('X-Guardbell-Degraded', 'database unavailable; open incidents from memory');
    }
    const items = records.filter((i) => canReadIncident(user, i)).map((i) => presentIncident(i, ctx.places));
    res.json({ items });
  });

  r.post('/incidents', async (req, res) => {
    const body = parseBody(raiseIncidentBody, req.body);
    const user = userOf(res);
    // Permission first: a site's counters are not revealed to someone who may not raise an alarm there.
    if (body.siteId !== undefined && !canRaiseAlarm(user, body.siteId)) throw forbidden(`raise an alarm at site ${body.siteId}`);
    const siteId = body.siteId ?? siteOfCounter(ctx, user, body.counterId);
    if (!canRaiseAlarm(user, siteId)) throw forbidden(`raise an alarm at site ${siteId}`);
    if (!ctx.places.counter(siteId, body.counterId)) {
      throw new HttpError(422, 'unknown_counter', `counter ${body.counterId} is not a counter of site ${siteId}`);
    }
    const record = await ctx.core.raiseFromConsole({ siteId, counterId: body.counterId, violence: body.violence, by: user.id, note: body.note });
    res.status(201).json(presentIncident(record, ctx.places));
  });

  r.get('/incidents/:id', async (req, res) => {
    const record = await readable(ctx, res, req.params.id);
    const [entries, people, notifications, steps] = await Promise.all([
      ctx.incidents.timeline(record.id), ctx.directory.people(), ctx.escalation.notifications(record.id), ctx.escalation.steps(record.id),
    ]);
    const names = new Map(people.map((p) => [p.id, p.name]));
    const numbers = canSeeContactNumbers(userOf(res), record.siteId);
    const detail: IncidentDetail = {
      ...presentIncident(record, ctx.places),
      timeline: entries.map((e) => presentTimelineEntry(e, names)),
      notifications: notifications.map((n) => ({
        ...presentNotification(n),
        ...(numbers ? {} : { to: maskPhone(n.to) }),
        personName: n.personId ? (names.get(n.personId) ?? null) : null,
      })),
      escalation: steps.map((s) => ({ stepId: s.stepId, status: s.status, dueAt: s.dueAt?.toISOString() ?? null, firedAt: s.firedAt?.toISOString() ?? null, reason: s.reason })),
    };
    res.json(detail);
  });

  r.post('/incidents/:id/acknowledge', async (req, res) => {
    const user = userOf(res);
    await act(ctx, res, req.params.id, canRespond, 'acknowledge incidents', { type: 'acknowledge', by: user.id });
  });

  r.post('/incidents/:id/events', async (req, res) => {
    const body = parseBody(responseEventBody, req.body);
    const user = userOf(res);
    const action = toAction(body, user.id);
    if (action.type === 'side_event' && action.event === 'victim_separated' && (body.victims || body.separatedTo || body.separatedBy)) {
      // Victims, where to and by whom, checked against the directory (added, optional data) — only
      // for someone who may respond here, so that the check tells nobody else which people exist.
      const record = await readable(ctx, res, req.params.id);
      if (!canRespond(user, record.siteId)) throw forbidden('record response events');
      const sep = separationData(body, user.id, record.siteId, await ctx.directory.people());
      if (!sep.ok) throw new HttpError(422, 'invalid_separation', sep.problems.map((p) => `${p.path}: ${p.message}`).join('; '), sep.problems);
      action.data = { ...(action.data ?? {}), ...sep.data };
    }
    await act(ctx, res, req.params.id, canRespond, 'record response events', action);
  });

  r.post('/incidents/:id/close', async (req, res) => {
    const body = parseBody(closeBody, req.body);
    const user = userOf(res);
    await act(ctx, res, req.params.id, canCloseOrCancel, 'close incidents', { type: 'close', by: user.id, ...body });
  });

  r.post('/incidents/:id/cancel', async (req, res) => {
    const body = parseBody(reasonBody, req.body);
    await act(ctx, res, req.params.id, canCloseOrCancel, 'cancel incidents', { type: 'cancel', by: userOf(res).id, reason: body.reason });
  });

  r.post('/incidents/:id/reopen', async (req, res) => {
    const body = parseBody(reasonBody, req.body);
    await act(ctx, res, req.params.id, canCloseOrCancel, 'reopen incidents', { type: 'reopen', by: userOf(res).id, reason: body.reason });
  });
  return r;
}

function scopeFor(user: User): { siteIds?: string[]; raisedBy?: string } {
  if (canSeeAllSites(user)) return {};
  if (user.roles.includes('guard') || user.roles.includes('manager')) return { siteIds: user.siteIds };
  return { raisedBy: user.id };
}

function siteOfCounter(ctx: ApiContext, user: User, counterId: string): string {
  // Users who see every site (admins, legal) belong to none: search all sites for them.
  const candidates = canSeeAllSites(user) ? ctx.places.allSites().map((s) => s.id) : user.siteIds;
  const sites = candidates.filter((s) => ctx.places.counter(s, counterId));
  if (sites.length === 1) return sites[0]!;
  if (sites.length === 0) throw new HttpError(422, 'unknown_counter', `counter ${counterId} is not at any of your sites; give siteId`);
  throw new HttpError(422, 'ambiguous_counter', `counter ${counterId} exists at several of your sites; give siteId`);
}

async function readable(ctx: ApiContext, res: Response, id: string): Promise<IncidentRecord> {
  return mayRead(res, id, await ctx.incidents.get(id));
}

/** The incident, if the user may read it. Not found and not allowed look the same, so ids cannot be probed. */
function mayRead<T extends IncidentRecord>(res: Response, id: string, record: T | null | undefined): T {
  if (!record || !canReadIncident(userOf(res), record)) throw notFound(`incident ${id}`);
  return record;
}

async function act(
  ctx: ApiContext,
  res: Response,
  id: string,
  allowed: (u: User, siteId: string) => boolean,
  what: string,
  action: IncidentAction,
): Promise<void> {
  // Who may act turns on the incident's site and who raised it, which never change: an open incident's copy in memory
  // answers that without a read. The action itself is decided against the stored row, under its lock.
  const scope = mayRead(res, id, ctx.core.open.get(id) ?? (await ctx.incidents.get(id)));
  if (!allowed(userOf(res), scope.siteId)) throw forbidden(what);
  const updated = await ctx.core.act(id, action);
  res.json(presentIncident(updated, ctx.places));
}

function toAction(body: ReturnType<typeof responseEventBody.parse>, by: string): IncidentAction {
  switch (body.type) {
    case 'responding':
      return { type: 'advance', to: 'responding', by, note: body.note };
    case 'guard_on_scene':
      return { type: 'advance', to: 'on_scene', by, note: body.note };
    case 'contained':
      return { type: 'advance', to: 'contained', by, note: body.note };
    case 'note':
      if (!body.note) throw new HttpError(400, 'invalid_request', 'invalid body: note: a note needs text');
      return { type: 'note', by, note: body.note };
    default:
      return { type: 'side_event', event: body.type, by, note: body.note, data: body.data };
  }
}
