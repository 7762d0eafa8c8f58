/** The Excel side of the import: the template the console offers, and reading a filled one back into cells. */
import type ExcelJS from 'exceljs';
import { loadExcel } from './excel.ts';
import { IMPORT_COLUMNS, type Cell, type ImportColumn, type ImportProblem, type RawRow } from './import-rows.ts';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const SHEET = 'incidents';

export interface TemplateSite {
  id: string;
  name: string;
  timezone: string;
  counters: { id: string; name: string }[];
}

export async function importTemplate(sites: readonly TemplateSite[]): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'Guardbell';
  const ws = wb.addWorksheet(SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = IMPORT_COLUMNS.map((c) => ({ header: c.key, key: c.key, width: c.key === 'outcome' ? 40 : 22 }));
  IMPORT_COLUMNS.forEach((c, i) => {
    const cell = ws.getRow(1).getCell(i + 1);
    cell.font = { bold: true };
    cell.note = `${c.required ? 'required' : 'optional'}: ${c.help}`;
  });
  // Text columns, so that Excel does not turn ids or references into numbers.
  for (const key of ['reference', 'site', 'counter'] as const) ws.getColumn(key).numFmt = '@';
  const help = wb.addWorksheet('help');
  help.columns = [{ header: 'column', width: 22 }, { header: 'required', width: 10 }, { header: 'meaning', width: 80 }];
  for (const c of IMPORT_COLUMNS) help.addRow([c.key, c.required ? 'yes' : 'no', c.help]);
  help.addRow([]);
  help.addRow(['', '', 'One incident per row, from row 2 of the "incidents" sheet. Times are the site\'s local time.']);
  help.addRow(['', '', 'A file with any bad row imports nothing; the same row imported twice is imported once.']);
  const places = wb.addWorksheet('sites');
  places.columns = [{ header: 'site', width: 20 }, { header: 'site name', width: 30 }, { header: 'time zone', width: 16 }, { header: 'counter', width: 20 }, { header: 'counter name', width: 30 }];
  for (const s of sites) for (const c of s.counters) places.addRow([s.id, s.name, s.timezone, c.id, c.name]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function cellValue(v: ExcelJS.CellValue): Cell {
  if (v === null || v === undefined) return null;
  if (v instanceof Date || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((t) => t.text).join('');
    if ('result' in v) return cellValue(v.result as ExcelJS.CellValue);
    if ('text' in v) return String(v.text);
    if ('error' in v) return String(v.error);
  }
  return String(v);
}

export type WorkbookRead = { ok: true; rows: RawRow[] } | { ok: false; problems: ImportProblem[] };

export async function readImportWorkbook(bytes: Buffer): Promise<WorkbookRead> {
  const wb = new (await loadExcel()).Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { ok: false, problems: [{ row: 0, column: null, reason: 'the file is not an Excel workbook (.xlsx)' }] };
  }
  const ws = wb.getWorksheet(SHEET) ?? wb.worksheets[0];
  if (!ws) return { ok: false, problems: [{ row: 0, column: null, reason: 'the workbook has no sheet' }] };
  const positions = new Map<ImportColumn, number>();
  const known = new Set<string>(IMPORT_COLUMNS.map((c) => c.key));
  const problems: ImportProblem[] = [];
  ws.getRow(1).eachCell((cell, col) => {
    const name = String(cellValue(cell.value) ?? '').trim().toLowerCase();
    if (known.has(name)) positions.set(name as ImportColumn, col);
  });
  for (const c of IMPORT_COLUMNS) if (c.required && !positions.has(c.key)) problems.push({ row: 1, column: c.key, reason: 'the column is missing: use the template' });
  if (problems.length) return { ok: false, problems };
  const rows: RawRow[] = [];
  ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    if (rowNumber === 1) return;
    const cells: RawRow['cells'] = {};
    let any = false;
    for (const [key, col] of positions) {
      const v = cellValue(row.getCell(col).value);
      if (v !== null && String(v).trim() !== '') any = true;
      cells[key] = v;
    }
    if (any) rows.push({ rowNumber, cells });
  });
  return { ok: true, rows };
}
