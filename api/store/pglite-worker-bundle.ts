/**
 * The PGlite thread's code as one plain JavaScript file, made by esbuild at `npm install` (bin/prepare-pglite.js), so
 * the thread loads no TypeScript loader of its own: tsx in the thread (its own loader thread and transforms) cost
 * 15–35 MiB at idle and about a second of the start. The file sits beside its sources because the engine finds its
 * migrations relative to itself (pglite-template.ts), with the hashes of the files it was made from: a bundle older
 * than its sources is never used, and the thread runs them through tsx as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WORKER_SOURCE = fileURLToPath(new URL('./pglite-thread-worker.ts', import.meta.url));
export const WORKER_BUNDLE = fileURLToPath(new URL('./pglite-thread-worker.bundle.mjs', import.meta.url));

interface Manifest {
  /** Project-relative path → sha256 of every source file bundled (packages stay imports). */
  inputs: Record<string, string>;
}

const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Bundles the thread's sources into `out` (packages stay imports) and records what it was made from. */
export async function buildWorkerBundle(out = WORKER_BUNDLE): Promise<void> {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [WORKER_SOURCE], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
    absWorkingDir: ROOT, outfile: `${out}.partial`, metafile: true, logLevel: 'silent',
    banner: { js: '// Generated from api/store/pglite-thread-worker.ts by bin/prepare-pglite.js (npm install); not edited by hand.' },
  });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((p) => [p, hashOf(join(ROOT, p))]));
  writeFileSync(`${out}.json`, JSON.stringify({ inputs } satisfies Manifest, null, 1));
  renameSync(`${out}.partial`, out);
}

/** The bundle, when it exists and every file it was made from is unchanged; otherwise null (run the sources). */
export function freshWorkerBundle(out = WORKER_BUNDLE): string | null {
  try {
    if (!existsSync(out)) return null;
    const { inputs } = JSON.parse(readFileSync(`${out}.json`, 'utf8')) as Manifest;
    const paths = Object.keys(inputs);
    if (!paths.includes(relative(ROOT, WORKER_SOURCE))) return null;
    return paths.every((p) => existsSync(join(ROOT, p)) && hashOf(join(ROOT, p)) === inputs[p]) ? out : null;
  } catch {
    return null;
  }
}
