/**
 * The PGlite thread's code as one plain JavaScript file, made by esbuild at `npm install` (bin/prepare-pglite.js), so
 * the thread loads no TypeScript loader of its own: tsx in the thread (its own loader thread and transforms) cost
 * 15–35 MiB at idle and about a second of the start. The file sits beside its sources, with the hashes of the files
 * it was made from: a bundle older than its sources is never used, and the thread runs them through tsx as before.
 */
import { fileURLToPath } from 'node:url';
import { buildBundle, freshBundle } from '../../bin/source-bundle.js';

export const WORKER_SOURCE = fileURLToPath(new URL('./pglite-thread-worker.ts', import.meta.url));
export const WORKER_BUNDLE = fileURLToPath(new URL('./pglite-thread-worker.bundle.mjs', import.meta.url));

/** Bundles the thread's sources into `out` (packages stay imports) and records what it was made from. */
export function buildWorkerBundle(out = WORKER_BUNDLE): Promise<void> {
  return buildBundle({ entry: WORKER_SOURCE, out, banner: 'Generated from api/store/pglite-thread-worker.ts by bin/prepare-pglite.js (npm install)' });
}

/** The bundle, when it exists and every file it was made from is unchanged; otherwise null (run the sources). */
export function freshWorkerBundle(out = WORKER_BUNDLE): string | null {
  return freshBundle({ entry: WORKER_SOURCE, out });
}
