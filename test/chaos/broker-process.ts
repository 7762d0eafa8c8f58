/** A Mosquitto of the chaos run's own on a fixed free port, so that it can be SIGKILLed and restarted where the bells expect it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../devices/own-mosquitto.ts';
import { waitFor } from '../support/wait.ts';

export class BrokerProcess {
  private child: ChildProcess | undefined;
  private constructor(private readonly dir: string, readonly port: number) {}

  static async start(): Promise<BrokerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'gb-chaos-mosq-'));
    const port = await freePort();
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest none', 'max_queued_messages 100000', 'max_inflight_messages 100', ''].join('\n'),
    );
    const broker = new BrokerProcess(dir, port);
    await broker.up();
    return broker;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    this.child = spawn('mosquitto', ['-c', join(this.dir, 'mosquitto.conf')], { stdio: 'ignore' });
    await waitFor(() => canConnect(this.port).then((ok) => ok || undefined), 10_000, 'mosquitto to listen');
  }

  /** As a crash: no goodbye to anyone, every session and queued message gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}
