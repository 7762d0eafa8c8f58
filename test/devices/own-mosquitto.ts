import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../support/wait.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface OwnMosquittoOptions {
  allowAnonymous?: boolean;
  /**
   * A whole configuration with its own listeners (`guardbell devices mosquitto-acl`'s mosquitto.conf), used as it
   * is; `port` is the listener `url` names. The other options are then ignored.
   */
  generated?: { conf: string; port: number };
  /** Copied into the broker's folder (Mosquitto reads them as its own user when started as root). */
  passwordFile?: string;
  aclFile?: string;
  /** Settings added as they are (e.g. the lines of a generated mosquitto.conf naming files in place). */
  extraLines?: string[];
}

/**
 * A Mosquitto of the test's own, on a free port, with a generated configuration. The machine's shared
 * Mosquitto on 1883 is never touched.
 */
export class OwnMosquitto {
  private output = '';
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** The broker's process id (its CPU and memory are read from /proc by the bench). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(opts: OwnMosquittoOptions): Promise<OwnMosquitto> {
    const dir = mkdtempSync(join(tmpdir(), 'gb-mosq-'));
    if (opts.generated) {
      // Mosquitto wants per_listener_settings before anything else: the generated text comes first.
      return OwnMosquitto.run(dir, opts.generated.port, [opts.generated.conf, 'persistence false', 'log_dest stderr', 'log_type error', 'log_type warning']);
    }
    const port = await freePort();
    const lines = [
      'per_listener_settings false',
      `listener ${port} 127.0.0.1`,
      `allow_anonymous ${opts.allowAnonymous ?? false}`,
      'persistence false',
      'log_dest stderr',
      'log_type error',
      'log_type warning',
      // Set on purpose: a gateway that dies holds QoS 1 messages for its clean session only; the queue per
      // client must still hold a whole burst (200 presses and their retransmissions) for a slow subscriber.
      'max_queued_messages 10000',
      'max_inflight_messages 100',
    ];
    const asRoot = process.getuid?.() === 0;
    const owner = asRoot ? ids('mosquitto') : undefined;
    const place = (file: string, name: string) => {
      const target = join(dir, name);
      writeFileSync(target, readFileSync(file, 'utf8'), { mode: 0o600 });
      if (owner) chownSync(target, ...owner);
      return target;
    };
    if (opts.passwordFile) lines.push(`password_file ${place(opts.passwordFile, 'passwd')}`);
    if (opts.aclFile) lines.push(`acl_file ${place(opts.aclFile, 'acl')}`);
    lines.push(...(opts.extraLines ?? []));
    return OwnMosquitto.run(dir, port, lines);
  }

  private static async run(dir: string, port: number, lines: string[]): Promise<OwnMosquitto> {
    const conf = join(dir, 'mosquitto.conf');
    writeFileSync(conf, lines.join('\n') + '\n');
    chmodSync(dir, 0o755);
    const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    const m = new OwnMosquitto(dir, port, child);
    await waitFor(async () => (child.exitCode !== null ? 'exited' : (await canConnect(port)) ? 'up' : undefined), 10_000, 'mosquitto to listen').then((s) => {
      if (s === 'exited') throw new Error(`mosquitto exited: ${m.output}`);
    });
    return m;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function ids(user: string): [number, number] {
  return [Number(execFileSync('id', ['-u', user]).toString().trim()), Number(execFileSync('id', ['-g', user]).toString().trim())];
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
