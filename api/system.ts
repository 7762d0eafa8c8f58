/**
 * One Guardbell process's alarm path: store, broker, gateway, alarm core, escalation, API and console, with the
 * areas it is given (system/ lists them). Everything is wired here from a frozen Config; nothing below reads the
 * environment.
 */
import { StartError } from './start-error.ts';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import type { EmbeddedBroker, Gateway } from '../gateway/index.ts';
import type { DeviceAuth } from '../gateway/broker/device-auth.ts';
import { PasswordHasher } from './auth/passwords.ts';
import { provisionFor } from './areas/admin/provision.ts';
import { refreshDemoLogins, seedDemo, type DemoLogin } from './demo/demo-logins.ts';
import { mergeIssued, type IssuedCredentials } from './provisioning/credentials.ts';
import { Sessions } from './auth/sessions.ts';
import type { Config } from './config.ts';
import { AlarmBus, startBus } from './bus/index.ts';
import { AlarmCore } from './core/alarm-core.ts';
import { BellSupervisor } from './core/bell-supervisor.ts';
import { coreMetrics } from './core/metrics.ts';
import { Places } from './core/places.ts';
import { embeddedBrokerAuth, GatewayInputs, startBroker } from './gateway-inputs.ts';
import { createApp } from './http/app.ts';
import type { ApiContext, HealthReport } from './http/context.ts';
import { attachStream } from './http/stream.ts';
import { LiveHub } from './live/hub.ts';
import { provisionFromText } from './provisioning/apply.ts';
import { formatProblems } from './provisioning/index.ts';
import { DirectoryStore, EscalationStore, IncidentStore, openDatabase, schema, type Database } from './store/index.ts';
import { openBackupDoor } from './backup/control-socket.ts';
import { diskSpace, type DiskReport } from './store/disk-space.ts';
import { startRetentionTimer } from './retention/index.ts';
import { vacuumEmbedded } from './store/embedded-vacuum.ts';
import { EscalationEngine, FirstAlert, Outbox, RosterCache, twilioRoutes, type Clock } from './escalation/index.ts';
import { startProcessClock, type ClockReport, type SteadyClock } from './clock/index.ts';
import { MaintenanceAlerts } from './maintenance/maintenance-alerts.ts';
import { closeSenders, escalationMetricsFor, sendersFor } from './escalation/wiring.ts';
import type { MessageSender, SendChannel } from './notify/types.ts';
import { eq } from 'drizzle-orm';
import type { Area } from './area.ts';

export interface System {
  config: Config;
  url: string;
  mqttUrl: string;
  database: Database;
  bus: AlarmBus;
  core: AlarmCore;
  gateway: Gateway;
  hub: LiveHub;
  registry: Registry;
  places: Places;
  escalation: EscalationEngine;
  outbox: Outbox;
  supervisor: BellSupervisor;
  /** Per-bell MQTT credentials on the embedded broker; undefined with an external broker (MQTT_URL). */
  deviceAuth: DeviceAuth | undefined;
  /** MQTT passwords issued on this start (GUARDBELL_PROVISION, the demo): shown once by the caller. */
  issuedCredentials: IssuedCredentials;
  /** Set when the built-in admin password was generated on this start. */
  generatedAdminPassword: string | undefined;
  seededDemo: boolean;
  /** Demo logins set on this start (generated ones are shown this once); empty when none changed. */
  demoLogins: DemoLogin[];
  /**
   * Sites, counters, bells, people and rosters changed in the database (provisioning): this process's caches
   * are read again, then every other process is told (`directory.changed`).
   */
  reloadDirectory(): Promise<void>;
  close(): Promise<void>;
}

export { StartError };

