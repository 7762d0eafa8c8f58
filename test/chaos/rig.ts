/**
 * What the chaos run stands up: its own Mosquitto, PostgreSQL behind a proxy it controls, a fake Twilio, one or
 * two Guardbell processes (`node bin/guardbell.js start`, sharing the bell topics by a shared subscription), a
 * console on each, and the fleet in a process of its own.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { fillUntilFull } from '../support/disk.ts';
import { createServer } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { PasswordHasher } from '../../api/auth/passwords.ts';
import { askRunningServer } from '../../api/backup/control-socket.ts';
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
import { FaultProxy } from '../support/fault-proxy.ts';
import { steppableClockEnv } from '../support/faketime.ts';
import { MAINTENANCE_SMS_PREFIX } from '../../api/maintenance/maintenance-alerts.ts';
import type { FleetCommand, FleetReport } from './fleet-child.ts';

export const TOPIC_ROOT = 'guardbell/v1';

/** A port free now, so a restarted embedded broker comes back where the bells look for it. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RigOptions {
  bells: number;
  processes: 1 | 2;
  /**
   * `postgres` (the default): PostgreSQL behind the proxy and the rig's own Mosquitto. `embedded`: one Guardbell on
   * PGlite with its embedded broker, its DATA_DIR on a small tmpfs (root only) so the disk can be filled.
   */
  backend?: 'postgres' | 'embedded';
  log?: (line: string) => void;
  /** Where the Guardbell processes' logs are written when the rig closes. */
  logFile?: string | undefined;
  /** Bells provisioned with this heartbeat period, and the fleet heartbeating at it (none when unset). */
  heartbeatSeconds?: number | undefined;
  /** More environment for the Guardbell processes (the soak's shortened periods). */
  extraEnv?: Record<string, string> | undefined;
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
    private readonly brokerProcess: BrokerProcess | undefined,
    private readonly faultProxy: FaultProxy | undefined,
    readonly twilio: FakeTwilio,
    private readonly pgDatabase: { url: string; drop(): Promise<void> } | undefined,
    readonly bellIds: string[],
    private readonly dir: string,
  ) {}

  static async start(opts: RigOptions): Promise<Rig> {
    const embedded = opts.backend === 'embedded';
    const broker = embedded ? undefined : await BrokerProcess.start();
    const database = embedded ? undefined : await createTestDatabase();
    const target = database && new URL(database.url);
    const proxy = target && (await FaultProxy.start(target.hostname, Number(target.port || 5432)));
    const twilio = await new FakeTwilio().start();
    const dir = mkdtempSync(join(tmpdir(), 'gb-chaos-'));
    const bellIds = Array.from({ length: opts.bells }, (_, i) => `CH-${String(i + 1).padStart(4, '0')}`);
    const doc = testProvisioning();
    // Hashes, as an operator's file may carry them (`guardbell password-hash`), at the children's cost: every
    // (re)start compares them instead of computing scrypt for each person (about 4 s of each restart here).
    const hasher = new PasswordHasher();
    await Promise.all(doc.people.map(async (p) => {
      if (p.password === undefined) return;
      p.passwordHash = await hasher.hash(p.password);
      delete p.password;
    }));
    const passwords = embedded ? Object.fromEntries(bellIds.map((id) => [id, randomBytes(18).toString('base64url')])) : undefined;
    const heartbeat = opts.heartbeatSeconds ? { heartbeatSeconds: opts.heartbeatSeconds } : {};
    doc.sites[0]!.bells.push(...bellIds.map((id) => ({ id, counterId: 'passport-3', adapter: 'native' as const, ...heartbeat, ...(passwords ? { mqttPassword: passwords[id] } : {}) })));
    writeFileSync(join(dir, 'provision.json'), JSON.stringify(doc));
    const rig = new Rig(opts, broker, proxy, twilio, database, bellIds, dir);
    rig.passwords = passwords;
    if (embedded) {
      mkdirSync(rig.dataMount);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256m,mode=0700', 'tmpfs', rig.dataMount]);
      rig.embeddedMqttPort = await freePort();
    }
    for (let i = 0; i < opts.processes; i++) await rig.startSystem(i);
    await rig.startFleet();
    return rig;
  }

  private passwords: Record<string, string> | undefined;

  /** The rig's own temporary folder (provisioning, backups); not on the embedded DATA_DIR's small tmpfs. */
  get workDir(): string {
    return this.dir;
  }
  private embeddedMqttPort = 0;

  get embedded(): boolean {
    return this.opts.backend === 'embedded';
  }

  /** Where the embedded Guardbell keeps DATA_DIR: a tmpfs of its own, so the disk can be filled. */
  get dataMount(): string {
    return join(this.dir, 'mnt');
  }

  private dataDirName = 'data';

  /** The embedded Guardbell's DATA_DIR (on the tmpfs); a restore moves it to a fresh one. */
  get embeddedDataDir(): string {
    return join(this.dataMount, this.dataDirName);
  }

  /** A fresh DATA_DIR for the next start (a restore writes into it first); returns its path. */
  freshEmbeddedDataDir(name: string): string {
    this.dataDirName = name;
    return this.embeddedDataDir;
  }

  get broker(): BrokerProcess {
    if (!this.brokerProcess) throw new Error('this fault needs the rig\'s own Mosquitto (the PostgreSQL rig)');
    return this.brokerProcess;
  }

  get proxy(): FaultProxy {
    if (!this.faultProxy) throw new Error('this fault needs PostgreSQL behind the proxy (the PostgreSQL rig)');
    return this.faultProxy;
  }

  get database(): { url: string; drop(): Promise<void> } {
    if (!this.pgDatabase) throw new Error('this fault needs PostgreSQL (the PostgreSQL rig)');
    return this.pgDatabase;
  }

  private get mqttUrl(): string {
    return this.embedded ? `mqtt://127.0.0.1:${this.embeddedMqttPort}` : this.broker.url;
  }

  get databaseViaProxy(): string {
    const url = new URL(this.database.url);
    url.port = String(this.proxy.port);
    return url.toString();
  }

  /** The Guardbell processes' wall clock offset (libfaketime), stepped by the clock faults (clock-faults.ts). */
  get clockFile(): string {
    return join(this.dir, 'faketime');
  }

  private env(): Record<string, string> {
    return {
      // PostgreSQL children only: under libfaketime the embedded child's backup door, which the measures read
      // through, dropped connections now and then (EPIPE), with or without a step.
      ...(this.embedded ? {} : steppableClockEnv(this.clockFile)),
      ...(this.embedded
        ? { MQTT_PORT: String(this.embeddedMqttPort), DATA_DIR: this.embeddedDataDir, GUARDBELL_TOPIC_ROOT: TOPIC_ROOT }
        : { DATABASE_URL: this.databaseViaProxy, MQTT_URL: this.broker.url, DATA_DIR: join(this.dir, 'data') }),
      ...(this.opts.processes > 1 ? { MQTT_SHARED_GROUP: 'chaos' } : {}),
      GUARDBELL_PROVISION: join(this.dir, 'provision.json'),
      GUARDBELL_ADMIN_PASSWORD: PASSWORD,
      TWILIO_ACCOUNT_SID: this.twilio.accountSid,
      TWILIO_AUTH_TOKEN: this.twilio.authToken,
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE: this.twilio.apiBase,
      ...this.opts.extraEnv,
    };
  }

  /** Starts (or restarts) Guardbell process `i` and opens a console on it. */
  async startSystem(i: number): Promise<void> {
    this.consoles[i]?.close();
    // Generous: a start beside a busy process (a restart, a takeover) took minutes on a loaded machine.
    const t0 = performance.now();
    this.systems[i] = await ChildSystem.start({ ...this.env(), ...(process.env.CHAOS_LOG_LEVEL ? { LOG_LEVEL: process.env.CHAOS_LOG_LEVEL } : {}) }, 300_000);
    const startedMs = performance.now() - t0;
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
    this.opts.log?.(`Guardbell process ${i} started in ${(startedMs / 1000).toFixed(1)} s, its console open ${((performance.now() - t0 - startedMs) / 1000).toFixed(1)} s later`);
  }

  private async startFleet(): Promise<void> {
    const fleet = fork(new URL('./fleet-child.ts', import.meta.url).pathname, [], {
      execArgv: ['--import', import.meta.resolve('tsx')],
      env: {
        ...process.env,
        CHAOS_FLEET: JSON.stringify({ url: this.mqttUrl, root: TOPIC_ROOT, ids: this.bellIds, passwords: this.passwords, heartbeatMs: (this.opts.heartbeatSeconds ?? 0) * 1000 }),
      },
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

  /**
   * Runs a read on the database: PostgreSQL straight (not through the proxy); the embedded one through an online
   * backup of the running server (`guardbell backup`'s door), opened in this process.
   */
  async read<T>(text: string, params: unknown[] = []): Promise<T[]> {
    if (this.embedded) {
      const tar = await askRunningServer(this.embeddedDataDir);
      if (!tar) throw new Error('the embedded Guardbell did not answer the backup door');
      const copy = await PGlite.create({ loadDataDir: new Blob([new Uint8Array(tar)]) });
      try {
        return (await copy.query<T>(text, params)).rows;
      } finally {
        await copy.close();
      }
    }
    const client = new pg.Client({ connectionString: this.database.url });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Process `i`'s /metrics (prom-client's text; served to loopback clients by default). */
  async metrics(i: number): Promise<string> {
    const res = await fetch(`${this.systems[i]!.url}/metrics`);
    if (!res.ok) throw new Error(`/metrics of process ${i}: ${res.status}`);
    return res.text();
  }

  /** The rig database's connections by application_name (this query's own left out); empty on the embedded rig. */
  async databaseConnections(): Promise<Record<string, number>> {
    if (this.embedded) return {};
    const rows = await this.read<{ app: string; n: string }>(
      'select application_name as app, count(*) as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() group by 1',
    );
    return Object.fromEntries(rows.map((r) => [r.app || '(none)', Number(r.n)]));
  }

  /** The presses (bell#seq) stored in bell_events, with how many times each. */
  async stored(): Promise<Map<string, number>> {
    const rows = await this.read<{ k: string; n: string }>("select bell_id || '#' || seq as k, count(*) as n from bell_events where bell_id like 'CH-%' group by 1");
    return new Map(rows.map((r) => [r.k, Number(r.n)]));
  }

  private writeLock: pg.Client | undefined;

  /**
   * Holds, from outside, a lock that every alarm write waits for: Guardbell's pool fills with waiting writes, as it
   * does when the database is overloaded. Reads still answer.
   */
  async holdWriteLock(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const client = new pg.Client({ connectionString: this.database.url });
      // A later fault may cut this connection (the database restarted, backends terminated): its lock goes with it.
      client.on('error', () => undefined);
      await client.connect();
      try {
        await client.query('begin');
        // In the order a batch of presses takes them (its incidents locked, then its events inserted): the other
        // order deadlocked with a batch. Should PostgreSQL still pick this side as a deadlock's victim, it tries again.
        await client.query('lock table incidents, bell_events in exclusive mode');
        this.writeLock = client;
        return;
      } catch (err) {
        await client.end().catch(() => undefined);
        if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
      }
    }
  }

  async releaseWriteLock(): Promise<void> {
    const client = this.writeLock;
    this.writeLock = undefined;
    if (!client) return;
    // A connection another fault cut has released its lock already.
    await client.query('commit').catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  /** Fills the embedded Guardbell's DATA_DIR (a tmpfs) until the file system says no more. */
  fillDisk(): void {
    fillUntilFull(join(this.dataMount, 'filler'));
  }

  freeDisk(): void {
    rmSync(join(this.dataMount, 'filler'), { force: true });
  }

  /**
   * Of these SMS requests at the fake Twilio, each naming its notification in the status callback URL: how many were
   * sent again for a notification already sent, how many name a notification that was never stored, and how many were
   * the bells' maintenance notices (`mnt_…`, which have no notification row and are counted apart).
   */
  async smsOf(requests: readonly { statusCallback?: string | undefined }[]): Promise<{ again: number; unstored: number; maintenance: number }> {
    const all = requests.map((r) => new URL(r.statusCallback ?? 'http://x/').searchParams.get('n') ?? '');
    const ids = all.filter((id) => !id.startsWith(MAINTENANCE_SMS_PREFIX));
    const distinct = [...new Set(ids)];
    const stored = new Set((await this.read<{ id: string }>(`select id from notifications where id = any($1)`, [distinct])).map((r) => r.id));
    return { again: ids.length - distinct.length, unstored: ids.filter((id) => !stored.has(id)).length, maintenance: all.length - ids.length };
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
    await this.releaseWriteLock().catch(() => undefined);
    for (const c of this.consoles) c?.close();
    for (const s of this.systems) {
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGCONT');
      await s.stop();
    }
    await this.twilio.close();
    await this.faultProxy?.close();
    await this.brokerProcess?.close();
    await this.pgDatabase?.drop();
    if (this.embedded) execFileSync('umount', ['-l', this.dataMount]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
