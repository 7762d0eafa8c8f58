/**
 * Backup and restore of the embedded database (PGlite in DATA_DIR/pglite). The file is PGlite's own
 * dump of the data folder (a tar), so a restore is the same engine opening the same files.
 */
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { openDatabase } from '../store/index.ts';
import { ensurePrivateDir, tightenTree } from '../store/private-dir.ts';
import { askRunningServer } from './control-socket.ts';

export interface EmbeddedPaths {
  /** DATA_DIR: where the running server's backup socket is. */
  dataDir: string;
  /** DATA_DIR/pglite. */
  pgliteDir: string;
}

/** Asks the running server for its copy; with no server running, opens the folder and copies it itself. */
export async function backupEmbedded(paths: EmbeddedPaths, file: string): Promise<{ bytes: number; online: boolean }> {
  let bytes = await askRunningServer(paths.dataDir);
  const online = bytes !== undefined;
  if (!bytes) {
    if (!(await hasFiles(paths.pgliteDir))) throw new Error(`there is no embedded database in ${paths.pgliteDir}`);
    const database = await openDatabase({ dataDir: paths.pgliteDir });
    try {
      bytes = await database.dump!();
    } finally {
      await database.close();
    }
  }
  await writeAtomically(file, bytes);
  return { bytes: bytes.length, online };
}

/** Restores into a DATA_DIR whose pglite folder is absent or empty: never over a live database. */
export async function restoreEmbedded(file: string, paths: EmbeddedPaths): Promise<void> {
  if (await hasFiles(paths.pgliteDir)) {
    throw new Error(`${paths.pgliteDir} already holds a database: restore into a fresh DATA_DIR (or move that folder away first)`);
  }
  const bytes = await readFile(file);
  // A fresh DATA_DIR (a new machine) need not exist yet; made private as a start makes it, and what PGlite writes
  // (mode 0666 whatever the umask) closed before the command ends, not at the next start.
  await ensurePrivateDir(paths.pgliteDir);
  const db = await PGlite.create(paths.pgliteDir, { loadDataDir: new Blob([new Uint8Array(bytes)]) });
  await db.close();
  await tightenTree(paths.pgliteDir);
}

async function hasFiles(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length > 0;
  } catch {
    return false;
  }
}

/** A half-written backup must never stand where a good one is expected. */
export async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const partial = `${file}.partial`;
  await writeFile(partial, bytes, { mode: 0o600 });
  await rename(partial, file);
}