/** A part of the process with a lifetime: started in the order of one list, stopped in reverse. */
interface Component {
  name: string;
  start?(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export interface StartOptions {
  logger?: Logger;
  escalationClock?: Clock | undefined;
  /** The areas beside the alarm path (system/AREAS), started after it in this order. */
  areas?: readonly Area[];
}

export async function startSystem(config: Config, opts: StartOptions = {}): Promise<System> {
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { app: 'guardbell' } });
  const started: Component[] = [];
  const closeAll = async () => {
    for (const c of started.splice(0).reverse()) {
      await Promise.resolve(c.stop()).catch((err: unknown) => logger.warn({ err, component: c.name }, 'component did not stop cleanly'));
    }
  };
  const startAll = async (components: Component[]) => {
    for (const c of components) {
      const t0 = performance.now();
      await c.start?.();
      started.push(c);
      // Where a slow start went (a restart beside a busy process took minutes once).
      if (c.start) logger.debug({ component: c.name, ms: Math.round(performance.now() - t0) }, 'component started');
    }
  };
  try {
    return await boot(config, logger, startAll, closeAll, opts.escalationClock, opts.areas ?? []);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function boot(
  config: Config, logger: Logger, startAll: (c: Component[]) => Promise<void>, closeAll: () => Promise<void>, escalationClock: Clock | undefined,
  areas: readonly Area[],
): Promise<System> {
  const database = await openDatabase({
    url: config.databaseUrl, dataDir: config.embeddedDbDir, poolMax: config.databasePoolMax,
    watch: {
      stallMs: config.embeddedDbStallMs,
      onState: (state, why) => state === 'restarting'
        ? logger.error({ why }, 'the embedded database stopped answering: opening it again (presses still ring; bells retransmit until stored)')
        : logger.warn({ why }, 'the embedded database answers again'),
    },
  });
  await startAll([{
    name: 'database',
    start: async () => {
      await database.migrate();
      await database.warm?.();
    },
    stop: () => database.close(),
  }]);
  // `guardbell backup` asks the running server: PGlite has one user.
  if (database.dump && config.embeddedDbDir !== 'memory://') {
    const door = await openBackupDoor(config.dataDir, database.dump, logger);
    await startAll([{ name: 'backup door', stop: () => door.close() }]);
  }

  let retention: { stop(): void } | undefined;
  await startAll([{
    name: 'retention',
    start: () => {
      const after = database.kind === 'pglite' ? { name: 'embedded database vacuum', run: () => vacuumEmbedded(database.db) } : undefined;
      retention = startRetentionTimer({ db: database.db, policy: config.retention, logger, everyMs: config.retentionIntervalMs, after });
    },
    stop: () => retention?.stop(),
  }]);

  const directory = new DirectoryStore(database.db);
  const incidents = new IncidentStore(database.db, database.inEngine, database.alarmDb);
  const hasher = new PasswordHasher({ log2N: config.passwordHashLog2N });
  let t0 = performance.now();
  const generatedAdminPassword = await ensureAdmin(database, config.adminPassword, hasher);
  logger.debug({ ms: Math.round(performance.now() - t0) }, 'admin account checked');
  // Bells without an MQTT password are issued one (shown once, by the caller), except in a lab that lets them in anonymously.
  const issueCredentials = !config.mqttAllowAnonymous;
  const issuedCredentials: IssuedCredentials = {};
  if (config.provisionFile) {
    t0 = performance.now();
    const text = await readFile(config.provisionFile, 'utf8');
    const result = await provisionFromText(database.db, text, config.provisionFile, { hasher, actorId: 'system', issueCredentials });
    mergeIssued(issuedCredentials, result.summary?.credentials);
    if (!result.ok) throw new StartError(`${config.provisionFile} was not applied:\n${formatProblems(result.problems)}`);
    logger.info({ file: config.provisionFile, ...result.summary, ms: Math.round(performance.now() - t0) }, 'provisioning file applied');
  }
  let seededDemo = false;
  let demoLogins: DemoLogin[] = [];
  const demoOpts = { fixedPasswords: config.demoFixedPasswords, hasher };
  if (config.demo && (await directory.sites()).length === 0) {
    const seeded = await seedDemo(database.db, { ...demoOpts, issueCredentials });
    demoLogins = seeded.logins;
    mergeIssued(issuedCredentials, seeded.credentials);
    seededDemo = true;
  } else if (config.demo) demoLogins = await refreshDemoLogins(database.db, demoOpts);

  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // The one clock of the alarm path (api/clock): a wall clock stepped by an hour neither fires steps early nor stalls them.
  const clock = await startProcessClock(database, registry, logger);
  await startAll([{ name: 'clock', stop: () => clock.stop() }]);
  const now = () => clock.now();
  // The seam between the parts: everything below tells and hears through it, in this process and (PostgreSQL) all others.
  // Rings cross to the other processes through the broker they share, with the gateway's login (no login, no lane).
  const sharedBroker = config.mqttUrl && config.mqttUsername && config.mqttPassword
    ? { url: config.mqttUrl, topicRoot: config.topicRoot, username: config.mqttUsername, password: config.mqttPassword }
    : undefined;
  const bus = startBus({ databaseUrl: database.kind === 'postgres' ? config.databaseUrl : undefined, sharedBroker, logger, registry });
  const places = new Places(directory);
  const hub = new LiveHub();
  const escalationMetrics = escalationMetricsFor(registry);
  // Filled once the HTTP port (and so the callback URL) is known; the outbox sends nothing before start().
  const senders: Partial<Record<SendChannel, MessageSender>> = {};
  let publicUrl = config.publicUrl ?? '';
  const roster = new RosterCache(database.db, logger, undefined, now);
  const outbox = new Outbox({
    db: database.db, places, bus, logger, senders, sent: escalationMetrics.sent, tickMs: config.escalationTickMs,
    people: () => roster.people,
    onlyProcess: database.kind !== 'postgres',
    now,
  });
  const escalation = new EscalationEngine({
    db: database.db, inEngine: database.inEngine, places, logger, lateness: escalationMetrics.lateness, tickMs: config.escalationTickMs,
    parallel: 1,
    now: () => (escalationClock ?? clock).now(),
    roster: (now) => roster.snapshot(now),
    contextVersion: () => `${places.version}/${roster.version}`,
    bus,
  });
  const firstAlert = new FirstAlert({ places, roster, outbox, logger, bus, now });
  const maintenance = new MaintenanceAlerts({
    directory, places, people: () => roster.people, sms: () => senders.sms, smsExpected: config.twilio !== undefined, logger: logger.child({ part: 'maintenance' }),
    sent: new Counter({ name: 'guardbell_maintenance_alerts_total', help: 'Maintenance SMS to site admins, by result.', labelNames: ['result'], registers: [registry] }),
    digestMs: config.maintenanceDigestMs,
  });
  const supervisor = new BellSupervisor({ directory, bus, logger, sweepMs: config.supervisionSweepMs, now });
  const opened = areas.map((area) => ({ area, ...area.open(bus) }));
  // Drills: which presses belong to a running drill, decided at the edge from memory.
  const drillMode = opened.find((a) => a.drillMode)?.drillMode;
  const core = new AlarmCore({ incidents, places, bus, supervisor, metrics: coreMetrics(registry), logger, firstAlert, ...(drillMode ? { drills: drillMode } : {}), now });
  const deviceAuth = config.mqttUrl ? undefined : embeddedBrokerAuth(config, database, registry, logger);
  let broker: EmbeddedBroker | undefined;
  const brokerComponent: Component = {
    name: 'embedded broker',
    start: async () => {
      broker = await startBroker(config, deviceAuth!, logger);
    },
    stop: () => broker?.close(),
  };
  const inputs = new GatewayInputs(config, registry, logger, places, () => config.mqttUrl ?? broker!.url, deviceAuth, now);

  // The caches, kept true by the bus: this process's changes are awaited, other processes' are heard.
  const reloadCaches = async () => {
    await places.reload();
    await roster.refresh();
    await deviceAuth?.reload();
    await inputs.openSiteLines();
  };
  const reloadDirectory = () => bus.emitAndSettle('directory.changed', { reason: 'provisioning' });
  let busOffs: (() => void)[] = [];
  let endingFromBus = false;
  const busWiring: Component = {
    name: 'bus wiring',
    start: () => {
      busOffs = [
        hub.attach(bus),
        bus.on('directory.changed', () => reloadCaches()),
        bus.on('bell.health', (e, meta) => {
          // The process that saw the change sends the maintenance alert (and claims it in the database).
          if (meta.local && e.troubleChanged) maintenance.troubleChanged(e.bell);
        }),
        // Sessions ended here go to the other processes; theirs end here (caches forgotten, streams closed).
        sessions.onEnded((e) => {
          if (!endingFromBus) bus.emit('session.ended', e, { scope: 'others' });
        }),
        bus.on('session.ended', (e, meta) => {
          if (meta.local) return;
          endingFromBus = true;
          try {
            sessions.ended(e);
          } finally {
            endingFromBus = false;
          }
        }),
        bus.onResync(async () => {
          await reloadCaches();
          await core.resync();
        }),
      ];
    },
    stop: () => busOffs.forEach((off) => off()),
  };

  const sessions = new Sessions(directory, { ttlMs: config.sessionTtlMs, hasher, now });
  const integrationRoutes = config.twilio
    ? [twilioRoutes({
        db: database.db, core, outbox, logger, authToken: config.twilio.authToken,
        publicUrl: () => publicUrl, refused: (reason) => escalationMetrics.webhookRefused.inc({ reason }),
      })]
    : [];
  const escalationStore = new EscalationStore(database.db, () => bus.emitAndSettle('directory.changed', { reason: 'roster' }));
  const attached = opened.map(({ area, attach }) => ({
    name: area.name,
    ...attach({
      db: database.db, core, incidents, escalation: escalationStore, directory, places, bus, logger, now,
      mqtt: {
        get url() {
          return config.mqttUrl ?? broker!.url;
        },
        topicRoot: config.topicRoot, perBellCredentials: deviceAuth !== undefined, username: config.mqttUsername, password: config.mqttPassword,
      },
    }),
  }));
  const ctx: ApiContext = {
    core, supervisor, incidents, directory, places, sessions, hub, bus, registry, logger,
    health: () => health(database, bus, core, inputs, config.dataDir, clock),
    clock,
    escalation: escalationStore,
    // Secure cookies whenever the console is served over https (behind a TLS proxy).
    secureCookies: config.publicUrl?.startsWith('https://') ?? false,
    sessionTtlMs: config.sessionTtlMs,
    provision: provisionFor({ db: database.db, hasher, sessions, reloadDirectory, issueCredentials }),
    metricsAccess: config.metrics,
  };
  const server: Server = createServer(createApp(ctx, {
    integrations: integrationRoutes,
    routes: attached.map((a) => a.routes(ctx)),
    rawRoutes: attached.flatMap((a) => (a.rawRoutes ? [a.rawRoutes(ctx)] : [])),
    openApiPaths: Object.assign({}, ...areas.map((a) => a.openApiPaths())) as Record<string, unknown>,
  }));
  let stream: { close(): void } | undefined;
  let port = config.port;

  await startAll([
    { name: 'bus', start: () => bus.start(), stop: () => bus.stop() },
    busWiring,
    { name: 'places', start: () => places.reload(), stop: () => undefined },
    { name: 'roster', start: () => roster.start(), stop: () => roster.stop() },
    { name: 'maintenance alerts', stop: () => maintenance.stop() },
    { name: 'bell supervisor', start: () => supervisor.start(), stop: () => supervisor.stop() },
    { name: 'first alert', stop: () => firstAlert.stop() },
    { name: 'alarm core', start: () => core.start(), stop: () => core.stop() },
    ...(deviceAuth ? [{ name: 'device credentials', start: () => deviceAuth.start(), stop: () => deviceAuth.stop() }, brokerComponent] : []),
    inputs.component(core),
    {
      name: 'http',
      start: async () => {
        stream = attachStream(server, ctx);
        await listen(server, config.port, config.host);
        const address = server.address();
        port = typeof address === 'object' && address ? address.port : config.port;
        publicUrl ||= `http://127.0.0.1:${port}`;
        Object.assign(senders, sendersFor(config, logger, publicUrl));
      },
      stop: () => new Promise<void>((resolve) => {
        stream?.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    },
    // After the outbox and the clock have stopped sending.
    { name: 'message senders', stop: () => closeSenders(senders) },
    { name: 'escalation clock', start: () => escalation.start(), stop: () => escalation.stop() },
    { name: 'outbox sending', start: () => outbox.start(), stop: () => outbox.stop() },
    ...attached.map((a) => ({ name: a.name, start: () => a.start?.(), stop: () => a.stop?.() })),
  ]);
  const mqttUrl = config.mqttUrl ?? broker!.url;
  return {
    config,
    url: `http://127.0.0.1:${port}`,
    mqttUrl,
    database,
    bus,
    core,
    gateway: inputs.gateway!,
    hub,
    registry,
    places,
    escalation,
    outbox,
    supervisor,
    deviceAuth,
    generatedAdminPassword,
    issuedCredentials,
    seededDemo,
    demoLogins,
    reloadDirectory,
    close: async () => {
      // Give stored-but-unacked and pending writes a moment, then stop.
      await core.idle(2_000);
      await closeAll();
    },
  };
}

// `serial` is added to the report (a field, not a rename): a dead serial line makes the process degraded,
// and it must not show up as the broker being down. `siaDc09` likewise, only when the receiver is configured;
// `rflink` likewise, only when RFLINK_PORTS names receivers; `bus` while the LISTEN connection is down or
// catching up (a console here could miss another process's alarm).
// `disk` likewise, when DATA_DIR is on disk: `full` makes the process degraded (nothing can be stored), `low` is a warning.
// `clock` likewise: the process clock's offset from its reference, `slewing` after a jump (never degraded: due times stay true).
async function health(database: Database, bus: AlarmBus, core: AlarmCore, inputs: GatewayInputs, dataDir: string, clock: SteadyClock) {
  const db = (await database.ping()) ? 'ok' : 'down';
  const i = inputs.health();
  const disk = await diskSpace(dataDir).catch(() => undefined);
  const ok = db === 'ok' && bus.state === 'ok' && i.ok && disk?.state !== 'full';
  const report: HealthReport & { bus: AlarmBus['state']; disk?: DiskReport; clock: ClockReport } & Omit<typeof i, 'ok'> = {
    status: ok ? 'ok' : 'degraded', db, broker: i.broker, pendingWrites: core.pendingWrites, bus: bus.state, serial: i.serial,
    ...(i.siaDc09 ? { siaDc09: i.siaDc09 } : {}), ...(i.rflink ? { rflink: i.rflink } : {}), ...(disk ? { disk } : {}),
    clock: clock.report(),
  };
  return report;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new StartError(`Port ${port} is already taken by another program: set PORT to a free port (for example PORT=8081).`)
          : err,
      );
    });
    server.listen(port, host, () => resolve());
  });
}

/** The built-in `admin` account, created on first start with the given or a generated password. */
async function ensureAdmin(database: Database, password: string | undefined, hasher: PasswordHasher): Promise<string | undefined> {
  const [existing] = await database.db.select().from(schema.people).where(eq(schema.people.username, 'admin'));
  if (existing) return undefined;
  const generated = password ? undefined : randomBytes(12).toString('base64url');
  await database.db.insert(schema.people).values({
    id: 'admin',
    name: 'Administrator',
    roles: ['admin'],
    siteIds: [],
    username: 'admin',
    passwordHash: await hasher.hash(password ?? generated!),
  });
  return generated;
}
