/**
 * Evidence files and the export of a case: the upload (raw body, up to 100 MB, mounted before the API's JSON
 * parser, and read only after the role and the case are checked), the download, and the ZIP export. Every
 * access is an audit row of the evidence item: its chain of custody.
 */
import express, { Router, type RequestHandler } from 'express';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { HttpError, notFound, parseQuery } from '../../http/errors.ts';
import { appendAudit } from '../../audit/audit-log.ts';
import { evidenceQuery, mediaType } from './bodies.ts';
import { ComplainantStore } from './complainants.ts';
import { buildCaseExport } from './export.ts';
import { caseDetail, personNames, readableCase, writableCase } from './case-access.ts';
import { CASE, CaseStore, EVIDENCE } from './store.ts';
import { presentEvidence } from './present.ts';

export const EVIDENCE_LIMIT_BYTES = 100 * 1024 * 1024;

/** Mounted before express.json: the body of an upload is the file, whatever its type. */
export function evidenceUploadRoutes(ctx: AreaContext): Router {
  const r = Router();
  const store = new CaseStore(ctx.db);
  const mayUpload: RequestHandler = async (req, res, next) => {
    await writableCase(store, res, String(req.params.id));
    next();
  };
  r.post(
    '/cases/:id/evidence',
    authenticate(ctx),
    mayUpload,
    express.raw({ type: () => true, limit: EVIDENCE_LIMIT_BYTES }),
    async (req, res) => {
      const user = userOf(res);
      const q = parseQuery(evidenceQuery, req.query);
      const type = mediaType.safeParse((req.headers['content-type'] ?? 'application/octet-stream').split(';')[0]);
      if (!type.success) throw new HttpError(415, 'bad_media_type', 'Content-Type must be the file\'s media type, such as image/jpeg');
      const body = req.body as unknown;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new HttpError(400, 'empty_file', 'the body must be the file\'s bytes, and not empty');
      const row = await store.addEvidence(String(req.params.id), { fileName: q.fileName, mediaType: type.data, description: q.description, content: body }, user.id, new Date());
      const names = await personNames(ctx);
      res.status(201).json(presentEvidence(row, names, []));
    },
  );
  return r;
}

export function evidenceRoutes(ctx: AreaContext): Router {
  const r = Router();
  const store = new CaseStore(ctx.db);
  const complainants = new ComplainantStore(ctx.db);

  r.get('/cases/:id/evidence/:evidenceId/content', async (req, res) => {
    const user = userOf(res);
    const { c } = await readableCase(store, res, String(req.params.id));
    const item = await store.evidenceItem(c.id, String(req.params.evidenceId));
    if (!item) throw notFound(`evidence ${String(req.params.evidenceId)} of case ${c.id}`);
    const bytes = await store.evidenceContent(item.id);
    // Audited before a byte leaves: a download that is not in the custody chain never happens.
    await appendAudit(ctx.db, { actorId: user.id, action: 'download', recordType: EVIDENCE, recordId: item.id, detail: { caseId: c.id, sha256: item.sha256 } });
    res.setHeader('Content-Type', item.mediaType);
    res.setHeader('Content-Length', String(bytes.length));
    res.setHeader('Content-Disposition', contentDisposition(item.fileName));
    res.setHeader('X-Content-SHA256', item.sha256);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The media type is the uploader's: never let an uploaded page run as ours.
    res.setHeader('Content-Security-Policy', "sandbox; default-src 'none'");
    res.end(bytes);
  });

  r.get('/cases/:id/export', async (req, res) => {
    const user = userOf(res);
    const { c, access } = await readableCase(store, res, String(req.params.id));
    const detail = await caseDetail(ctx, store, complainants, c, access);
    const content = new Map<string, Buffer>();
    for (const e of detail.evidence) content.set(e.id, await store.evidenceContent(e.id));
    const timeline = [];
    for (const incidentId of c.incidentIds) {
      for (const t of await ctx.incidents.timeline(incidentId)) timeline.push({ incidentId, at: t.at, kind: t.kind, data: t.data });
    }
    const timeZone = ctx.places.site(detail.incidents[0]?.siteId ?? '')?.timezone;
    const names = await personNames(ctx);
    const exportedAt = new Date();
    const out = await buildCaseExport({ detail, timeline, content, exportedAt, ...(timeZone ? { timeZone } : {}), exportedBy: { id: user.id, name: names.get(user.id) ?? user.id } });
    await ctx.db.transaction(async (tx) => {
      const files = out.manifest.files.length;
      await appendAudit(tx, { actorId: user.id, action: 'export', recordType: CASE, recordId: c.id, detail: { manifestSha256: out.manifestSha256, files, exportedAt: exportedAt.toISOString() } });
      for (const e of detail.evidence) {
        await appendAudit(tx, { actorId: user.id, action: 'export', recordType: EVIDENCE, recordId: e.id, detail: { caseId: c.id, sha256: e.sha256, manifestSha256: out.manifestSha256 } });
      }
    });
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', contentDisposition(`${c.id}.zip`));
    res.setHeader('X-Manifest-SHA256', out.manifestSha256);
    res.setHeader('Cache-Control', 'no-store');
    res.end(out.zip);
  });

  return r;
}

/** attachment; an ASCII fallback and the UTF-8 name (RFC 6266 / 5987), for Korean file names. */
export function contentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
