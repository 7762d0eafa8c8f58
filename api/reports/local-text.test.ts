import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { buildCaseExport } from '../areas/cases/export.ts';
import type { CaseDetailView } from '../contract/cases.ts';
import { statisticsWorkbook } from '../areas/statistics/export.ts';
import { computeStatistics, type IncidentLine } from '../areas/statistics/compute.ts';
import { drillReportPdf } from '../../drills/pdf.ts';
import type { DrillReport } from '../contract/drills.ts';
import { pdfText } from '../../test/support/pdf-text.ts';
import { ko, separationText, siteDate, siteDateTime } from './local-text.ts';


// 21:42:48 UTC on 1 December is 06:42 on 2 December in Seoul.
const pressed = new Date('2026-12-01T21:42:48.000Z');

describe('local time and Korean words for papers', () => {
  it('says the site time with its zone, and the site date', () => {
    expect(siteDateTime(pressed, 'Asia/Seoul')).toBe('2026-12-02 06:42 KST');
    expect(siteDateTime(pressed, 'Asia/Seoul', { seconds: true })).toBe('2026-12-02 06:42:48 KST');
    expect(siteDate(pressed, 'Asia/Seoul')).toBe('2026-12-02');
    expect(siteDateTime(pressed, 'Europe/Berlin')).toBe('2026-12-01 22:42 GMT+1');
    expect(ko('classification', 'verbal_abuse')).toBe('폭언');
    expect(ko('step', 'a_site_step')).toBe('a_site_step');
    expect(separationText({ victims: [{ personId: 'staff-a', name: 'Lee Staff' }], separatedTo: '2층 상담실', separatedByName: 'Kim Guard' }))
      .toBe('분리된 직원: Lee Staff · 분리 장소: 2층 상담실 · 분리한 사람: Kim Guard');
  });

  it('the case summary PDF reads in Korean, in the site time zone, with who was separated and where to', async () => {
    const detail: CaseDetailView = {
      id: 'case_1', access: 'write', title: '민원인 폭언 사건', status: 'open', classification: ['verbal_abuse'], incidentIds: ['inc_1'], siteIds: ['site-a'],
      complainantId: null, complainantName: null, assignees: [], evidenceCount: 0, actionCount: 0, createdAt: '2026-12-01T22:00:00.000Z',
      updatedAt: '2026-12-01T22:00:00.000Z', summary: '', createdBy: 'legal-1',
      incidents: [{ id: 'inc_1', siteId: 'site-a', counterId: 'passport-3', siteName: 'Nowon-gu Office', counterName: 'Passport counter 3', openedAt: pressed.toISOString(), status: 'closed', classification: ['verbal_abuse'] }],
      complainant: null, complainantWarning: null, statements: [], evidence: [],
      actions: [{ id: 'act_1', kind: 'criminal_complaint', status: 'filed', filedOn: '2026-12-02', nextDate: null, decidedOn: null, authority: '', reference: '', outcome: '', createdBy: 'legal-1', createdAt: '2026-12-01T23:00:00.000Z', updatedAt: '2026-12-01T23:00:00.000Z' }],
    };
    const out = await buildCaseExport({
      detail, content: new Map(), exportedAt: new Date('2026-12-02T01:00:00Z'), exportedBy: { id: 'legal-1', name: 'Han Legal' }, timeZone: 'Asia/Seoul',
      timeline: [
        { incidentId: 'inc_1', at: pressed, kind: 'press' },
        { incidentId: 'inc_1', at: new Date(pressed.getTime() + 90_000), kind: 'victim_separated', data: { victims: [{ personId: 'staff-a', name: 'Lee Staff' }], separatedTo: '2층 상담실', separatedByName: 'Kim Guard' } },
      ],
    });
    const pdf = await (await JSZip.loadAsync(out.zip)).file('summary.pdf')!.async('uint8array');
    const text = await pdfText(pdf);
    expect(text).toContain('2026-12-02 06:42 KST');
    expect(text).not.toContain('UTC');
    expect(text).toContain('비상벨 누름');
    expect(text).toContain('피해 직원 분리');
    expect(text).toContain('Lee Staff');
    expect(text).toContain('2층 상담실');
    expect(text).toContain('폭언');
    expect(text).toContain('형사 고소');
    expect(text).toContain('Passport counter 3');
    expect(text).not.toMatch(/verbal_abuse|criminal_complaint|victim_separated/);
  });

  it('the drill report PDF is in the site time zone and names the separation', async () => {
    const report: DrillReport = {
      drill: {
        id: 'drl_1', siteId: 'site-a', counterId: 'passport-3', scenarioId: 'divorce', scenarioTitle: { ko: '이혼 서류 폭행', en: 'Divorce application assault' },
        scheduledAt: pressed.toISOString(), participants: [], announced: true, jointPolice: false, trigger: 'virtual', status: 'completed', note: '', createdBy: 'manager-a',
        startedAt: pressed.toISOString(), endedAt: new Date(pressed.getTime() + 600_000).toISOString(),
      } as unknown as DrillReport['drill'],
      siteName: 'Nowon-gu Office', counterName: 'Passport counter 3', incident: null, facts: null, names: {}, final: true, timeZone: 'Asia/Seoul',
      separations: [{ at: new Date(pressed.getTime() + 90_000).toISOString(), text: separationText({ victims: [{ name: 'Lee Staff' }], separatedTo: '2층 상담실' })! }],
    };
    const text = await pdfText(await drillReportPdf(report));
    expect(text).toContain('2026-12-02 06:42 KST');
    expect(text).toContain('2026-12-02 06:44 KST');
    expect(text).not.toContain('UTC');
    expect(text).toContain('피해 직원 분리');
    expect(text).toContain('2층 상담실');
  });

  it('the Excel export has Korean headers and real date cells holding the site wall clock', async () => {
    const line: IncidentLine = {
      id: 'inc_1', reference: '2026-0042', mode: 'live', status: 'closed', source: 'bell', siteId: 'site-a', siteName: 'Nowon-gu Office', counterId: 'passport-3',
      counterName: 'Passport counter 3', timezone: 'Asia/Seoul', openedAt: pressed, classification: ['verbal_abuse'],
      seconds: { acknowledged: 12, onScene: 80, separated: null, policeHandover: null },
    };
    const bytes = await statisticsWorkbook(computeStatistics([line]), [line], { from: null, to: null, mode: 'live', generatedAt: pressed.toISOString() });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('incidents')!;
    expect((ws.getRow(1).values as unknown[]).slice(1, 10)).toEqual(['사건 번호', '구분', '경로', '상태', '기관', '창구', '발생 일시 (현지)', '시간대', '유형']);
    const cell = ws.getRow(2).getCell(7);
    expect(cell.type).toBe(ExcelJS.ValueType.Date);
    expect((cell.value as Date).toISOString()).toBe('2026-12-02T06:42:48.000Z');
    expect(cell.numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect((ws.getRow(2).values as unknown[]).slice(1, 7)).toEqual(['2026-0042', '실제', '비상벨', '종결', 'Nowon-gu Office', 'Passport counter 3']);
    expect(ws.getRow(2).getCell(8).value).toBe('KST');
    expect(ws.getRow(2).getCell(9).value).toBe('폭언');
    expect(wb.getWorksheet('byKind')!.getRow(2).values).toEqual([undefined, 'verbal_abuse', '폭언', 1]);
    expect(wb.getWorksheet('summary')!.getRow(4).values).toEqual([undefined, '작성 시각', '2026-12-02 06:42 KST']);
  });
});
