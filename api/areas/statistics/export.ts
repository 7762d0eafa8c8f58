/** Statistics to Excel (exceljs) and CSV: the same sections, the incident lines beside them. */
import type ExcelJS from 'exceljs';
import { loadExcel } from './excel.ts';
import { ko, koList, siteDateTime, siteWallClock, zoneName, type LabelGroup } from '../../reports/local-text.ts';
import { RESPONSE_MEASURES, type Count, type IncidentLine, type RepeatComplainant, type Statistics } from './compute.ts';
import { DEFAULT_TIMEZONE } from '../../contract/index.ts';

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

/** Korean headers for the spreadsheet (a ministry or a court reads it); the codes stay in the CSV. */
const MEASURE_KO: Record<(typeof RESPONSE_MEASURES)[number], string> = {
  acknowledged: '확인까지', onScene: '현장 도착까지', separated: '피해 직원 분리까지', policeHandover: '경찰 인계까지',
};
/** Each incident's time is a real date cell holding the site's wall clock (Excel has no time zone), its zone beside it. */
const lineRow = (l: IncidentLine) => [
  l.reference ?? l.id, ko('mode', l.mode), ko('source', l.source), ko('status', l.status), l.siteName, l.counterName,
  siteWallClock(l.openedAt, l.timezone), zoneName(l.timezone, l.openedAt), koList('classification', l.classification),
  ...RESPONSE_MEASURES.map((m) => l.seconds[m]),
];
const LINE_HEADER = ['사건 번호', '구분', '경로', '상태', '기관', '창구', '발생 일시 (현지)', '시간대', '유형', ...RESPONSE_MEASURES.map((m) => `${MEASURE_KO[m]} (초)`)];
const SECTION_KO: Record<(typeof SECTIONS)[number], { title: string; group: LabelGroup | null }> = {
  byKind: { title: '유형', group: 'classification' }, bySite: { title: '기관', group: null }, byCounter: { title: '창구', group: null },
  byMonth: { title: '월', group: null }, byMode: { title: '구분', group: 'mode' }, bySource: { title: '경로', group: 'source' }, byStatus: { title: '상태', group: 'status' },
};
const sectionLabel = (section: (typeof SECTIONS)[number], c: Count) => {
  const group = SECTION_KO[section].group;
  if (c.key === 'unclassified') return '미분류';
  return group ? ko(group, c.key) : c.label;
};

export async function statisticsWorkbook(s: Statistics, lines: readonly IncidentLine[], meta: ExportMeta, repeat: readonly RepeatComplainant[] = []): Promise<Buffer> {
  const wb = new (await loadExcel()).Workbook();
  wb.creator = 'Guardbell';
  // Sheet names stay the section keys (stable for scripts); everything a person reads is Korean.
  const summary = wb.addWorksheet('summary');
  summary.addRows([['시작일', meta.from ?? ''], ['종료일', meta.to ?? ''], ['구분', meta.mode === 'all' ? '전체' : ko('mode', meta.mode)], ['작성 시각', siteDateTime(meta.generatedAt, lines[0]?.timezone ?? DEFAULT_TIMEZONE)], ['사건 수', s.total], ['오작동 (따로 셈)', s.falseAlarms]]);
  summary.addRow([]);
  summary.addRow(['누름부터 걸린 시간', '건수', '중앙값 (초)', '90백분위 (초)', '평균 (초)', '최대 (초)']).font = { bold: true };
  summary.addRows(durationRows(s).map(([m, ...rest]) => [MEASURE_KO[m as (typeof RESPONSE_MEASURES)[number]], ...rest]));
  summary.getColumn(1).width = 30;
  for (const section of SECTIONS) {
    const ws = wb.addWorksheet(section);
    ws.addRow(['코드', SECTION_KO[section].title, '건수']).font = { bold: true };
    ws.addRows((s[section] as Count[]).map((c) => [c.key, sectionLabel(section, c), c.count]));
    ws.getColumn(2).width = 40;
  }
  const rc = wb.addWorksheet('repeatComplainants');
  rc.addRow(['민원인', '사건 수', '기관 수']).font = { bold: true };
  rc.addRows(repeat.map((r) => [r.complainantId, r.incidents, r.sites]));
  const inc = wb.addWorksheet('incidents');
  inc.addRow(LINE_HEADER).font = { bold: true };
  inc.addRows(lines.map(lineRow));
  inc.getColumn(7).numFmt = 'yyyy-mm-dd hh:mm:ss';
  inc.getColumn(7).width = 20;
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
