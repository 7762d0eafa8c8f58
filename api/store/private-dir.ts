/**
 * The embedded database's folder holds counselling notes, bell keys and password hashes in its WAL, and PGlite
 * (emscripten's file system) creates its files at mode 0666 whatever the umask. So the folder is made 0700 (no
 * other local user can even reach a file in it) and every file in it 0600, at each start and at close: a folder
 * left open by an older version or a copied backup is closed again.
 */
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';

const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/**
 * Creates `dir` private (a missing DATA_DIR above it too: mkdir's mode applies to every folder it makes) and
 * tightens it. An existing DATA_DIR (a home folder, /srv) is left as its owner set it: the folder below is closed.
 */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  await tightenTree(dir);
}

/** Every folder below `dir` 0700, every file 0600. */
export async function tightenTree(dir: string): Promise<void> {
  await chmod(dir, DIR_MODE);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    // The engine may already be running on its own thread (opened early) and remove a file between the listing and
    // its chmod, as PostgreSQL does its relation cache file: what is gone needs no closing.
    if (entry.isDirectory()) await tightenTree(path).catch(unlessGone);
    else if (entry.isFile()) await chmod(path, FILE_MODE).catch(unlessGone);
  }
}

function unlessGone(err: unknown): void {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
}
