import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { buildCaseExport, safeFileName } from './export.ts';
import { sha256Hex, verifyCaseExport } from './export-verify.ts';
import type { CaseDetailView, EvidenceView } from '../../contract/cases.ts';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../../bin/guardbell.js', import.meta.url));

const audio = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
const letter = Buffer.from('경고장 사본 / copy of the warning letter', 'utf8');
const item = (id: string, fileName: string, bytes: Buffer): EvidenceView => ({
  id, fileName, mediaType: 'application/octet-stream', size: bytes.length, sha256: sha256Hex(bytes), description: '', addedBy: 'legal-1',
  addedByName: 'Han Legal', addedAt: '2026-11-23T10:00:00.000Z', custody: [],
});
const detail: CaseDetailView = {
  id: 'case_1', access: 'write', title: '민원인 폭언 사건', status: 'open', classification: ['verbal_abuse'], incidentIds: ['inc_1'], siteIds: ['site-a'],
  complainantId: 'cmp_1', complainantName: '홍길동', assignees: [{ id: 'legal-1', name: 'Han Legal' }], evidenceCount: 2, actionCount: 1,
  createdAt: '2026-11-23T09:30:00.000Z', updatedAt: '2026-11-23T10:00:00.000Z', summary: 'Threw the form at the officer.', createdBy: 'legal-1',
  incidents: [{ id: 'inc_1', siteId: 'site-a', counterId: 'passport-3', openedAt: '2026-11-23T09:15:02.120Z', status: 'closed', classification: ['verbal_abuse'] }],
  complainant: { id: 'cmp_1', name: '홍길동', description: 'grey coat', identifiers: ['010-****-1234'], incidentIds: ['inc_1'], siteIds: ['site-a'], caseIds: ['case_1'], createdAt: '2026-11-23T09:40:00.000Z' },
  complainantWarning: null,
  statements: [{ id: 1, givenBy: 'Lee Staff (victim)', takenOn: '2026-11-23', text: '서류를 던졌습니다.', recordedBy: 'legal-1', recordedAt: '2026-11-23T09:50:00.000Z' }],
  evidence: [item('ev_1', '녹음 파일.m4a', audio), item('ev_2', '../../etc/passwd', letter)],
  actions: [{ id: 'act_1', kind: 'warning_letter', status: 'filed', filedOn: '2026-11-24', nextDate: null, decidedOn: null, authority: '', reference: '', outcome: '', createdBy: 'legal-1', createdAt: '2026-11-23T10:05:00.000Z', updatedAt: '2026-11-23T10:05:00.000Z' }],
};
const content = new Map([['ev_1', audio], ['ev_2', letter]]);
const build = () => buildCaseExport({ detail, timeline: [{ incidentId: 'inc_1', at: new Date('2026-11-23T09:15:02.120Z'), kind: 'press' }], content, exportedAt: new Date('2026-11-23T11:00:00Z'), exportedBy: { id: 'legal-1', name: 'Han Legal' } });

async function rezip(zipBytes: Buffer, change: (zip: JSZip) => void | Promise<void>): Promise<Buffer> {
  const zip = await JSZip.loadAsync(zipBytes);
  await change(zip);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
}

