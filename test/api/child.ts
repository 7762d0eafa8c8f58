/** Runs the real command line (`node bin/guardbell.js ...`) as a child process, for the CLI and start-error tests. */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ChildResult {
  /** The exit code; null when the child was killed (it ran past the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node bin/guardbell.js ...args` with only the given environment (plus PATH, HOME and LOG_LEVEL=silent). */
export function guardbell(args: string[], env: Record<string, string>, timeoutMs = 90_000): Promise<ChildResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/guardbell.js', ...args],
      { cwd: ROOT, timeout: timeoutMs, killSignal: 'SIGKILL', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** A TCP server listening on a port the system chose (on every interface), to make a port "taken". */
export async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { port: address.port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A port that was free a moment ago (opened on 0 and closed again). */
export async function freePort(): Promise<number> {
  const held = await occupyPort();
  await held.close();
  return held.port;
}
