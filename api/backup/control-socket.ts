/**
 * The running server's backup door: a Unix socket in DATA_DIR (owner-only, like the data beside it). PGlite has
 * one user, so while the server runs, only the server can copy its database; `guardbell backup` asks it here,
 * and the copy is taken between statements while bells keep ringing.
 */
import { chmod, rm } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import path from 'node:path';
import type { Logger } from 'pino';

export const BACKUP_SOCKET = 'guardbell-backup.sock';

export function backupSocketPath(dataDir: string): string {
  return path.join(dataDir, BACKUP_SOCKET);
}

export interface BackupDoor {
  close(): Promise<void>;
}

/** Serves `POST /backup` (the data folder as a tar) on DATA_DIR's socket until closed. */
export async function openBackupDoor(dataDir: string, dump: () => Promise<Uint8Array>, logger: Pick<Logger, 'info' | 'error'>): Promise<BackupDoor> {
  const socketPath = backupSocketPath(dataDir);
  // A socket file left by a killed server: nobody listens on it any more.
  await rm(socketPath, { force: true });
  const server: Server = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/backup') {
      res.writeHead(404).end();
      return;
    }
    const started = Date.now();
    dump().then(
      (bytes) => {
        logger.info({ bytes: bytes.length, ms: Date.now() - started }, 'online backup taken');
        res.writeHead(200, { 'content-type': 'application/x-tar', 'content-length': bytes.length }).end(bytes);
      },
      (err: Error) => {
        logger.error({ err }, 'online backup failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end(err.message);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, resolve);
  });
  await chmod(socketPath, 0o600);
  return {
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}

/** The running server's backup, or undefined when no server listens on DATA_DIR's socket. */
export function askRunningServer(dataDir: string): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: backupSocketPath(dataDir), method: 'POST', path: '/backup' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        if (res.statusCode === 200) resolve(new Uint8Array(body));
        else reject(new Error(`the running server could not take the backup: ${body.toString('utf8') || res.statusCode}`));
      });
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ECONNREFUSED') resolve(undefined);
      else reject(err);
    });
    req.end();
  });
}
