import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DomainError } from '../domain/index.ts';
import { NotFoundError } from '../core/alarm-core.ts';
import { fieldIssue } from './field-issues.ts';

/** An error with a stable machine-readable code (STYLE.md: Outline's server/errors.ts). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The values a console needs to say the error in its user's language, next to the control (`error.<code>`). */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
  }
}

export const unauthorized = () => new HttpError(401, 'unauthorized', 'log in first');
export const forbidden = (what: string) => new HttpError(403, 'forbidden', `your role may not ${what}`);
export const notFound = (what: string) => new HttpError(404, 'not_found', `${what} does not exist`);

const DOMAIN_STATUS: Record<DomainError['code'], number> = {
  invalid_transition: 409,
  already_acknowledged: 409,
  incident_closed: 409,
  reason_required: 422,
};

export function validationError(error: z.ZodError, where: string, input?: unknown): HttpError {
  // Each problem names its field with a code and parameters, so a console says it in Korean beside the control.
  const details = error.issues.map((i) => fieldIssue(i, input));
  const text = details.map((d) => `${d.path || where}: ${d.message}`).join('; ');
  return new HttpError(400, 'invalid_request', `invalid ${where}: ${text}`, details);
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw validationError(r.error, 'body', body ?? {});
  return r.data;
}

export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const r = schema.safeParse(query ?? {});
  if (!r.success) throw validationError(r.error, 'query', query ?? {});
  return r.data;
}

export const notFoundRoute: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `no route ${req.method} ${req.path}`));
};

/** Maps every error to `{"error":{"code","message"}}` with its status, and counts it. */
export function errorHandler(logger: Logger, count: (code: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const e = toHttpError(err);
    count(e.code);
    if (e.status >= 500) logger.error({ err, path: req.path }, 'request failed');
    else logger.info({ code: e.code, path: req.path, method: req.method, message: e.message }, 'request refused');
    res.status(e.status).json({ error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}), ...(e.params ? { params: e.params } : {}) } });
  };
}

function toHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  if (err instanceof DomainError) return new HttpError(DOMAIN_STATUS[err.code], err.code, err.message);
  if (err instanceof NotFoundError) return new HttpError(404, 'not_found', err.message);
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  // body-parser's errors: malformed JSON, too large, wrong charset.
  if (e.type === 'entity.parse.failed') return new HttpError(400, 'malformed_json', `the body is not valid JSON: ${e.message}`);
  if (e.type === 'entity.too.large') {
    const limit = typeof e.limit === 'number' ? (e.limit >= 1024 * 1024 ? `${e.limit / (1024 * 1024)} MiB` : `${e.limit / 1024} KiB`) : 'the limit';
    return new HttpError(413, 'payload_too_large', `the body is larger than ${limit}`);
  }
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return new HttpError(e.status, 'bad_request', e.message ?? 'bad request');
  if (isDatabaseDown(err)) return new HttpError(503, 'database_unavailable', 'the database is not answering; alarms still ring, try again shortly');
  return new HttpError(500, 'internal', 'internal error');
}

function isDatabaseDown(err: unknown): boolean {
  const text = `${(err as Error)?.message ?? ''} ${String((err as { cause?: unknown })?.cause ?? '')}`;
  return /ECONNREFUSED|ECONNRESET|timeout exceeded when trying to connect|Connection terminated|terminating connection|57P01|the database system is/.test(text);
}
