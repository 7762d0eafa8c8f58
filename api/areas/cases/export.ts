/**
 * A case exported for a court or the police: a ZIP with summary.pdf (timeline, people, actions, evidence list),
 * evidence/<files> as uploaded, manifest.json (SHA-256 and size of every file, summary.pdf included) and
 * SHA256SUMS (the same in `sha256sum -c` form, manifest.json included). Files are stored, not compressed, so
 * the bytes in the ZIP are the evidence's own.
 */
import JSZip from 'jszip';
import { newPdf, pdfBytes, type Pdf } from '../../reports/pdf-document.ts';
import { ko, koList, separationText, siteDateTime, zoneName } from '../../reports/local-text.ts';
import { EXPORT_FORMAT, MANIFEST, sha256Hex, SUMS, sumsText, type Manifest, type ManifestFile } from './export-verify.ts';
import type { CaseDetailView } from '../../contract/cases.ts';
import { DEFAULT_TIMEZONE } from '../../contract/index.ts';

export interface ExportInput {
  detail: CaseDetailView;
  /** The incidents' timeline entries (server times), with their data (a separation names who and where to). */
  timeline: { incidentId: string; at: Date; kind: string; data?: Record<string, unknown> }[];
  /** The time zone the summary is written in: the site's (Asia/Seoul when not given). */
  timeZone?: string;
  /** The evidence bytes by evidence id. */
  content: ReadonlyMap<string, Uint8Array>;
  exportedAt: Date;
  exportedBy: { id: string; name: string };
}

export interface CaseExport {
  zip: Buffer;
  manifest: Manifest;
  manifestSha256: string;
}

