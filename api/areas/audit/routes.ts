/** /api/v1/audit: auditors read the audit log and verify its chain. (Reading the log is not itself logged.) */
import { Router } from 'express';
import type { AreaContext } from '../../area.ts';
import { authenticate, userOf } from '../../http/context.ts';
import { forbidden, parseQuery } from '../../http/errors.ts';
import { canReadAuditLog } from '../cases/policy.ts';
import { auditPageQuery } from '../cases/bodies.ts';
import { auditPage, verifyAuditLog } from '../../audit/audit-log.ts';

export function auditRoutes(ctx: AreaContext): Router {
  const r = Router();
  r.use('/audit', authenticate(ctx), (_req, res, next) => {
    if (!canReadAuditLog(userOf(res))) throw forbidden('read the audit log');
    next();
  });

  r.get('/audit/log', async (req, res) => {
    const q = parseQuery(auditPageQuery, req.query);
    const rows = await auditPage(ctx.db, q.after, q.limit);
    res.json({
      items: rows.map((r) => ({ ...r, at: r.at.toISOString() })),
      next: rows.length === q.limit ? rows.at(-1)!.seq : null,
    });
  });

  r.get('/audit/verify', async (_req, res) => {
    res.json(await verifyAuditLog(ctx.db));
  });

  return r;
}
