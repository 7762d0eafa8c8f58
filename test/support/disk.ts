import { closeSync, openSync, writeSync } from 'node:fs';

/** Writes zeros to `path` until its file system says no more (a full disk, for the fault tests). */
export function fillUntilFull(path: string): void {
  const fd = openSync(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
}
