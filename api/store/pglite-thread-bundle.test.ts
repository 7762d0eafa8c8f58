import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import type { FromWorker, ToWorker } from './pglite-thread-protocol.ts';
import { buildBundle, freshBundle } from '../../bin/source-bundle.js';

// Beside its sources, as the real one (the engine finds its migrations relative to itself); removed afterwards.
const OUT = fileURLToPath(new URL(`./pglite-thread-worker.bundle.test-${process.pid}.mjs`, import.meta.url));
const entry = fileURLToPath(new URL('./pglite-thread-worker.ts', import.meta.url));
const build = () => buildBundle({ entry, out: OUT, banner: 'made by pglite-thread-bundle.test.ts' });
const fresh = () => freshBundle({ entry, out: OUT });

describe("the PGlite thread's bundle", () => {
  afterAll(() => {
    for (const f of [OUT, `${OUT}.json`]) rmSync(f, { force: true });
  });

  it('is used only while every file it was made from is unchanged', async () => {
    expect(fresh()).toBeNull();
    await build();
    expect(fresh()).toBe(OUT);
    const manifest = JSON.parse(readFileSync(`${OUT}.json`, 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['api/store/pglite-thread-worker.ts', 'api/store/pglite-template.ts']));
    expect(Object.keys(manifest.inputs).some((p) => p.includes('node_modules'))).toBe(false);
    // A source edited since: the thread runs the sources instead.
    writeFileSync(`${OUT}.json`, JSON.stringify({ inputs: { ...manifest.inputs, 'api/store/pglite-template.ts': '0'.repeat(64) } }));
    expect(fresh()).toBeNull();
    writeFileSync(`${OUT}.json`, JSON.stringify(manifest));
  });

  it('runs as the thread: opens a migrated database and answers a query', async () => {
    if (!fresh()) await build();
    const worker = new Worker(OUT, { workerData: { dataDir: 'memory://' } });
    const replies = new Map<number, FromWorker>();
    const reply = (id: number) => new Promise<FromWorker>((resolve) => {
      const check = () => (replies.has(id) ? resolve(replies.get(id)!) : setTimeout(check, 10));
      check();
    });
    worker.on('message', (m: FromWorker) => replies.set(m.id, m));
    try {
      worker.postMessage({ id: 0, op: 'open' } satisfies ToWorker);
      expect(await reply(0)).toMatchObject({ ok: true });
      worker.postMessage({ id: 1, op: 'query', sql: 'select count(*)::int as n from incidents', params: [], rowMode: 'object' } satisfies ToWorker);
      expect(await reply(1)).toMatchObject({ ok: true, value: { rows: [{ n: 0 }] } });
      worker.postMessage({ id: 2, op: 'close' } satisfies ToWorker);
      await reply(2);
    } finally {
      await worker.terminate();
    }
  }, 60_000);
});