/** A name safe inside a ZIP on every system: no folders, no control characters, no leading dots. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\:*?"<>|]/g, '_').replace(/^\.+/, '').trim().slice(0, 120);
  return cleaned || 'file';
}

export async function buildCaseExport(input: ExportInput): Promise<CaseExport> {
  const { detail } = input;
  const files: { path: string; bytes: Uint8Array; sha256: string; evidenceId?: string }[] = [];
  const summary = await summaryPdf(input);
  files.push({ path: 'summary.pdf', bytes: summary, sha256: sha256Hex(summary) });
  detail.evidence.forEach((e, i) => {
    const bytes = input.content.get(e.id);
    if (!bytes) throw new Error(`the bytes of evidence ${e.id} are missing`);
    const actual = sha256Hex(bytes);
    if (actual !== e.sha256) throw new Error(`evidence ${e.id} no longer matches the SHA-256 recorded at upload (${e.sha256}, now ${actual})`);
    files.push({ path: `evidence/${String(i + 1).padStart(3, '0')}-${safeFileName(e.fileName)}`, bytes, sha256: actual, evidenceId: e.id });
  });
  const listed: ManifestFile[] = files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.bytes.length, ...(f.evidenceId ? { evidenceId: f.evidenceId } : {}) }));
  const manifest: Manifest = {
    format: EXPORT_FORMAT, caseId: detail.id, title: detail.title, exportedAt: input.exportedAt.toISOString(), exportedBy: input.exportedBy.id, files: listed,
  };
  const manifestBytes = Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8');
  const manifestSha256 = sha256Hex(manifestBytes);
  const zip = new JSZip();
  const date = input.exportedAt;
  for (const f of files) zip.file(f.path, f.bytes, { date, binary: true });
  zip.file(MANIFEST, manifestBytes, { date, binary: true });
  zip.file(SUMS, sumsText([...listed, { path: MANIFEST, sha256: manifestSha256 }]), { date });
  const bytes = await zip.generateAsync({ type: 'nodebuffer', compression: 'STORE' });
  return { zip: bytes, manifest, manifestSha256 };
}

async function summaryPdf(input: ExportInput): Promise<Buffer> {
  const d = input.detail;
  const zone = input.timeZone ?? DEFAULT_TIMEZONE;
  const when = (at: string | Date) => siteDateTime(at, zone);
  const shortId = (id: string) => d.incidents.find((i) => i.id === id)?.reference ?? id;
  const doc = newPdf({ title: `사건 요약 / Case summary ${d.id}`, subject: d.title });
  doc.font('bold').fontSize(16).text(`사건 요약 / Case summary`);
  doc.font('regular').fontSize(11).text(d.title);
  line(doc, `사건 / Case: ${d.id}  ·  상태 / Status: ${ko('status', d.status)}  ·  분류 / Classification: ${koList('classification', d.classification) || '—'}`);
  line(doc, `내보낸 때 / Exported: ${when(input.exportedAt)} · ${input.exportedBy.name}`);
  line(doc, `시각은 모두 기관 현지 시각 (${zone}, ${zoneName(zone)}) / All times are the site's local time`);
  if (d.summary) line(doc, d.summary);

  heading(doc, '사람 / People');
  if (d.complainant) {
    const c = d.complainant;
    line(doc, `민원인 / Complainant: ${c.name ?? '(이름 모름 / name unknown)'} — ${c.description || '—'}${c.identifiers.length ? ` [${c.identifiers.join(', ')}]` : ''}`);
    line(doc, `  관련 사건 / Linked incidents: ${c.incidentIds.length} at ${c.siteIds.join(', ') || '—'}`);
  } else line(doc, '민원인 / Complainant: —');
  line(doc, `담당 / Assigned: ${d.assignees.map((a) => `${a.name} (${a.id})`).join(', ') || '—'}`);
  const givers = [...new Set(d.statements.map((s) => s.givenBy))];
  if (givers.length) line(doc, `진술인 / Statements by: ${givers.join(', ')}`);

  heading(doc, '시간순 기록 / Timeline');
  const events: { at: string; text: string }[] = [
    ...input.timeline.map((t) => {
      const separated = t.kind === 'victim_separated' && t.data ? separationText(t.data) : null;
      return { at: t.at.toISOString(), text: `${shortId(t.incidentId)}: ${ko('kind', t.kind)}${separated ? ` — ${separated}` : ''}` };
    }),
    { at: d.createdAt, text: `사건 파일 개설 / case opened by ${d.createdBy}` },
    ...d.statements.map((s) => ({ at: s.recordedAt, text: `진술 / statement of ${s.givenBy} (진술일 / taken ${s.takenOn})` })),
    ...d.evidence.map((e) => ({ at: e.addedAt, text: `증거 / evidence added: ${e.fileName} · ${e.addedByName}` })),
    ...d.actions.map((a) => ({ at: a.createdAt, text: `법적 조치 / legal action: ${ko('legalAction', a.kind)} (${ko('status', a.status)})` })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  for (const e of events) line(doc, `${when(e.at)}  ${e.text}`);

  heading(doc, '사건 / Incidents');
  for (const i of d.incidents) {
    line(doc, `${i.reference ?? i.id} — ${i.siteName ?? i.siteId} / ${i.counterName ?? i.counterId}, ${when(i.openedAt)}, ${ko('status', i.status)}, ${koList('classification', i.classification) || '—'}`);
  }

  heading(doc, '진술 / Statements');
  if (!d.statements.length) line(doc, '—');
  for (const s of d.statements) {
    doc.font('bold').fontSize(10).text(`${s.givenBy} (${s.takenOn})`);
    doc.font('regular').fontSize(10).text(s.text);
    doc.moveDown(0.3);
  }

  heading(doc, '법적 조치 / Legal actions');
  if (!d.actions.length) line(doc, '—');
  for (const a of d.actions) {
    line(doc, `${ko('legalAction', a.kind)} — ${ko('status', a.status)}; 제기 / filed ${a.filedOn ?? '—'}, 다음 / next ${a.nextDate ?? '—'}, 결정 / decided ${a.decidedOn ?? '—'}; ${a.authority} ${a.reference}`.trim());
    if (a.outcome) line(doc, `  결과 / Outcome: ${a.outcome}`);
  }

  heading(doc, '증거 목록 / Evidence');
  if (!d.evidence.length) line(doc, '—');
  d.evidence.forEach((e, i) => {
    line(doc, `${i + 1}. ${e.fileName} (${e.mediaType}, ${e.size} bytes) — 추가 / added ${when(e.addedAt)} · ${e.addedByName}`);
    doc.font('regular').fontSize(8).text(`   SHA-256 ${e.sha256}`);
    doc.fontSize(10);
  });
  doc.moveDown();
  doc.fontSize(8).text('Every file of this export is listed with its SHA-256 in manifest.json and SHA256SUMS (sha256sum -c SHA256SUMS); `guardbell case verify FILE.zip` checks them all.');
  return pdfBytes(doc);
}

function heading(doc: Pdf, text: string): void {
  doc.moveDown(0.8).font('bold').fontSize(13).text(text).font('regular').fontSize(10);
}

function line(doc: Pdf, text: string): void {
  doc.font('regular').fontSize(10).text(text);
}
