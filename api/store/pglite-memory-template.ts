/**
 * A throwaway (memory://) PGlite starts from a copy of an empty cluster instead of running initdb again:
 * initdb is about 3.5 s of CPU inside the WASM engine, loading a copy under 1 s. Only memory:// databases
 * (tests, benchmarks) use it; a real data folder runs initdb once, as PGlite does.
 * The copy is kept in the OS temp folder, one per PGlite version, written atomically; if anything about it
 * fails, the engine simply runs initdb.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

function templatePath(): string {
  // The package's exports hide package.json: read it beside its entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const version = (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  return join(tmpdir(), `guardbell-pglite-empty-${version}.tar`);
}

export async function createMemoryPglite(): Promise<PGlite> {
  const path = templatePath();
  let template: Buffer | null = null;
  try {
    template = readFileSync(path);
  } catch {
    template = null;
  }
  if (template) {
    try {
      return await PGlite.create('memory://', { loadDataDir: new Blob([new Uint8Array(template)]) });
    } catch {
      // A damaged copy: make a new one below.
    }
  }
  const db = await PGlite.create('memory://');
  try {
    // A checkpoint first, so that a copy starts without replaying the log.
    await db.exec('CHECKPOINT');
    const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    const partial = `${path}.${process.pid}.${Date.now()}`;
    writeFileSync(partial, dump);
    renameSync(partial, path);
  } catch {
    // Without a copy the next database runs initdb too; nothing else changes.
  }
  return db;
}
