/**
 * A pair of linked pseudo-terminals from socat: the gateway opens `a` as its serial port, the test plays
 * the bell or hub on `b`. Killing socat is what an unplugged USB adapter looks like to the reader
 * (the port closes under it, and the path disappears); starting it again with the same links replugs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait.ts';

/** Every socat still running, killed at exit whatever happened to the test (no orphan on a crash). */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

export class PtyPair {
  private proc: ChildProcess | undefined;
  private stderr = '';

  private constructor(readonly dir: string) {}

  /** The gateway's end. No `,` or `@` in it: SERIAL_PORTS is `path[@baud]`, comma-separated. */
  get a(): string {
    return join(this.dir, 'a');
  }

  /** The bell's end. */
  get b(): string {
    return join(this.dir, 'b');
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** A fresh temp folder; socat is not started yet (see `start`). */
  static async create(): Promise<PtyPair> {
    return new PtyPair(await mkdtemp(join(tmpdir(), 'gb-serial-')));
  }

  /** Starts socat and waits until both links exist and it is copying data. */
  async start(): Promise<void> {
    if (this.proc) throw new Error('socat already running');
    // A link left by a socat killed with SIGKILL would make socat fail on start.
    await Promise.all([rm(this.a, { force: true }), rm(this.b, { force: true })]);
    this.stderr = '';
    const proc = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${this.a}`, `pty,raw,echo=0,link=${this.b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc = proc;
    running.add(proc);
    proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    proc.once('exit', () => {
      running.delete(proc);
      if (this.proc === proc) this.proc = undefined;
    });
    try {
      await waitFor(
        () => {
          if (proc.exitCode !== null) throw new Error(`socat exited with ${proc.exitCode}: ${this.stderr}`);
          // socat logs this once both ptys and links are made; before it a write could race the setup.
          return existsSync(this.a) && existsSync(this.b) && this.stderr.includes('starting data transfer loop');
        },
        10_000,
        `socat links ${this.a} and ${this.b}`,
      );
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Kills socat (SIGTERM: it removes its links) and waits for it to be gone. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc) return;
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    }
    running.delete(proc);
    this.proc = undefined;
    await Promise.all([rm(this.a, { force: true }), rm(this.b, { force: true })]);
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}
