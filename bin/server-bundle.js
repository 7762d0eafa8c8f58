// The command line and the server as one JavaScript file (bin/source-bundle.js): without tsx in the main thread a
// start takes seconds less and its process tens of MiB less; so do the threads' own files. Made by `npm install`
// (bin/prepare-pglite.js).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildBundle, bundleOf, freshBundle, ROOT } from './source-bundle.js';

const entry = fileURLToPath(new URL('./cli.ts', import.meta.url));
export const SERVER_BUNDLE = fileURLToPath(new URL('./guardbell.bundle.mjs', import.meta.url));

export function buildServerBundle(out = SERVER_BUNDLE) {
  return buildBundle({ entry, out, banner: 'Generated from bin/cli.ts by bin/prepare-pglite.js (npm install)' });
}

/** The bundle's path when it is as fresh as its sources, else null. */
export function freshServerBundle(out = SERVER_BUNDLE) {
  return freshBundle({ entry, out });
}

/** The threads that run a TypeScript source (each picks its bundle with `threadEntry`). */
export const THREAD_SOURCES = ['api/store/pglite-thread-worker.ts', 'api/notify/twilio/sender-worker.ts', 'api/areas/statistics/workbook-worker.ts']
  .map((p) => join(ROOT, p));

export async function buildThreadBundles() {
  for (const entry of THREAD_SOURCES) {
    await buildBundle({ entry, out: bundleOf(entry), banner: `Generated from ${entry.slice(ROOT.length)} by bin/prepare-pglite.js (npm install)` });
  }
}
