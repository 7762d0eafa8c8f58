/** Statistics to Excel (exceljs) and CSV: the same sections, the incident lines beside them. */
import type ExcelJS from 'exceljs';
import { loadExcel } from './excel.ts';
import { RESPONSE_MEASURES, type Count, type IncidentLine, type RepeatComplainant, type Statistics } from './compute.ts';

const SECTIONS = ['byKind', 'bySite', 'byCounter', 'byMonth', 'byMode', 'bySource', 'byStatus'] as const;

export interface ExportMeta {
  from: string | null;
  to: string | null;
  mode: string;
  generatedAt: string;
}

function durationRows(s: Statistics): (string | number | null)[][] {
  return RESPONSE_MEASURES.map((m) => {
    const d = s.responseTimes[m];
    return [m, d.count, d.medianSeconds, d.p90Seconds, d.meanSeconds, d.maxSeconds];
  });
}

const lineRow = (l: IncidentLine) => [
  l.id, l.mode, l.source, l.status, l.siteId, l.siteName, l.counterId, l.counterName, l.openedAt.toISOString(), l.classification.join(','),
  ...RESPONSE_MEASURES.map((m) => l.seconds[m]),
];
const LINE_HEADER = ['incident', 'mode', 'source', 'status', 'site', 'site name', 'counter', 'counter name', 'opened at (UTC)', 'kind', ...RESPONSE_MEASURES.map((m) => `${m} (s)`)];

export async function statisticsWorkbook(s: Statistics, lines: readonly IncidentLine[], meta: ExportMeta, repeat: readonly RepeatComplainant[] = []): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'Guardbell';
  const summary = wb.addWorksheet('summary');
  summary.addRows([['from', meta.from ?? ''], ['to', meta.to ?? ''], ['mode', meta.mode], ['generated at', meta.generatedAt], ['incidents', s.total]]);
  summary.addRow([]);
  summary.addRow(['response time from the press', 'count', 'median (s)', 'p90 (s)', 'mean (s)', 'max (s)']).font = { bold: true };
  summary.addRows(durationRows(s));
  summary.getColumn(1).width = 30;
  for (const section of SECTIONS) {
    const ws = wb.addWorksheet(section);
    ws.addRow(['key', 'label', 'count']).font = { bold: true };
    ws.addRows((s[section] as Count[]).map((c) => [c.key, c.label, c.count]));
    ws.getColumn(2).width = 40;
  }
  const rc = wb.addWorksheet('repeatComplainants');
  rc.addRow(['complainant', 'incidents', 'sites']).font = { bold: true };
  rc.addRows(repeat.map((r) => [r.complainantId, r.incidents, r.sites]));
  const inc = wb.addWorksheet('incidents');
  inc.addRow(LINE_HEADER).font = { bold: true };
  inc.addRows(lines.map(lineRow));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function csvCell(v: unknown): string {
  const text = v === null || v === undefined ? '' : String(v);
  // Quote what needs it; a leading = + - @ would be run as a formula by spreadsheet programs.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d+(\.\d+)?$/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One table: section, key, label, and the numbers of that section. */
export function statisticsCsv(s: Statistics, meta: ExportMeta, repeat: readonly RepeatComplainant[] = []): string {
  const rows: unknown[][] = [['section', 'key', 'label', 'count', 'median_s', 'p90_s', 'mean_s', 'max_s']];
  rows.push(['total', 'incidents', `${meta.mode} ${meta.from ?? ''}..${meta.to ?? ''}`.trim(), s.total]);
  for (const section of SECTIONS) for (const c of s[section] as Count[]) rows.push([section, c.key, c.label, c.count]);
  for (const [m, ...rest] of durationRows(s)) rows.push(['responseTime', m, m, ...rest]);
  for (const r of repeat) rows.push(['repeatComplainant', r.complainantId, `${r.sites} site(s)`, r.incidents]);
  return `\uFEFF${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