describe('case export and its verification', () => {
  it('holds summary.pdf, the evidence as uploaded, manifest.json and SHA256SUMS; it verifies', async () => {
    const out = await build();
    const zip = await JSZip.loadAsync(out.zip);
    expect(Object.keys(zip.files).sort()).toEqual(['SHA256SUMS', 'evidence/', 'evidence/001-녹음 파일.m4a', 'evidence/002-_.._etc_passwd', 'manifest.json', 'summary.pdf']);
    expect((await zip.file('evidence/001-녹음 파일.m4a')!.async('nodebuffer')).equals(audio)).toBe(true);
    expect(out.manifest.files.map((f) => [f.path, f.size])).toEqual([['summary.pdf', expect.any(Number)], ['evidence/001-녹음 파일.m4a', audio.length], ['evidence/002-_.._etc_passwd', letter.length]]);
    expect(out.manifest.files[1]).toMatchObject({ sha256: sha256Hex(audio), evidenceId: 'ev_1' });
    const sums = await zip.file('SHA256SUMS')!.async('string');
    expect(sums).toContain(`${sha256Hex(audio)}  evidence/001-녹음 파일.m4a\n`);
    expect(sums).toContain(`${out.manifestSha256}  manifest.json\n`);
    expect(await verifyCaseExport(out.zip)).toEqual({ ok: true, caseId: 'case_1', manifestSha256: out.manifestSha256, files: 3, problems: [] });
  });

  it('refuses to export evidence whose bytes no longer match the SHA-256 recorded at upload', async () => {
    const changed = Buffer.from(audio);
    changed[0] = changed[0]! ^ 1;
    await expect(buildCaseExport({ detail, timeline: [], content: new Map([['ev_1', changed], ['ev_2', letter]]), exportedAt: new Date(), exportedBy: { id: 'x', name: 'x' } }))
      .rejects.toThrow(/ev_1 no longer matches/);
  });

  it('one changed byte in the ZIP fails, naming the file', async () => {
    const out = await build();
    const bytes = Buffer.from(out.zip);
    const at = bytes.indexOf(audio.subarray(100, 140));
    bytes[at + 3] = bytes[at + 3]! ^ 0x80;
    const v = await verifyCaseExport(bytes);
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([expect.objectContaining({ path: 'evidence/001-녹음 파일.m4a', problem: 'changed' })]);
  });

  it('a changed summary, a missing file, an added file and a re-written manifest are each named', async () => {
    const out = await build();
    const pdf = await rezip(out.zip, async (z) => {
      const b = await z.file('summary.pdf')!.async('nodebuffer');
      b[b.length - 20] = b[b.length - 20]! ^ 1;
      z.file('summary.pdf', b);
    });
    expect((await verifyCaseExport(pdf)).problems).toEqual([expect.objectContaining({ path: 'summary.pdf', problem: 'changed' })]);
    const missing = await rezip(out.zip, (z) => void z.remove('evidence/002-_.._etc_passwd'));
    expect((await verifyCaseExport(missing)).problems).toEqual([expect.objectContaining({ path: 'evidence/002-_.._etc_passwd', problem: 'missing' })]);
    const extra = await rezip(out.zip, (z) => void z.file('evidence/003-planted.jpg', 'x'));
    expect((await verifyCaseExport(extra)).problems).toEqual([expect.objectContaining({ path: 'evidence/003-planted.jpg', problem: 'extra' })]);
    // Someone replaces a file and writes its new hash into manifest.json: SHA256SUMS (and the audit log's manifest hash) disagree.
    const rewritten = await rezip(out.zip, async (z) => {
      const m = JSON.parse(await z.file('manifest.json')!.async('string'));
      z.file('evidence/002-_.._etc_passwd', 'forged');
      m.files[2].sha256 = sha256Hex(Buffer.from('forged'));
      m.files[2].size = 6;
      z.file('manifest.json', JSON.stringify(m));
    });
    const v = await verifyCaseExport(rewritten);
    expect(v.problems).toEqual([expect.objectContaining({ path: 'SHA256SUMS', problem: 'changed' })]);
    expect(v.manifestSha256).not.toBe(out.manifestSha256);
    expect((await verifyCaseExport(Buffer.from('not a zip'))).problems).toEqual([expect.objectContaining({ problem: 'unreadable' })]);
  });

  it('guardbell case verify: exit 0 when intact, exit 1 naming the changed file', async () => {
    const out = await build();
    const dir = await mkdtemp(join(tmpdir(), 'gb-export-'));
    await writeFile(join(dir, 'ok.zip'), out.zip);
    const ok = await run(process.execPath, [cli, 'case', 'verify', join(dir, 'ok.zip')]);
    expect(ok.stdout).toContain('case export OK: case case_1, 3 files');
    const bad = Buffer.from(out.zip);
    const at = bad.indexOf(letter.subarray(0, 16));
    bad[at] = bad[at]! ^ 1;
    await writeFile(join(dir, 'bad.zip'), bad);
    const failed = await run(process.execPath, [cli, 'case', 'verify', join(dir, 'bad.zip')]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('changed: evidence/002-_.._etc_passwd changed');
  }, 180_000);

  it('file names are made safe for a ZIP', () => {
    expect(safeFileName('a/b\\c:d*e?.jpg')).toBe('a_b_c_d_e_.jpg');
    expect(safeFileName('...hidden')).toBe('hidden');
    expect(safeFileName('\u0000')).toBe('_');
    expect(safeFileName('   ')).toBe('file');
  });
});
