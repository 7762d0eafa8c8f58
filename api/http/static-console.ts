/**
 * The built console (console-ui/dist) as static files. Assets are served from their brotli or gzip copies
 * made at build time (the browser's Accept-Encoding decides; nothing is compressed per request), and the
 * hashed files under assets/ are cached for a year as immutable: a new build has new names. index.html is
 * never cached, so a new build is picked up on the next load.
 */
import type { RequestHandler } from 'express';
import expressStaticGzip from 'express-static-gzip';

const YEAR_SECONDS = 365 * 24 * 3600;

export function staticConsole(dist: string): RequestHandler {
  return expressStaticGzip(dist, {
    enableBrotli: true,
    orderPreference: ['br', 'gzip'],
    index: 'index.html',
    serveStatic: { cacheControl: false, setHeaders: cacheHeaders },
  });
}

export function cacheHeaders(res: { setHeader(name: string, value: string): void }, path: string): void {
  // express-static-gzip hands over the compressed copy's path (index-Ab12.js.br): strip the encoding's suffix.
  const served = path.replace(/\.(br|gz)$/, '');
  if (/[\\/]assets[\\/]/.test(served)) res.setHeader('Cache-Control', `public, max-age=${YEAR_SECONDS}, immutable`);
  else res.setHeader('Cache-Control', 'no-cache');
}
