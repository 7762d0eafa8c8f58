/**
 * What the chaos run stands up: its own Mosquitto, PostgreSQL behind a proxy it controls, a fake Twilio, one or
 * two Guardbell processes (`node bin/guardbell.js start`, sharing the bell topics by a shared subscription), a
 * console on each, and the fleet in a process of its own.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ChildSystem } from '../support/child-system.ts';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { PASSWORD, testProvisioning } from '../support/fixtures.ts';
import { ApiClient, type StreamClient } from '../support/http.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { waitFor } from '../support/wait.ts';
import { BrokerProcess } from './broker-process.ts';
import { FaultProxy } from './fault-proxy.ts';
import type { FleetCommand, FleetReport } from './fleet-child.ts';

export const TOPIC_ROOT = 'guardbell/v1';

export interface RigOptions {
  bells: number;
  processes: 1 | 2;
  log?: (line: string) => void;
  /** Where the Guardbell processes' logs are written when the rig closes. */
  logFile?: string | undefined;
}

export interface PressLog {
  sent: Map<string, number>;
  received: Map<string, number>;
}

export class Rig {
  readonly presses: PressLog = { sent: new Map(), received: new Map() };
  readonly systems: (ChildSystem & { url: string })[] = [];
  readonly consoles: (StreamClient | undefined)[] = [];
  /** Every bell id a console was shown (incident created or updated), per console slot. */
  readonly rung: Set<string>[] = [];
  private fleet: ChildProcess | undefined;
  private constructor(
    readonly opts: RigOptions,
    readonly broker: BrokerProcess,
    readonly proxy: FaultProxy,
    readonly twilio: FakeTwilio,
    readonly database: { url: string; drop(): Promise<void> },
    readonly bellIds: string[],
    private readonly dir: string,
  ) {}

  static async start(opts: RigOptions): Promise<Rig> {
    const broker = await BrokerProcess.start();
    const database = await createTestDatabase();
    const target = new URL(database.url);
    const proxy = await FaultProxy.start(target.hostname, Number(target.port || 5432));
    const twilio = await new FakeTwilio().start();
    const dir = mkdtempSync(join(tmpdir(), 'gb-chaos-'));
    const bellIds = Array.from({ length: opts.bells }, (_, i) => `CH-${String(i + 1).padStart(4, '0')}`);
    const doc = testProvisioning();
    doc.sites[0]!.bells.push(...bellIds.map((id) => ({ id, counterId: 'passport-3', adapter: 'native' as const })));
    writeFileSync(join(dir, 'provision.json'), JSON.stringify(doc));
    const rig = new Rig(opts, broker, proxy, twilio, database, bellIds, dir);
    for (let i = 0; i < opts.processes; i++) await rig.startSystem(i);
    await rig.startFleet();
    return rig;
  }

  get databaseViaProxy(): string {
    const url = new URL(this.database.url);
    url.port = String(this.proxy.port);
    return url.toString();
  }

  private env(): Record<string, string> {
    return {
      DATABASE_URL: this.databaseViaProxy,
      MQTT_URL: this.broker.url,
      ...(this.opts.processes > 1 ? { MQTT_SHARED_GROUP: 'chaos' } : {}),
      GUARDBELL_PROVISION: join(this.dir, 'provision.json'),
      GUARDBELL_ADMIN_PASSWORD: PASSWORD,
      DATA_DIR: join(this.dir, 'data'),
      TWILIO_ACCOUNT_SID: this.twilio.accountSid,
      TWILIO_AUTH_TOKEN: this.twilio.authToken,
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE: this.twilio.apiBase,
    };
  }

  /** Starts (or restarts) Guardbell process `i` and opens a console on it. */
  async startSystem(i: number): Promise<void> {
    this.consoles[i]?.close();
    // Generous: applying the provisioning file hashes every password at scrypt cost, minutes on a loaded machine.
    this.systems[i] = await ChildSystem.start(this.env(), 300_000);
    this.rung[i] ??= new Set();
    const guard = await ApiClient.login(this.systems[i].url, 'guard', PASSWORD);
    const stream = await guard.stream();
    const seen = this.rung[i];
    stream.ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as { type: string; data?: { bellId?: string } };
      if ((m.type === 'incident.created' || m.type === 'incident.updated') && m.data?.bellId) seen.add(m.data.bellId);
    });
    // A console that (re)connects shows the open incidents it loads (console-ui/src/api.ts), then the stream: with
    // one process, presses taken while it restarted ring there, before any console could be connected to hear them.
    const open = await guard.get<{ items: { bellId: string | null }[] }>('/api/v1/incidents?status=open');
    for (const incident of open.body.items) if (incident.bellId) seen.add(incident.bellId);
    this.consoles[i] = stream;
  }

  private async startFleet(): Promise<void> {
    const fleet = fork(new URL('./fleet-child.ts', import.meta.url).pathname, [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      env: { ...process.env, CHAOS_FLEET: JSON.stringify({ url: this.broker.url, root: TOPIC_ROOT, ids: this.bellIds }) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.fleet = fleet;
    let ready: number | undefined;
    fleet.on('message', (m: FleetReport) => {
      if (m.type === 'ready') ready = m.connected;
      else if (m.type === 'sent') this.presses.sent.set(`${m.bellId}#${m.seq}`, m.at);
      else if (m.type === 'received') this.presses.received.set(`${m.bellId}#${m.seq}`, m.at);
    });
    await waitFor(() => ready, 90_000, 'the fleet to connect');
    this.opts.log?.(`fleet: ${ready} of ${this.bellIds.length} bells connected`);
  }

  command(c: FleetCommand): void {
    this.fleet?.send(c);
  }

  /** The presses (bell#seq) stored in bell_events, read straight from PostgreSQL (not through the proxy). */
  async stored(): Promise<Map<string, number>> {
    const client = new pg.Client({ connectionString: this.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ k: string; n: string }>(
        "select bell_id || '#' || seq as k, count(*) as n from bell_events where bell_id like 'CH-%' group by 1",
      );
      return new Map(rows.map((r) => [r.k, Number(r.n)]));
    } finally {
      await client.end();
    }
  }

  /** SMS notification rows that were handed to the provider (one per step, recipient and channel). */
  async smsRows(): Promise<number> {
    const client = new pg.Client({ connectionString: this.database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>("select count(*) as n from notifications where channel = 'sms' and provider_id is not null");
      return Number(rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  }

  /** The Guardbell processes' own logs (LOG_LEVEL warn), for the report of a run that lost something. */
  logs(): string {
    return this.systems.map((s, i) => `--- Guardbell process ${i} ---\n${s.log}`).join('\n');
  }

  async close(): Promise<void> {
    if (this.opts.logFile) writeFileSync(this.opts.logFile, this.logs());
    this.command({ type: 'stop' });
    await new Promise((r) => setTimeout(r, 300));
    this.fleet?.kill('SIGKILL');
    for (const c of this.consoles) c?.close();
    for (const s of this.systems) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGCONT');
      await s.stop();
    }
    await this.twilio.close();
    await this.proxy.close();
    await this.broker.close();
    await this.database.drop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
