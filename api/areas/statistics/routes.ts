/** /api/v1/statistics: counts and response times, their Excel and CSV exports, and the import of earlier incidents. */
import { createHash } from 'node:crypto';
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { forbidden, HttpError, parseQuery } from '../../http/errors.ts';
import { isCalendarDate } from '../aftercare/allowance.ts';
import {
  computeStatistics, firstTimesOf, incidentLines, repeatComplainants, statisticsFromSummary, type IncidentLine, type PlaceNames, type StatIncident, type StatTimes,
} from './compute.ts';
import { statisticsCsv, statisticsWorkbook, type ExportMeta } from './export.ts';
import { checkImportRows } from './import-rows.ts';
import { importTemplate, XLSX_TYPE } from './import-workbook.ts';
import { readImportWorkbookInThread } from './workbook-thread.ts';
import { canImport, canImportAt, statisticsScope } from './policy.ts';
import { StatisticsStore, type StatFilter } from './store.ts';
import { FactsCopy } from './facts-copy.ts';
import { zonedInstant } from '../../domain/zoned-time.ts';

const date = z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD');
export const statisticsQuery = z.strictObject({
  from: date.optional(),
  /** Exclusive: the day after the last day counted. */
  to: date.optional(),
  siteId: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).optional(),
  /** Drills are left out unless asked for. */
  mode: z.enum(['live', 'drill', 'all']).default('live'),
});
type StatQuery = z.output<typeof statisticsQuery>;

const MAX_UPLOAD = 5 * 1024 * 1024;

