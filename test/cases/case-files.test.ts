/** The legal team's case files on a real system, on both databases: role matrix, evidence, export, complainants, audit. */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrail, verifyAuditLog } from '../../api/audit/audit-log.ts';
import { repeatComplainants } from '../../api/areas/cases/complainants.ts';
import { verifyCaseExport } from '../../api/areas/cases/export-verify.ts';
import { START_TIMEOUT_MS, expectError } from '../api/api-expect.ts';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/system.ts';
import { download, raiseIncident, startCaseSystem, upload, WHO, type Who } from './fixture.ts';
import { pdfText } from '../support/pdf-text.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../bin/guardbell.js', import.meta.url));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const refused = (status: number) => status === 403 || status === 404;

describe.each(['pglite', 'postgres'] as const)('case files (%s)', (db) => {
  let t: TestSystem;
  let as: Record<Who, ApiClient>;
  let incidentA: string;
  let caseId: string;
  let evidenceId: string;
  let actionId: string;
  const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(Array.from({ length: 150_000 }, (_, i) => (i * 7919) % 251))]);

  beforeAll(async () => {
    ({ t, as } = await startCaseSystem(db));
    incidentA = await raiseIncident(as, 'a');
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('only legal opens a case; bad bodies and unknown incidents or assignees are refused by name', async () => {
    const body = { title: '민원인 폭언 및 협박', incidentIds: [incidentA], classification: ['verbal_abuse', 'threat'], assignees: ['legal-1', 'auditor-1'] };
    for (const who of WHO.filter((w) => w !== 'legal')) expect(refused((await as[who].post('/api/v1/cases', body)).status), who).toBe(true);
    expectError(await as.legal.post('/api/v1/cases', { ...body, incidentIds: [] }), 400, 'invalid_request');
    expectError(await as.legal.post('/api/v1/cases', { ...body, classification: ['rudeness'] }), 400, 'invalid_request');
    expectError(await as.legal.post('/api/v1/cases', { ...body, extra: 1 }), 400, 'invalid_request');
    expectError(await as.legal.post('/api/v1/cases', { ...body, incidentIds: ['inc_nope'] }), 422, 'unknown_incident');
    expectError(await as.legal.post('/api/v1/cases', { ...body, assignees: ['admin-1'] }), 422, 'not_task_force');
    const created = await as.legal.post('/api/v1/cases', body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    caseId = created.body.id;
    expect(created.body).toMatchObject({ access: 'write', status: 'open', incidentIds: [incidentA], siteIds: ['site-a'], classification: ['verbal_abuse', 'threat'] });
    expect(created.body.assignees).toEqual([{ id: 'legal-1', name: 'Han Legal' }, { id: 'auditor-1', name: 'Bae Auditor' }]);
    // Without named assignees, whoever opened the case is assigned.
    const second = await as.legal.post('/api/v1/cases', { title: 'second', incidentIds: [incidentA] });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ assignees: [{ id: 'legal-1', name: 'Han Legal' }], classification: [], complainantId: null });
  });

  it('legal adds statements, evidence (SHA-256 on the server) and legal actions; bad input is refused', async () => {
    const st = await as.legal.post(`/api/v1/cases/${caseId}/statements`, { givenBy: 'Lee Staff (victim)', takenOn: '2026-11-23', text: '서류를 던지며 욕설을 했습니다.' });
    expect(st.status, JSON.stringify(st.body)).toBe(201);
    expectError(await as.legal.post(`/api/v1/cases/${caseId}/statements`, { givenBy: 'x', takenOn: '2026-02-30', text: 'y' }), 400, 'invalid_request');

    const up = await upload(as.legal, caseId, photo, 'CCTV 정지화면.jpg', 'image/jpeg');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    expect(up.body).toMatchObject({ fileName: 'CCTV 정지화면.jpg', mediaType: 'image/jpeg', size: photo.length, sha256: sha(photo), addedBy: 'legal-1' });
    evidenceId = up.body.id;
    expectError(await upload(as.legal, caseId, Buffer.alloc(0), 'empty.bin') as never, 400, 'empty_file');
    const noName = await fetch(`${as.legal.baseUrl}/api/v1/cases/${caseId}/evidence`, { method: 'POST', headers: { authorization: `Bearer ${as.legal.token}`, 'content-type': 'text/plain' }, body: 'x' });
    expect(noName.status).toBe(400);
    // A JSON document is evidence too: its bytes are stored as sent, not parsed.
    const json = Buffer.from('{"note":"a complaint letter"}');
    const asJson = await upload(as.legal, caseId, json, 'letter.json', 'application/json');
    expect(asJson.status).toBe(201);
    expect(asJson.body.sha256).toBe(sha(json));

    const act = await as.legal.post(`/api/v1/cases/${caseId}/actions`, { kind: 'criminal_complaint', status: 'filed', filedOn: '2026-11-24', authority: 'Nowon Police Station', reference: '2026-123' });
    expect(act.status, JSON.stringify(act.body)).toBe(201);
    actionId = act.body.id;
    expectError(await as.legal.post(`/api/v1/cases/${caseId}/actions`, { kind: 'lawsuit' }), 400, 'invalid_request');
    const done = await as.legal.request('PATCH', `/api/v1/cases/${caseId}/actions/${actionId}`, { status: 'concluded', decidedOn: '2026-12-20', outcome: 'fine of 2,000,000 KRW' });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'concluded', filedOn: '2026-11-24', decidedOn: '2026-12-20', outcome: 'fine of 2,000,000 KRW' });
    expectError(await as.legal.request('PATCH', `/api/v1/cases/${caseId}/actions/act_nope`, { status: 'filed' }), 404, 'not_found');
  });

  it('the role matrix: each role × each kind of record, allowed or refused', async () => {
    const ops: Record<string, { allowed: Who[]; call: (c: ApiClient) => Promise<number> }> = {
      'case list': { allowed: ['legal', 'auditor', 'manager', 'managerb'], call: async (c) => (await c.get('/api/v1/cases')).status },
      'case content': { allowed: ['legal', 'auditor'], call: async (c) => { const r = await c.get(`/api/v1/cases/${caseId}`); return r.status === 200 && r.body.access === 'exists' ? 299 : r.status; } },
      'case existence': { allowed: ['legal', 'auditor', 'manager'], call: async (c) => (await c.get(`/api/v1/cases/${caseId}`)).status },
      'case edit': { allowed: ['legal'], call: async (c) => (await c.request('PATCH', `/api/v1/cases/${caseId}`, { classification: ['verbal_abuse', 'threat'] })).status },
      statement: { allowed: ['legal'], call: async (c) => (await c.post(`/api/v1/cases/${caseId}/statements`, { givenBy: 'w', takenOn: '2026-11-23', text: 'seen' })).status },
      'evidence upload': { allowed: ['legal'], call: async (c) => (await upload(c, caseId, Buffer.from('x'), 'x.txt', 'text/plain')).status },
      'evidence download': { allowed: ['legal', 'auditor'], call: async (c) => (await download(c, `/api/v1/cases/${caseId}/evidence/${evidenceId}/content`)).status },
      'legal action': { allowed: ['legal'], call: async (c) => (await c.request('PATCH', `/api/v1/cases/${caseId}/actions/${actionId}`, { outcome: 'fine of 2,000,000 KRW' })).status },
      export: { allowed: ['legal', 'auditor'], call: async (c) => (await download(c, `/api/v1/cases/${caseId}/export`)).status },
      'complainant read': { allowed: ['legal', 'auditor'], call: async (c) => (await c.get('/api/v1/complainants')).status },
      'complainant write': { allowed: ['legal'], call: async (c) => (await c.post('/api/v1/complainants', { description: 'tall, grey coat' })).status },
      'audit log': { allowed: ['auditor'], call: async (c) => (await c.get('/api/v1/audit/log')).status },
    };
    const wrong: string[] = [];
    for (const [name, op] of Object.entries(ops)) {
      for (const who of WHO) {
        const status = await op.call(as[who]);
        const ok = status >= 200 && status < 299;
        if (ok !== op.allowed.includes(who) || (!ok && !refused(status) && status !== 299)) wrong.push(`${name} × ${who}: ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("a manager of the incident's site sees only that a case exists; an admin sees nothing of it", async () => {
    const seen = await as.manager.get(`/api/v1/cases/${caseId}`);
    expect(seen.body).toEqual({ id: caseId, access: 'exists', status: 'open', incidentIds: [incidentA], createdAt: expect.any(String) });
    const list = (await as.manager.get('/api/v1/cases')).body.items;
    expect(JSON.stringify(list)).not.toContain('폭언');
    expect((await as.managerb.get('/api/v1/cases')).body.items).toEqual([]);
    const files = await as.manager.get(`/api/v1/incidents/${incidentA}/case-files`);
    expect(files.body).toMatchObject({ canOpenCase: false, cases: expect.arrayContaining([{ id: caseId, access: 'exists', status: 'open', incidentIds: [incidentA], createdAt: expect.any(String) }]) });
    expect(files.body.cases.every((c: { access: string; title?: string }) => c.access === 'exists' && c.title === undefined)).toBe(true);
    expectError(await as.admin1.get(`/api/v1/cases/${caseId}`), 403, 'forbidden');
    expect((await as.admin1.get(`/api/v1/incidents/${incidentA}/case-files`)).body.cases).toEqual([]);
    expect((await as.legal.get(`/api/v1/incidents/${incidentA}/case-files`)).body).toMatchObject({ canOpenCase: true, cases: expect.arrayContaining([expect.objectContaining({ id: caseId, access: 'write', title: '민원인 폭언 및 협박' })]) });
  });

  it('a download returns the bytes with their SHA-256; the chain of custody shows every access', async () => {
    const d = await download(as.auditor, `/api/v1/cases/${caseId}/evidence/${evidenceId}/content`);
    expect(d.status).toBe(200);
    expect(d.bytes.equals(photo)).toBe(true);
    expect(d.headers.get('x-content-sha256')).toBe(sha(photo));
    expect(d.headers.get('content-type')).toBe('image/jpeg');
    expect(d.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('CCTV 정지화면.jpg')}`);
    const detail = (await as.legal.get(`/api/v1/cases/${caseId}`)).body;
    const item = detail.evidence.find((e: { id: string }) => e.id === evidenceId);
    const custody = item.custody.map((c: { action: string; actorId: string }) => `${c.action}:${c.actorId}`);
    expect(custody[0]).toBe('create:legal-1');
    expect(custody).toContain('download:auditor-1');
    expect(custody).toContain('download:legal-1');
    expect(custody.every((c: string) => !c.endsWith(':admin-1') && !c.endsWith(':manager-a'))).toBe(true);
    expectError(await as.legal.get(`/api/v1/cases/${caseId}/evidence/ev_nope/content`), 404, 'not_found');
    // Evidence is never changed, not even by the database's own user.
    const change = await t.system.database.db.execute(sql`update case_evidence set sha256 = 'x'`).then(() => 'changed', (e: Error & { cause?: Error }) => String(e.cause?.message ?? e.message));
    expect(change).toMatch(/append-only/);
  });

  it('the export: summary.pdf, evidence and a manifest that verifies; one changed byte fails, naming the file', async () => {
    const d = await download(as.legal, `/api/v1/cases/${caseId}/export`);
    expect(d.status).toBe(200);
    expect(d.headers.get('content-type')).toBe('application/zip');
    const verdict = await verifyCaseExport(d.bytes);
    expect(verdict).toMatchObject({ ok: true, caseId, problems: [] });
    expect(verdict.manifestSha256).toBe(d.headers.get('x-manifest-sha256'));
    const zip = await JSZip.loadAsync(d.bytes);
    const manifest = JSON.parse(await zip.file('manifest.json')!.async('string'));
    const paths = manifest.files.map((f: { path: string }) => f.path);
    expect(paths[0]).toBe('summary.pdf');
    const photoPath = paths.find((p: string) => p.endsWith('CCTV 정지화면.jpg'));
    expect(manifest.files.find((f: { path: string }) => f.path === photoPath)).toMatchObject({ sha256: sha(photo), size: photo.length, evidenceId });
    const summary = await zip.file('summary.pdf')!.async('nodebuffer');
    expect(summary.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The case's incidents by the references people say, with the names of their office and counter.
    const detail = (await as.legal.get(`/api/v1/cases/${caseId}`)).body;
    const linked = detail.incidents.find((i: { id: string }) => i.id === incidentA);
    expect(linked).toMatchObject({ reference: expect.stringMatching(/^\d{4}-\d{4}$/), siteName: 'Nowon-gu Office', counterName: expect.any(String) });
    const text = await pdfText(summary);
    expect(text).toContain(linked.reference);
    expect(text).not.toContain(incidentA);
    // The export is in the audit log with its manifest's hash, for the case and each evidence item.
    const caseRows = await auditTrail(t.system.database.db, 'case', caseId);
    expect(caseRows.filter((r) => r.action === 'export').at(-1)).toMatchObject({ actorId: 'legal-1', detail: { manifestSha256: verdict.manifestSha256 } });
    expect((await auditTrail(t.system.database.db, 'case_evidence', evidenceId)).some((r) => r.action === 'export' && r.detail.manifestSha256 === verdict.manifestSha256)).toBe(true);

    const tampered = Buffer.from(d.bytes);
    const at = tampered.indexOf(photo.subarray(1000, 1032));
    expect(at).toBeGreaterThan(0);
    tampered[at + 5]! ^= 0x01;
    const bad = await verifyCaseExport(tampered);
    expect(bad.ok).toBe(false);
    expect(bad.problems).toEqual([expect.objectContaining({ path: photoPath, problem: 'changed' })]);
  });

  it('a known complainant involved again is warned about, across sites; statistics can count repeat complainants', async () => {
    const created = await as.legal.post('/api/v1/complainants', { name: '홍길동', description: 'grey coat, shouts about the passport fee', identifiers: ['010-****-1234'], incidentIds: [incidentA] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const complainantId = created.body.id;
    expect(created.body.warnings).toEqual([]);
    expectError(await as.legal.post('/api/v1/complainants', { identifiers: [] }), 400, 'invalid_request');
    const incidentB = await raiseIncident(as, 'b');
    const linked = await as.legal.post(`/api/v1/complainants/${complainantId}/incidents`, { incidentIds: [incidentB] });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body.warning).toMatchObject({ complainantId, name: '홍길동', earlierIncidents: 1, siteIds: ['site-a'] });
    expect(linked.body.siteIds.sort()).toEqual(['site-a', 'site-b']);
    // Site B's manager sees the warning on their incident; a guard does not.
    expect((await as.managerb.get(`/api/v1/incidents/${incidentB}/case-files`)).body.complainants).toEqual([expect.objectContaining({ complainantId, earlierIncidents: 1, siteIds: ['site-a'] })]);
    expect((await as.guardb.get(`/api/v1/incidents/${incidentB}/case-files`)).body.complainants).toEqual([]);
    // Naming the complainant on the case links the case's incidents; the case shows the warning for the other site.
    expect((await as.legal.request('PATCH', `/api/v1/cases/${caseId}`, { complainantId })).status).toBe(200);
    const detail = (await as.legal.get(`/api/v1/cases/${caseId}`)).body;
    expect(detail.complainant).toMatchObject({ id: complainantId, caseIds: [caseId] });
    expect(detail.complainantWarning).toMatchObject({ earlierIncidents: 1, siteIds: ['site-b'] });
    const repeat = await repeatComplainants(t.system.database.db);
    expect(repeat).toEqual([{ complainantId, incidents: 2, siteIds: ['site-a', 'site-b'], incidentIds: [incidentA, incidentB] }]);
    expect(await repeatComplainants(t.system.database.db, { siteIds: ['site-b'] })).toEqual([]);
  });

  it('every read and write above is in the audit log, whose chain verifies; auditors read it, others may not', async () => {
    const rows = await auditTrail(t.system.database.db, 'case', caseId);
    const actors = new Set(rows.filter((r) => r.action === 'read').map((r) => r.actorId));
    expect([...actors].sort()).toEqual(['auditor-1', 'legal-1', 'manager-a']);
    expect(rows[0]).toMatchObject({ action: 'create', actorId: 'legal-1' });
    expect(rows.some((r) => r.action === 'update' && r.actorId === 'legal-1')).toBe(true);
    const v = await as.auditor.get('/api/v1/audit/verify');
    expect(v.body).toMatchObject({ ok: true });
    const page = await as.auditor.get('/api/v1/audit/log?after=0&limit=5');
    expect(page.body.items.map((r: { seq: number }) => r.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(page.body.next).toBe(5);
    expectError(await as.auditor.get('/api/v1/audit/log?limit=0'), 400, 'invalid_request');
    expectError(await as.admin1.get('/api/v1/audit/verify'), 403, 'forbidden');
  });

  it.runIf(db === 'postgres')('guardbell audit verify: exit 0 on an intact chain; exit 1 naming the seq of a row a DBA edited', async () => {
    const env = { ...process.env, DATABASE_URL: t.databaseUrl!, LOG_LEVEL: 'silent' };
    const okRun = await run(process.execPath, [cli, 'audit', 'verify'], { env });
    expect(okRun.stdout).toMatch(/^audit log OK: \d+ entries/);
    await t.system.database.db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`update audit_log set actor_id = 'someone-else' where seq = 3`);
    });
    const failed = await run(process.execPath, [cli, 'audit', 'verify'], { env }).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('audit log BROKEN at seq 3 (edited)');
    expect(await verifyAuditLog(t.system.database.db)).toMatchObject({ ok: false, break: { seq: 3, reason: 'edited' } });
  }, 180_000);
});
