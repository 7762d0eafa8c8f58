import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticConsole } from './static-console.ts';

const script = 'console.log("guardbell console");'.repeat(100);

describe('the built console is served from its precompressed copies', () => {
  let dist: string;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'guardbell-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><script src="/assets/index-Ab12.js"></script>');
    writeFileSync(join(dist, 'assets', 'index-Ab12.js'), script);
    writeFileSync(join(dist, 'assets', 'index-Ab12.js.br'), brotliCompressSync(script));
    writeFileSync(join(dist, 'assets', 'index-Ab12.js.gz'), gzipSync(script));
    const app = express();
    app.use(staticConsole(dist));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dist, { recursive: true, force: true });
  });

  // node:http, not fetch: fetch decodes the body and hides what was sent.
  const get = (path: string, encoding: string) =>
    new Promise<{ res: { headers: { get(name: string): string | null }; status: number }; body: Buffer }>((resolve, reject) => {
      httpGet(base + path, { headers: { 'accept-encoding': encoding } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const header = (name: string) => {
            const v = res.headers[name];
            return v === undefined ? null : String(v);
          };
          resolve({ res: { headers: { get: header }, status: res.statusCode ?? 0 }, body: Buffer.concat(chunks) });
        });
      }).on('error', reject);
    });

  it('answers brotli to a browser that accepts it, as JavaScript, cached as immutable', async () => {
    const { res, body } = await get('/assets/index-Ab12.js', 'gzip, deflate, br');
    expect(res.headers.get('content-encoding')).toBe('br');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(body).toString()).toBe(script);
  });

  it('answers gzip without brotli, and the file itself without either', async () => {
    const gz = await get('/assets/index-Ab12.js', 'gzip');
    expect(gz.res.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toBe(script);
    const plain = await get('/assets/index-Ab12.js', 'identity');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    expect(plain.body.toString()).toBe(script);
    expect(plain.res.headers.get('cache-control')).toMatch(/immutable/);
  });

  it('never lets index.html be cached', async () => {
    for (const path of ['/', '/index.html']) {
      const { res, body } = await get(path, 'identity');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(body.toString()).toMatch(/index-Ab12\.js/);
    }
  });
});
