/**
 * Response headers and request-path checks shared by the API and the console.
 *
 * The console's CSP allows scripts only from our own origin (the built console has no inline script), its
 * pages can be framed by nobody (clickjacking a "cancel alarm" button), and no response is sniffed into another
 * type. `upgrade-insecure-requests` is left out: the console is often reached over plain http on a LAN, where it
 * would break every request; HSTS is the TLS proxy's to send.
 */
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { HttpError } from './errors.ts';

export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React sets style properties, not inline <style>; 'unsafe-inline' styles cannot run script.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** Characters no id, name or floor in a path can hold: a NUL reached PostgreSQL as a 500. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const MAX_SEGMENT = 200;

/** Answers a path with an undecodable or control-character segment with 400 before any route reads it. */
export const validPathSegments: RequestHandler = (req, _res, next) => {
  for (const raw of req.path.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      throw new HttpError(400, 'invalid_id', `the path segment "${raw.slice(0, 40)}" is not valid percent-encoding`);
    }
    if (CONTROL.test(segment) || segment.length > MAX_SEGMENT) {
      throw new HttpError(400, 'invalid_id', `the path segment "${encodeURIComponent(segment.slice(0, 40))}" is not a valid id (control characters, or over ${MAX_SEGMENT} characters)`);
    }
  }
  next();
};

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLoopback(address: string | undefined): boolean {
  return address !== undefined && LOOPBACK.test(address);
}
