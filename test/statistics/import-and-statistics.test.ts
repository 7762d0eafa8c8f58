/** Statistics from the timeline, their exports, and the Excel import of earlier incidents (bad rows, twice). */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../api/store/schema.ts';
import { START_TIMEOUT_MS, expectError, raw } from '../api/api-expect.ts';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/system.ts';
import { incidentWithSeparation, startAftercareSystem, type Who } from '../aftercare/fixture.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function workbook(rows: Record<string, unknown>[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('incidents');
  const columns = ['reference', 'site', 'counter', 'opened_at', 'kind', 'violence', 'acknowledged_at', 'on_scene_at', 'victim_separated_at', 'police_handover_at', 'closed_at', 'outcome'];
  ws.addRow(columns);
  for (const r of rows) ws.addRow(columns.map((c) => r[c] ?? null));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

describe.each(['pglite', 'postgres'] as const)('statistics and import (%s)', (db) => {
  let t: TestSystem;
  let as: Record<Who, ApiClient>;
  const upload = (who: Who, bytes: Buffer) => raw(`${t.url}/api/v1/statistics/import`, {
    method: 'POST', body: new Blob([new Uint8Array(bytes)]), headers: { authorization: `Bearer ${as[who].token}`, 'content-type': XLSX },
  });
  const stats = async (query = '') => {
    const r = await as.manager.get(`/api/v1/statistics${query}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body.statistics;
  };

  beforeAll(async () => {
    ({ t, as } = await startAftercareSystem(db));
    await incidentWithSeparation(as, [{ personId: 'staff-a' }]);
    // A drill, straight into the store: statistics leave it out unless asked.
    await t.system.database.db.insert(schema.incidents).values({
      id: 'inc_drill_1', mode: 'drill', status: 'closed', severity: 'high', siteId: 'site-a', counterId: 'welfare-1', source: 'drill', openedAt: new Date('2026-05-05T01:00:00Z'),
    });
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('counts live incidents only, drills when asked, times the separation from the press', async () => {
    const live = await stats();
    expect(live.total).toBe(1);
    expect(live.responseTimes.acknowledged.count).toBe(1);
    expect(live.responseTimes.separated.count).toBe(1);
    expect((await stats('?mode=drill')).total).toBe(1);
    expect((await stats('?mode=all')).byMode.map((m: { key: string }) => m.key).sort()).toEqual(['drill', 'live']);
    expectError(await as.manager.get('/api/v1/statistics?mode=everything'), 400, 'invalid_request');
    expectError(await as.manager.get('/api/v1/statistics?from=2026-13-01'), 400, 'invalid_request');
  });

  it('refuses statistics and imports to the roles without them; another site\'s manager counts only theirs', async () => {
    for (const who of ['staff', 'guard', 'counsellor'] as Who[]) expectError(await as[who].get('/api/v1/statistics'), 403, 'forbidden');
    expect((await as.managerb.get('/api/v1/statistics')).body.statistics.total).toBe(0);
    expect((await as.managerb.get('/api/v1/statistics?siteId=site-a')).body.statistics.total).toBe(0);
    expect((await as.auditor.get('/api/v1/statistics')).body.statistics.total).toBe(1);
    for (const who of ['staff', 'guard', 'counsellor', 'auditor', 'legal'] as Who[]) {
      expectError(await as[who].get('/api/v1/statistics/import-template.xlsx'), 403, 'forbidden');
      expectError(await upload(who, await workbook([])), 403, 'forbidden');
    }
  });

  it('offers the template: the columns the importer reads, and the sites one may import at', async () => {
    const res = await fetch(`${t.url}/api/v1/statistics/import-template.xlsx`, { headers: { authorization: `Bearer ${as.managerb.token}` } });
    expect(res.headers.get('content-type')).toContain(XLSX);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    expect((wb.getWorksheet('incidents')!.getRow(1).values as unknown[]).slice(1, 5)).toEqual(['reference', 'site', 'counter', 'opened_at']);
    const sites = wb.getWorksheet('sites')!.getColumn(1).values.slice(2);
    expect(sites).toEqual(['site-b']);
  });

  it('imports nothing from a file with a bad row, and names every bad cell', async () => {
    const file = await workbook([
      { reference: 'OLD-1', site: 'site-a', counter: 'passport-3', opened_at: '2025-03-02 14:05', kind: 'verbal_abuse' },
      { reference: 'OLD-2', site: 'site-a', counter: 'nowhere', opened_at: '2025-03-03 10:00', kind: 'shouting' },
      { reference: 'OLD-3', site: 'site-b', counter: 'civil-1', opened_at: '2025-03-04 10:00', kind: 'threat', acknowledged_at: '2025-03-04 09:00' },
    ]);
    const error = expectError(await upload('manager', file), 422, 'invalid_import');
    expect(error.details).toEqual([
      { row: 3, column: 'counter', reason: 'no counter "nowhere" at site "site-a"' },
      { row: 3, column: 'kind', reason: expect.stringContaining('"shouting"') },
      { row: 4, column: 'site', reason: 'you may not import incidents of site "site-b"' },
      { row: 4, column: 'acknowledged_at', reason: 'is before opened_at' },
    ]);
    expect((await stats()).total).toBe(1);
    expectError(await upload('manager', Buffer.from('not a spreadsheet')), 422, 'invalid_import');
  });

  it('imports a good file once: the same file twice imports nothing twice; imported incidents are counted, closed, never ringing', async () => {
    const file = await workbook([
      { reference: 'OLD-1', site: 'site-a', counter: 'passport-3', opened_at: '2025-03-02 14:05', kind: 'verbal_abuse, threat', acknowledged_at: '2025-03-02 14:06', victim_separated_at: '2025-03-02 14:10', police_handover_at: '2025-03-02 14:40', outcome: 'handed to police' },
      { site: 'site-a', counter: 'welfare-1', opened_at: new Date(Date.UTC(2025, 3, 1, 9, 30)), kind: 'assault', violence: 'yes', on_scene_at: '2025-04-01 09:32' },
    ]);
    const first = await upload('manager', file);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ rows: 2, imported: 2, alreadyImported: [] });
    const again = await upload('admin1', file);
    expect(again.body).toMatchObject({ rows: 2, imported: 0, alreadyImported: [2, 3] });

    const s = await stats();
    expect(s.total).toBe(3);
    expect(s.bySource).toEqual(expect.arrayContaining([{ key: 'import', label: 'import', count: 2 }]));
    expect(s.byMonth.map((m: { key: string }) => m.key)).toEqual(expect.arrayContaining(['2025-03', '2025-04']));
    expect(s.responseTimes.policeHandover).toMatchObject({ count: 1, maxSeconds: 2100 });
    expect(s.responseTimes.onScene.count).toBe(1);
    const imported = await as.manager.get(`/api/v1/incidents/${first.body.incidentIds[0]}`);
    expect(imported.body).toMatchObject({ status: 'closed', source: 'import', mode: 'live', classification: ['verbal_abuse', 'threat'] });
    expect(imported.body.escalation).toEqual([]);
    expect(imported.body.notifications).toEqual([]);
    expect((await as.manager.get('/api/v1/incidents?status=open')).body.items.map((i: { source: string }) => i.source)).not.toContain('import');
    expect((await stats('?from=2025-03-01&to=2025-04-01')).total).toBe(1);
  });

  it('counts repeat complainants from the complainant records, without names', async () => {
    const live = (await as.manager.get('/api/v1/incidents?status=all&mode=live')).body.items.map((i: { id: string }) => i.id) as string[];
    expect(live.length).toBeGreaterThanOrEqual(2);
    const db = t.system.database.db;
    await db.insert(schema.complainants).values([{ id: 'cmp-1', name: 'SECRET-NAME', createdBy: 'legal-1' }, { id: 'cmp-2', name: 'Once Only', createdBy: 'legal-1' }]);
    await db.insert(schema.complainantIncidents).values([
      { complainantId: 'cmp-1', incidentId: live[0]!, linkedBy: 'legal-1' }, { complainantId: 'cmp-1', incidentId: live[1]!, linkedBy: 'legal-1' },
      { complainantId: 'cmp-2', incidentId: live[0]!, linkedBy: 'legal-1' },
    ]);
    const r = await as.manager.get('/api/v1/statistics');
    expect(r.body.repeatComplainants).toEqual({ complainants: 2, items: [{ complainantId: 'cmp-1', incidents: 2, sites: 1 }] });
    expect(JSON.stringify(r.body)).not.toContain('SECRET-NAME');
    expect((await as.managerb.get('/api/v1/statistics')).body.repeatComplainants).toEqual({ complainants: 0, items: [] });
  });

  it('takes back the template the console offers, filled in a spreadsheet program', async () => {
    const res = await fetch(`${t.url}/api/v1/statistics/import-template.xlsx`, { headers: { authorization: `Bearer ${as.manager.token}` } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const ws = wb.getWorksheet('incidents')!;
    // As a person types it: into the cells under the template's headers.
    const cells: Record<string, string> = { reference: 'TPL-1', site: 'site-a', counter: 'welfare-1', opened_at: '2024-12-31 23:50', kind: 'defamation', closed_at: '2025-01-01 00:20' };
    ws.getRow(1).eachCell((cell, col) => {
      const value = cells[String(cell.value)];
      if (value !== undefined) ws.getRow(2).getCell(col).value = value;
    });
    const filled = Buffer.from(await wb.xlsx.writeBuffer());
    const r = await upload('manager', filled);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ rows: 1, imported: 1 });
    // 23:50 on New Year's Eve in Seoul is 14:50 UTC: counted in December of the site's calendar.
    const december = await stats('?from=2024-12-01&to=2025-01-01');
    expect(december.byKind).toEqual([{ key: 'defamation', label: 'defamation', count: 1 }]);
    expect((await upload('manager', filled)).body).toMatchObject({ imported: 0, alreadyImported: [2] });
  });

  it('exports the same numbers to Excel and CSV', async () => {
    const auth = { authorization: `Bearer ${as.manager.token}` };
    const x = await fetch(`${t.url}/api/v1/statistics/export.xlsx?mode=live`, { headers: auth });
    expect(x.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await x.arrayBuffer());
    expect(wb.worksheets.map((w) => w.name)).toEqual(['summary', 'byKind', 'bySite', 'byCounter', 'byMonth', 'byMode', 'bySource', 'byStatus', 'repeatComplainants', 'incidents']);
    expect(wb.getWorksheet('repeatComplainants')!.getRow(2).values).toEqual([undefined, 'cmp-1', 2, 1]);
    expect(wb.getWorksheet('incidents')!.rowCount).toBe(1 + 4);
    // Each incident by its reference (per site and the site's year), imported ones too: never an internal id.
    const references = (wb.getWorksheet('incidents')!.getColumn(1).values as unknown[]).slice(2);
    expect(references).toHaveLength(4);
    for (const r of references) expect(String(r)).toMatch(/^\d{4}-\d{4}$/);
    const bytes = Buffer.from(await (await fetch(`${t.url}/api/v1/statistics/export.csv`, { headers: auth })).arrayBuffer());
    // A byte-order mark first, so that Excel reads the Korean names as UTF-8.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    expect(csv.split('\r\n')[0]).toBe('section,key,label,count,median_s,p90_s,mean_s,max_s');
    expect(csv).toContain('total,incidents,');
    expect(csv).toContain('bySource,import,import,3');
    expect(csv).toContain('repeatComplainant,cmp-1,1 site(s),2');
    expectError(await as.guard.get('/api/v1/statistics/export.csv'), 403, 'forbidden');
  });
});
