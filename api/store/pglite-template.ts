/**
 * A new PGlite database starts from a copy of a prepared cluster instead of running initdb and every
 * migration again.
 *
 * Measured on this 2-core machine: initdb inside the WASM engine is about 3.5 s of CPU in memory and
 * about 10 s on a data folder (the engine writes and syncs a thousand files through Emscripten's file
 * layer); the migrations are another 2.5 s of CPU (catalog work inside the engine, not round trips).
 * Extracting a copy of the same cluster with node-tar takes a fraction of a second.
 *
 * Two copies are kept per PGlite version: the empty cluster, and the cluster with the migrations applied,
 * keyed by a hash of the migrations folder (a new migration makes a new key; the migrations are never
 * squashed for this). `npm install` prepares both (bin/prepare-pglite.js); otherwise the first database
 * that needs one makes it. drizzle's migrator still runs on every start and finds nothing to do on a
 * migrated copy, so a copy can never skip a migration. Copies are written atomically; if anything about
 * them fails, the engine simply runs initdb and the migrations as PGlite and drizzle do on their own.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { extract } from 'tar';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

type Kind = 'empty' | 'migrated';

function pgliteVersion(): string {
  // The package's exports hide package.json: read it beside its entry point.
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Every file of the migrations folder (SQL and journal), by name and content. */
export function migrationsHash(folder = migrationsFolder): string {
  const hash = createHash('sha256');
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else if (!entry.name.endsWith('_snapshot.json')) hash.update(`${prefix}${entry.name}\0`).update(readFileSync(join(dir, entry.name))).update('\0');
    }
  };
  walk(folder, '');
  return hash.digest('hex').slice(0, 16);
}

/** Where a copy lives: beside the project's other caches, or in the OS temp folder if that is not writable. */
export function templatePath(kind: Kind): string {
  const name = kind === 'empty' ? `pglite-empty-${pgliteVersion()}.tar` : `pglite-migrated-${pgliteVersion()}-${migrationsHash()}.tar`;
  const cache = fileURLToPath(new URL('../../node_modules/.cache/guardbell', import.meta.url));
  try {
    mkdirSync(cache, { recursive: true });
    return join(cache, name);
  } catch {
    return join(tmpdir(), `guardbell-${name}`);
  }
}

/** A copy's bytes, made now if there is none yet; null if it cannot be made. */
export async function clusterTemplate(kind: Kind): Promise<Buffer | null> {
  const path = templatePath(kind);
  try {
    return readFileSync(path);
  } catch {
    // None yet: make one below.
  }
  let db: PGlite | undefined;
  try {
    if (kind === 'empty') db = await PGlite.create('memory://');
    else {
      db = await fromTemplate('memory://', await clusterTemplate('empty'));
      await migrate(drizzle(db), { migrationsFolder });
    }
    // A checkpoint first, so that a copy starts without replaying the log.
    await db.exec('CHECKPOINT');
    const dump = Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer());
    const partial = `${path}.${process.pid}.${Date.now()}`;
    writeFileSync(partial, dump);
    renameSync(partial, path);
    if (kind === 'migrated') removeOtherMigratedCopies(path);
    return dump;
  } catch {
    return null;
  } finally {
    await db?.close();
  }
}

/** Copies for earlier migrations are never used again (40 MB each). */
function removeOtherMigratedCopies(current: string): void {
  const folder = dirname(current);
  for (const name of readdirSync(folder)) {
    if (/^(guardbell-)?pglite-migrated-.*\.tar$/.test(name) && join(folder, name) !== current) rmSync(join(folder, name), { force: true });
  }
}

async function fromTemplate(dataDir: string, template: Buffer | null): Promise<PGlite> {
  if (template) {
    try {
      return await PGlite.create(dataDir, { loadDataDir: new Blob([new Uint8Array(template)]) });
    } catch {
      // A damaged copy: initdb below.
    }
  }
  return PGlite.create(dataDir);
}

/** A throwaway database, migrated already when the copy for these migrations exists. */
export async function createMemoryPglite(): Promise<PGlite> {
  return fromTemplate('memory://', await clusterTemplate('migrated'));
}

/**
 * The database in a data folder. A missing or empty folder first receives a copy's files, extracted
 * natively into a side folder that is renamed into place, so a stop halfway leaves no half cluster behind.
 */
export async function openFolderPglite(dataDir: string): Promise<PGlite> {
  if (isEmptyOrMissing(dataDir)) await seedFolder(dataDir);
  else mkdirSync(dataDir, { recursive: true });
  return PGlite.create(dataDir);
}

function isEmptyOrMissing(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

async function seedFolder(dataDir: string): Promise<void> {
  const partial = `${dataDir}.partial-${process.pid}`;
  try {
    const template = await clusterTemplate('migrated');
    if (!template) throw new Error('no copy');
    mkdirSync(partial, { recursive: true });
    await pipeline(Readable.from([template]), extract({ cwd: partial }));
    rmSync(dataDir, { recursive: true, force: true }); // empty, or missing
    mkdirSync(dirname(dataDir), { recursive: true });
    renameSync(partial, dataDir);
  } catch {
    // PGlite's own initdb fills the folder instead.
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(dataDir, { recursive: true });
  }
}
