/**
 * The import of incidents recorded before Guardbell or by other offices, row by row. Pure: the
 * spreadsheet's cells in, either every row ready to store or every bad cell named (row, column, reason).
 * Times are the site's wall-clock times (`YYYY-MM-DD HH:mm` text or an Excel date cell).
 */
import { createHash } from 'node:crypto';
import { CLASSIFICATIONS, type Classification } from '../../contract/index.ts';
import { parseWallTime, wallTimeOfCellDate, zonedInstant } from '../../domain/zoned-time.ts';

/** The template's columns, in order: `key` is the header the importer reads (the second header row is for people). */
export const IMPORT_COLUMNS = [
  { key: 'reference', required: false, help: 'your own reference (case or log number); makes the row unique' },
  { key: 'site', required: true, help: 'site id' },
  { key: 'counter', required: true, help: 'counter id at that site' },
  { key: 'opened_at', required: true, help: 'the press or report, YYYY-MM-DD HH:mm, site time' },
  { key: 'kind', required: true, help: `comma-separated: ${CLASSIFICATIONS.join(', ')}` },
  { key: 'violence', required: false, help: 'yes / no' },
  { key: 'acknowledged_at', required: false, help: 'YYYY-MM-DD HH:mm' },
  { key: 'on_scene_at', required: false, help: 'YYYY-MM-DD HH:mm' },
  { key: 'victim_separated_at', required: false, help: 'YYYY-MM-DD HH:mm' },
  { key: 'police_handover_at', required: false, help: 'YYYY-MM-DD HH:mm' },
  { key: 'closed_at', required: false, help: 'YYYY-MM-DD HH:mm (default: the last time given)' },
  { key: 'outcome', required: false, help: 'what happened, in words' },
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number]['key'];
export const MAX_IMPORT_ROWS = 5_000;

export type Cell = string | number | boolean | Date | null | undefined;
export interface RawRow {
  /** The row number in the sheet, as a person sees it. */
  rowNumber: number;
  cells: Partial<Record<ImportColumn, Cell>>;
}

export interface ImportPlaces {
  timezoneOf(siteId: string): string | undefined;
  hasCounter(siteId: string, counterId: string): boolean;
  mayImportAt(siteId: string): boolean;
}

export interface ImportProblem {
  row: number;
  column: ImportColumn | null;
  reason: string;
}

export interface ImportRow {
  rowNumber: number;
  key: string;
  reference: string | null;
  siteId: string;
  counterId: string;
  openedAt: Date;
  classification: Classification[];
  violence: boolean;
  times: { acknowledged?: Date; on_scene?: Date; victim_separated?: Date; police_handover?: Date };
  closedAt: Date;
  outcome: string;
}

export type ImportCheck = { ok: true; rows: ImportRow[] } | { ok: false; problems: ImportProblem[] };

const TIMED = [['acknowledged_at', 'acknowledged'], ['on_scene_at', 'on_scene'], ['victim_separated_at', 'victim_separated'], ['police_handover_at', 'police_handover']] as const;

const text = (c: Cell): string => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString() : String(c).trim());

