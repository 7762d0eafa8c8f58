import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A whole Guardbell process started with `node bin/guardbell.js start`, as an operator would. */
export class ChildSystem {
  private output = '';
  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /**
   * `entry`: the command line's file, `bin/guardbell.js` or a bundle of it. The main pool is 8 unless `env` says: test
   * files running side by side start up to five processes on one PostgreSQL, whose `max_connections` is 100.
   */
  static async start(env: Record<string, string>, timeoutMs = 60_000, entry = 'bin/guardbell.js'): Promise<ChildSystem & { url: string }> {
    const child = spawn(process.execPath, [entry, 'start'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', PORT: '0', MQTT_PORT: '0', HOST: '127.0.0.1', GUARDBELL_DEMO: '0',
        DATABASE_POOL_MAX: '8', ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const system = new ChildSystem(child);
    const port = await waitFor(() => /Console:\s+http:\/\/localhost:(\d+)/.exec(system.output)?.[1] ?? (child.exitCode !== null ? 'exited' : undefined), timeoutMs, 'the child process to start')
      .catch((err: unknown) => {
        // Not left running unseen: stopped, and what it said goes with the error.
        child.kill('SIGKILL');
        throw new Error(`${(err as Error).message}; its output:\n${system.output.slice(-4_000)}`);
      });
    if (port === 'exited') throw new Error(`the child process exited: ${system.output}`);
    return Object.assign(system, { url: `http://127.0.0.1:${port}` });
  }

  get log(): string {
    return this.output;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (this.child.exitCode === null) this.child.kill('SIGKILL');
  }
}
