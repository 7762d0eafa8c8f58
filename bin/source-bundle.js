// One plain JavaScript file made by esbuild from TypeScript sources (packages stay imports), so that the thread that
// runs it loads no TypeScript loader: tsx (its loader thread and transforms) costs tens of MiB and seconds at a start.
// Beside the bundle, a manifest holds the hash of every source it was made from: a bundle older than its sources is
// never used, and the caller runs the sources through tsx as before. Plain JavaScript, because `bin/guardbell.js`
// asks for it before any TypeScript can load.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

// This file is not rewritten (only TypeScript sources are): the one bundle that holds it sits beside it, in bin/.
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The expression, not the words in a string or a comment's quotes. */
const META_URL = /(?<![\w.$'"`])import\.meta\.url(?![\w$])/g;

const hashOf = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');

/**
 * A TypeScript source's `import.meta.url` is its own file's URL, not the bundle's: the sources find files beside them (the
 * migrations, fonts, the console, their workers) relative to themselves.
 */
function ownUrls(outDir) {
  return {
    name: 'own-import-meta-url',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (args.path.includes(join('node_modules', ''))) return undefined;
        const contents = await readFile(args.path, 'utf8');
        const own = `new URL(${JSON.stringify(relative(outDir, args.path))}, import.meta.url).href`;
        return { contents: contents.replace(META_URL, own), loader: 'ts' };
      });
    },
  };
}

/** Bundles `entry` (absolute) into `out` and records the hashes of what it was made from. */
export async function buildBundle({ entry, out, banner }) {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external',
    absWorkingDir: ROOT, outfile: `${out}.partial`, metafile: true, logLevel: 'silent', plugins: [ownUrls(dirname(out))],
    banner: { js: `// ${banner}; not edited by hand.` },
  });
  const inputs = Object.fromEntries(Object.keys(result.metafile.inputs).map((p) => [p, hashOf(join(ROOT, p))]));
  writeFileSync(`${out}.json`, JSON.stringify({ inputs }, null, 1));
  renameSync(`${out}.partial`, out);
}

/** `out` when it exists, was made from `entry` and every file it was made from is unchanged; otherwise null. */
export function freshBundle({ entry, out }) {
  try {
    if (!existsSync(out)) return null;
    const { inputs } = JSON.parse(readFileSync(`${out}.json`, 'utf8'));
    const paths = Object.keys(inputs);
    if (!paths.includes(relative(ROOT, entry))) return null;
    return paths.every((p) => existsSync(join(ROOT, p)) && hashOf(join(ROOT, p)) === inputs[p]) ? out : null;
  } catch {
    return null;
  }
}

/** Where the bundle of a thread's source sits: beside it, `x.ts` → `x.bundle.mjs`. */
export const bundleOf = (source) => source.replace(/\.ts$/, '.bundle.mjs');

/**
 * What a thread runs, given its tsx entry `x.mjs` (which loads `x.ts` through tsx): the bundle of `x.ts` while it is
 * fresh, otherwise the entry.
 */
export function threadEntry(tsxEntry) {
  const source = fileURLToPath(tsxEntry).replace(/\.mjs$/, '.ts');
  return freshBundle({ entry: source, out: bundleOf(source) }) ?? tsxEntry;
}