export function checkImportRows(raw: readonly RawRow[], places: ImportPlaces, now: Date): ImportCheck {
  const problems: ImportProblem[] = [];
  const rows: ImportRow[] = [];
  const keys = new Map<string, number>();
  if (!raw.length) return { ok: false, problems: [{ row: 0, column: null, reason: 'the sheet has no incident rows' }] };
  if (raw.length > MAX_IMPORT_ROWS) return { ok: false, problems: [{ row: 0, column: null, reason: `at most ${MAX_IMPORT_ROWS} rows per file` }] };
  for (const r of raw) {
    const bad = (column: ImportColumn | null, reason: string) => problems.push({ row: r.rowNumber, column, reason });
    const before = problems.length;
    const siteId = text(r.cells.site);
    const counterId = text(r.cells.counter);
    const zone = siteId ? places.timezoneOf(siteId) : undefined;
    if (!siteId) bad('site', 'required');
    else if (!zone) bad('site', `no site "${siteId}"`);
    else if (!places.mayImportAt(siteId)) bad('site', `you may not import incidents of site "${siteId}"`);
    if (!counterId) bad('counter', 'required');
    else if (zone && !places.hasCounter(siteId, counterId)) bad('counter', `no counter "${counterId}" at site "${siteId}"`);
    const time = (column: ImportColumn, required: boolean): Date | undefined => {
      const c = r.cells[column];
      if (c === null || c === undefined || text(c) === '') {
        if (required) bad(column, 'required');
        return undefined;
      }
      const wall = c instanceof Date ? (Number.isNaN(c.getTime()) ? null : wallTimeOfCellDate(c)) : parseWallTime(text(c));
      if (!wall) {
        bad(column, `"${text(c)}" is not a date and time YYYY-MM-DD HH:mm`);
        return undefined;
      }
      const at = zonedInstant(wall, zone ?? 'UTC');
      if (at.getTime() > now.getTime()) {
        bad(column, 'is in the future');
        return undefined;
      }
      return at;
    };
    const openedAt = time('opened_at', true);
    const kinds = text(r.cells.kind).split(/[,;\s]+/).filter(Boolean);
    const unknown = kinds.filter((k) => !(CLASSIFICATIONS as readonly string[]).includes(k));
    if (!kinds.length) bad('kind', 'required');
    else if (unknown.length) bad('kind', `unknown kind ${unknown.map((k) => `"${k}"`).join(', ')}; use ${CLASSIFICATIONS.join(', ')}`);
    const v = text(r.cells.violence).toLowerCase();
    const violence = ['yes', 'y', 'true', '1', '예'].includes(v) || r.cells.violence === true;
    if (v && !violence && !['no', 'n', 'false', '0', '아니오'].includes(v)) bad('violence', `"${v}" is not yes or no`);
    const times: ImportRow['times'] = {};
    for (const [column, kind] of TIMED) {
      const at = time(column, false);
      if (at && openedAt && at < openedAt) bad(column, 'is before opened_at');
      else if (at) times[kind] = at;
    }
    const last = Math.max(openedAt?.getTime() ?? 0, ...Object.values(times).map((t) => t.getTime()));
    let closedAt = time('closed_at', false);
    if (closedAt && closedAt.getTime() < last) {
      bad('closed_at', 'is before another time of the row');
      closedAt = undefined;
    }
    const outcome = text(r.cells.outcome);
    if (outcome.length > 2000) bad('outcome', 'longer than 2000 characters');
    const reference = text(r.cells.reference) || null;
    if (reference && reference.length > 200) bad('reference', 'longer than 200 characters');
    if (problems.length > before || !openedAt) continue;
    const key = rowKey(siteId, reference, { counterId, openedAt, kinds });
    const dup = keys.get(key);
    if (dup !== undefined) {
      bad(reference ? 'reference' : null, `the same incident as row ${dup}`);
      continue;
    }
    keys.set(key, r.rowNumber);
    rows.push({
      rowNumber: r.rowNumber, key, reference, siteId, counterId, openedAt, classification: [...new Set(kinds)] as Classification[], violence, times,
      closedAt: closedAt ?? new Date(last), outcome: outcome || 'imported',
    });
  }
  return problems.length ? { ok: false, problems } : { ok: true, rows };
}

/** The idempotency key of a row: its site and reference, or without a reference what the row says happened. */
export function rowKey(siteId: string, reference: string | null, r: { counterId: string; openedAt: Date; kinds: string[] }): string {
  const basis = reference ? ['ref', siteId, reference] : ['row', siteId, r.counterId, r.openedAt.toISOString(), [...new Set(r.kinds)].sort().join(',')];
  return createHash('sha256').update(JSON.stringify(basis)).digest('hex');
}
