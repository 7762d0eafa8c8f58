/**
 * Free space where the process keeps its data (DATA_DIR: the embedded database, backups' socket). A full disk stops
 * the embedded database from storing presses (they still ring; bells retransmit until stored): health says so
 * before and while it happens, so somebody frees space.
 */
import { statfs } from 'node:fs/promises';

export type DiskState = 'ok' | 'low' | 'full';

/** Below one WAL segment PostgreSQL cannot go on writing; below 256 MiB a busy day can fill it. */
export const FULL_BELOW_BYTES = 16 * 1024 * 1024;
export const LOW_BELOW_BYTES = 256 * 1024 * 1024;

export function diskStateOf(freeBytes: number): DiskState {
  return freeBytes < FULL_BELOW_BYTES ? 'full' : freeBytes < LOW_BELOW_BYTES ? 'low' : 'ok';
}

export interface DiskReport {
  state: DiskState;
  freeBytes: number;
}

/** Space available to this (unprivileged) process in `dir`'s file system; undefined for an in-memory database. */
export async function diskSpace(dir: string): Promise<DiskReport | undefined> {
  if (dir.startsWith('memory://')) return undefined;
  const s = await statfs(dir);
  const freeBytes = s.bavail * s.bsize;
  return { state: diskStateOf(freeBytes), freeBytes };
}
