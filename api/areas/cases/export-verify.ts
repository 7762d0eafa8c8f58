/**
 * Verifies a case export (export.ts) as a court or the police would: every file the manifest lists is present
 * with its SHA-256 and size, no file was added, and SHA256SUMS agrees. Pure (bytes in, verdict out).
 */
import { createHash } from 'node:crypto';
import JSZip from 'jszip';

export const EXPORT_FORMAT = 'guardbell-case-export/1';
export const MANIFEST = 'manifest.json';
export const SUMS = 'SHA256SUMS';

export interface ManifestFile {
  path: string;
  sha256: string;
  size: number;
  /** For evidence: its id, and the SHA-256 recorded when it was uploaded (the same, or the export is wrong). */
  evidenceId?: string;
}

export interface Manifest {
  format: typeof EXPORT_FORMAT;
  caseId: string;
  title: string;
  exportedAt: string;
  exportedBy: string;
  files: ManifestFile[];
}

export type ExportProblemKind = 'changed' | 'missing' | 'extra' | 'unreadable';

export interface ExportProblem {
  path: string;
  problem: ExportProblemKind;
  message: string;
}

export interface ExportVerdict {
  ok: boolean;
  caseId: string | null;
  /** SHA-256 of manifest.json: the audit log's export entry records it, so a re-written manifest is found too. */
  manifestSha256: string | null;
  files: number;
  problems: ExportProblem[];
}

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export function sumsText(files: readonly { path: string; sha256: string }[]): string {
  return files.map((f) => `${f.sha256}  ${f.path}\n`).join('');
}

export async function verifyCaseExport(zipBytes: Uint8Array): Promise<ExportVerdict> {
  const fail = (path: string, message: string): ExportVerdict => ({ ok: false, caseId: null, manifestSha256: null, files: 0, problems: [{ path, problem: 'unreadable', message }] });
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(zipBytes, { checkCRC32: false });
  } catch (err) {
    return fail('(zip)', `not a readable ZIP file: ${(err as Error).message}`);
  }
  const manifestFile = zip.file(MANIFEST);
  if (!manifestFile) return fail(MANIFEST, 'the export has no manifest.json');
  let manifestBytes: Uint8Array;
  let manifest: Manifest;
  try {
    manifestBytes = await manifestFile.async('uint8array');
    manifest = JSON.parse(Buffer.from(manifestBytes).toString('utf8')) as Manifest;
  } catch (err) {
    return fail(MANIFEST, `manifest.json is not readable JSON: ${(err as Error).message}`);
  }
  if (manifest.format !== EXPORT_FORMAT || !Array.isArray(manifest.files)) return fail(MANIFEST, `manifest.json is not a ${EXPORT_FORMAT} manifest`);
  const manifestSha256 = sha256Hex(manifestBytes);
  const problems: ExportProblem[] = [];
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const entry = zip.file(f.path);
    if (!entry) {
      problems.push({ path: f.path, problem: 'missing', message: `${f.path} is listed in the manifest but missing` });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = await entry.async('uint8array');
    } catch (err) {
      problems.push({ path: f.path, problem: 'unreadable', message: `${f.path} cannot be read: ${(err as Error).message}` });
      continue;
    }
    const actual = sha256Hex(bytes);
    if (actual !== f.sha256 || bytes.length !== f.size) {
      problems.push({ path: f.path, problem: 'changed', message: `${f.path} changed: SHA-256 ${actual} (${bytes.length} bytes), the manifest says ${f.sha256} (${f.size} bytes)` });
    }
  }
  for (const path of Object.keys(zip.files)) {
    if (zip.files[path]!.dir || listed.has(path) || path === MANIFEST || path === SUMS) continue;
    problems.push({ path, problem: 'extra', message: `${path} is not in the manifest: it was added` });
  }
  const sums = zip.file(SUMS);
  const expectedSums = sumsText([...manifest.files, { path: MANIFEST, sha256: manifestSha256 }]);
  if (!sums) problems.push({ path: SUMS, problem: 'missing', message: `${SUMS} is missing` });
  else if ((await sums.async('string')) !== expectedSums) {
    problems.push({ path: SUMS, problem: 'changed', message: `${SUMS} does not agree with manifest.json and its SHA-256` });
  }
  return { ok: problems.length === 0, caseId: manifest.caseId ?? null, manifestSha256, files: manifest.files.length, problems };
}

export function formatExportVerdict(v: ExportVerdict): string {
  if (v.ok) return `case export OK: case ${v.caseId}, ${v.files} files match the manifest (manifest SHA-256 ${v.manifestSha256}; compare it with the audit log's export entry)`;
  return [`case export FAILED${v.caseId ? ` (case ${v.caseId})` : ''}: ${v.problems.length} problem(s)`, ...v.problems.map((p) => `  ${p.problem}: ${p.message}`)].join('\n');
}