export function statisticsRoutes(ctx: AreaContext): Router {
  const r = Router();
  const store = new StatisticsStore(ctx.db);
  const facts = new FactsCopy(store);
  r.use('/statistics', authenticate(ctx));

  r.get('/statistics', async (req, res) => {
    const q = parseQuery(statisticsQuery, req.query);
    // Counted from the figures held in memory (facts-copy.ts): the exports below list every incident, the board
    // needs only the tallies.
    const filter = filterFor(ctx, res, q);
    const [held, links] = await Promise.all([facts.current(), store.complainantLinks(filter)]);
    res.json({ filter: q, statistics: statisticsFromSummary(held.summary(filter), placeNames(ctx)), repeatComplainants: repeatComplainants(links) });
  });

  r.get('/statistics/export.xlsx', async (req, res) => {
    const q = parseQuery(statisticsQuery, req.query);
    const { lines, filter } = await loadWithFilter(ctx, store, res, q);
    const repeat = repeatComplainants(await store.complainantLinks(filter)).items;
    const bytes = await statisticsWorkbook(computeStatistics(lines), lines, meta(q), repeat);
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', `attachment; filename="guardbell-statistics-${q.mode}.xlsx"`);
    res.send(bytes);
  });

  r.get('/statistics/export.csv', async (req, res) => {
    const q = parseQuery(statisticsQuery, req.query);
    const { lines, filter } = await loadWithFilter(ctx, store, res, q);
    const repeat = repeatComplainants(await store.complainantLinks(filter)).items;
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="guardbell-statistics-${q.mode}.csv"`);
    res.send(statisticsCsv(computeStatistics(lines), meta(q), repeat));
  });

  r.get('/statistics/import-template.xlsx', async (_req, res) => {
    const user = userOf(res);
    if (!canImport(user)) throw forbidden('import incidents');
    const sites = ctx.places.allSites().filter((s) => canImportAt(user, s.id)).map((s) => ({
      id: s.id, name: s.name, timezone: s.timezone, counters: ctx.places.countersOf(s.id).map((c) => ({ id: c.id, name: c.name })),
    }));
    res.setHeader('Content-Type', XLSX_TYPE);
    res.setHeader('Content-Disposition', 'attachment; filename="guardbell-import-template.xlsx"');
    res.send(await importTemplate(sites));
  });

  r.post('/statistics/import', express.raw({ type: () => true, limit: MAX_UPLOAD }), async (req, res) => {
    const user = userOf(res);
    if (!canImport(user)) throw forbidden('import incidents');
    const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!bytes.length) throw new HttpError(400, 'invalid_request', `send the filled template as the body (${XLSX_TYPE})`);
    const read = await readImportWorkbookInThread(bytes);
    const checked = read.ok ? checkImportRows(read.rows, {
      timezoneOf: (siteId) => ctx.places.site(siteId)?.timezone,
      hasCounter: (siteId, counterId) => ctx.places.counter(siteId, counterId) !== undefined,
      mayImportAt: (siteId) => canImportAt(user, siteId),
    }, new Date()) : read;
    if (!checked.ok) {
      throw new HttpError(422, 'invalid_import', `${checked.problems.length} problem(s) in the file; nothing was imported`, checked.problems);
    }
    const fileSha256 = createHash('sha256').update(bytes).digest('hex');
    const result = await store.importRows(checked.rows, fileSha256, user.id);
    res.json({ rows: checked.rows.length, imported: result.imported.length, alreadyImported: result.alreadyImported, incidentIds: result.imported });
  });
  return r;
}

function meta(q: StatQuery): ExportMeta {
  return { from: q.from ?? null, to: q.to ?? null, mode: q.mode, generatedAt: new Date().toISOString() };
}

/** Dates are the days of the site asked for, else of the sites' one shared time zone, else UTC. */
function zoneFor(ctx: AreaContext, siteIds: readonly string[] | undefined, siteId: string | undefined): string {
  if (siteId) return ctx.places.site(siteId)?.timezone ?? 'UTC';
  const zones = new Set(ctx.places.allSites().filter((s) => !siteIds || siteIds.includes(s.id)).map((s) => s.timezone));
  return zones.size === 1 ? [...zones][0]! : 'UTC';
}

function dayStart(d: string, zone: string): Date {
  return zonedInstant({ year: +d.slice(0, 4), month: +d.slice(5, 7), day: +d.slice(8, 10), hour: 0, minute: 0, second: 0 }, zone);
}

/** Who asks decides the sites counted; the dates are days of the sites' clock (see zoneFor). */
function filterFor(ctx: AreaContext, res: Response, q: StatQuery): StatFilter {
  const scope = statisticsScope(userOf(res));
  if (scope === null) throw forbidden('see statistics');
  let siteIds: readonly string[] | undefined = scope === 'all' ? undefined : scope;
  if (q.siteId) {
    // A site outside one's scope counts nothing rather than revealing whether it exists.
    siteIds = siteIds && !siteIds.includes(q.siteId) ? [] : [q.siteId];
  }
  const zone = zoneFor(ctx, siteIds, q.siteId);
  return { mode: q.mode, siteIds, from: q.from ? dayStart(q.from, zone) : undefined, to: q.to ? dayStart(q.to, zone) : undefined };
}

/** Sites and counters by name, as the incidents list them (the id when a place is gone). */
function placeNames(ctx: AreaContext): PlaceNames {
  return {
    site: (id) => ctx.places.site(id)?.name ?? id,
    counter: (siteId, id) => ctx.places.counter(siteId, id)?.name ?? id,
  };
}

async function loadWithFilter(ctx: AreaContext, store: StatisticsStore, res: Response, q: StatQuery): Promise<{ lines: IncidentLine[]; filter: StatFilter }> {
  const filter = filterFor(ctx, res, q);
  const rows = await store.statIncidents(filter);
  const times = new Map<string, StatTimes>();
  const names = placeNames(ctx);
  const incidents: StatIncident[] = rows.map((i) => {
    times.set(i.id, firstTimesOf(i));
    return {
      id: i.id, reference: i.reference ?? undefined, mode: i.mode, status: i.status, source: i.source, siteId: i.siteId, siteName: names.site(i.siteId),
      counterId: i.counterId, counterName: names.counter(i.siteId, i.counterId),
      timezone: ctx.places.site(i.siteId)?.timezone ?? 'UTC', openedAt: i.openedAt, classification: i.classification,
    };
  });
  return { lines: incidentLines(incidents, times), filter };
}
