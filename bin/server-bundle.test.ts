import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TwilioSenderThread } from '../api/notify/twilio/sender-thread.ts';
import { ChildSystem } from '../test/support/child-system.ts';
import { buildServerBundle, buildThreadBundles, freshServerBundle, THREAD_SOURCES } from './server-bundle.js';
import { bundleOf, threadEntry } from './source-bundle.js';

// Beside the real one: a source's own URL is written relative to the bundle's folder. Removed afterwards.
const OUT = fileURLToPath(new URL(`./guardbell.bundle.test-${process.pid}.mjs`, import.meta.url));

describe("the server's bundle", () => {
  let dataDir: string;
  let system: (ChildSystem & { url: string }) | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gb-bundle-'));
  });
  afterAll(async () => {
    await system?.stop();
    for (const f of [OUT, `${OUT}.json`]) await rm(f, { force: true });
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is used only while every source it was made from is unchanged', async () => {
    expect(freshServerBundle(OUT)).toBeNull();
    await buildServerBundle(OUT);
    expect(freshServerBundle(OUT)).toBe(OUT);
    const manifest = JSON.parse(await readFile(`${OUT}.json`, 'utf8')) as { inputs: Record<string, string> };
    expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(['bin/cli.ts', 'api/system.ts', 'system/index.ts', 'api/store/pglite-template.ts']));
    expect(Object.keys(manifest.inputs).some((p) => p.includes('node_modules'))).toBe(false);
    // A source edited since: `guardbell` runs the sources instead.
    await writeFile(`${OUT}.json`, JSON.stringify({ inputs: { ...manifest.inputs, 'api/system.ts': '0'.repeat(64) } }));
    expect(freshServerBundle(OUT)).toBeNull();
    await writeFile(`${OUT}.json`, JSON.stringify(manifest));
  }, 60_000);

  it('starts the whole system: the embedded database from its prepared copy, the broker, health', async () => {
    if (!freshServerBundle(OUT)) await buildServerBundle(OUT);
    system = await ChildSystem.start({ DATA_DIR: dataDir }, 60_000, OUT);
    const health = await fetch(`${system.url}/api/v1/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    // Found relative to the sources, not the bundle: the migrations (the database answers) and the data folder's files.
    expect(system.log).toContain(`Database: embedded PostgreSQL in ${join(dataDir, 'pglite')}`);
  }, 90_000);

  it("makes each thread's bundle beside its source, and the Twilio sender's thread runs from it", async () => {
    // What npm install does (idempotent: each file is written aside and renamed into place).
    await buildThreadBundles();
    // Each thread is named by its tsx entry (`x.mjs` beside `x.ts`); without a bundle of `x.ts` the entry runs.
    for (const source of THREAD_SOURCES) expect(threadEntry(pathToFileURL(source.replace(/\.ts$/, '.mjs')))).toBe(bundleOf(source));
    const unbundled = new URL('file:///nowhere/worker.mjs');
    expect(threadEntry(unbundled)).toBe(unbundled);
    const sender = new TwilioSenderThread({ accountSid: 'AC0', authToken: 'x', from: '+15005550006', apiBase: 'http://127.0.0.1:9', publicUrl: 'http://127.0.0.1:9/' });
    try {
      await sender.whenReady();
    } finally {
      await sender.close();
    }
  }, 60_000);
});
