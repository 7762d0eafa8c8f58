/**
 * The composition root of one Guardbell process: store, broker, gateway, alarm core, API and console.
 * Everything is wired here from a frozen Config; nothing below reads the environment.
 */
import { StartError } from './start-error.ts';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';
import {
  Gateway, gatewayMetrics, MqttNativeSource, PortInUseError, SerialAckRoutes, SerialSource, serialMetrics, SiaDc09Source, siaMetrics,
  startEmbeddedBroker, ThirdPartyMqttSource, thirdPartyMetrics, type EmbeddedBroker,
  RflinkRepeats, RflinkSource, rflinkMetrics,
} from '../gateway/index.ts';
import { DeviceAuth } from '../gateway/broker/device-auth.ts';
import { loadBridgeCredentials } from './provisioning/credentials.ts';
import { PasswordHasher, verifyPassword } from './auth/passwords.ts';
import { provisionFor } from './admin/provision.ts';
import { refreshDemoLogins, seedDemo, type DemoLogin } from './demo/demo-logins.ts';
import { Sessions } from './auth/sessions.ts';
import { parseSerialPorts, type Config, type SerialPortConfig } from './config.ts';
import { AlarmCore } from './core/alarm-core.ts';
import { BellSupervisor } from './core/bell-supervisor.ts';
import { coreMetrics } from './core/metrics.ts';
import { Places } from './core/places.ts';
import { createApp } from './http/app.ts';
import type { ApiContext, HealthReport } from './http/context.ts';
import { attachStream } from './http/stream.ts';
import { LiveHub } from './live/hub.ts';
import { provisionFromText } from './provisioning/apply.ts';
import { formatProblems } from './provisioning/index.ts';
import { DirectoryStore, EscalationStore, IncidentStore, openDatabase, schema, type Database } from './store/index.ts';
import { openBackupDoor } from './backup/control-socket.ts';
import { retentionPolicyFromEnv, startRetentionTimer } from './retention/index.ts';
import { EscalationEngine, FirstAlert, Outbox, RosterCache, systemClock, twilioRoutes, type Clock } from './escalation/index.ts';
import { MaintenanceAlerts } from './maintenance/maintenance-alerts.ts';
import { escalationMetricsFor, sendersFor } from './escalation/wiring.ts';
import type { MessageSender, SendChannel } from './notify/types.ts';
import { eq, isNotNull } from 'drizzle-orm';
import { DrillRouting } from '../drills/routing.ts';
import { DrillService } from '../drills/service.ts';
import { drillRoutes } from '../drills/http/routes.ts';

export interface System {
  config: Config;
  url: string;
  mqttUrl: string;
  database: Database;
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
  /** Set when the built-in admin password was generated on this start. */
  generatedAdminPassword: string | undefined;
  seededDemo: boolean;
  /** Demo logins set on this start (generated ones are shown this once); empty when none changed. */
  demoLogins: DemoLogin[];
  /** Reads sites, counters, bells, people and rosters again after they changed in the database (provisioning). */
  reloadDirectory(): Promise<void>;
  close(): Promise<void>;
}

export { StartError };

export async function startSystem(config: Config, opts: { logger?: Logger; escalationClock?: Clock | undefined } = {}): Promise<System> {
  const logger = opts.logger ?? pino({ level: config.logLevel, base: { app: 'guardbell' } });
  const cleanups: (() => Promise<void> | void)[] = [];
  const closeAll = async () => {
    for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  };
  try {
    return await boot(config, logger, cleanups, closeAll, opts.escalationClock ?? systemClock);
  } catch (err) {
    await closeAll();
    throw err;
  }
}

async function boot(config: Config, logger: Logger, cleanups: (() => Promise<void> | void)[], closeAll: () => Promise<void>, clock: Clock): Promise<System> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.embeddedDbDir });
  cleanups.push(() => database.close());
  await database.migrate();
  // `guardbell backup` asks the running server: PGlite has one user.
  if (database.dump && config.embeddedDbDir !== 'memory://') {
    const door = await openBackupDoor(config.dataDir, database.dump, logger);
    cleanups.push(() => door.close());
  }

  const retention = startRetentionTimer({ db: database.db, policy: retentionPolicyFromEnv(), logger });
  cleanups.push(() => retention.stop());

  const directory = new DirectoryStore(database.db);
  const incidents = new IncidentStore(database.db, database.inEngine);
  const hasher = new PasswordHasher({ log2N: config.passwordHashLog2N });
  const generatedAdminPassword = await ensureAdmin(database, config.adminPassword, hasher);
  if (config.provisionFile) {
    const text = await readFile(config.provisionFile, 'utf8');
    const result = await provisionFromText(database.db, text, config.provisionFile, { hasher, actorId: 'system' });
    if (!result.ok) throw new StartError(`${config.provisionFile} was not applied:\n${formatProblems(result.problems)}`);
    logger.info({ file: config.provisionFile, ...result.summary }, 'provisioning file applied');
  }
  let seededDemo = false;
  let demoLogins: DemoLogin[] = [];
  const demoOpts = { fixedPasswords: config.demoFixedPasswords, hasher };
  if (config.demo && (await directory.sites()).length === 0) {
    demoLogins = await seedDemo(database.db, demoOpts);
    seededDemo = true;
  } else if (config.demo) demoLogins = await refreshDemoLogins(database.db, demoOpts);

  const places = new Places(directory);
  await places.reload();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const hub = new LiveHub();
  const escalationMetrics = escalationMetricsFor(registry);
  // Filled once the HTTP port (and so the callback URL) is known; the outbox sends nothing before start().
  const senders: Partial<Record<SendChannel, MessageSender>> = {};
  let publicUrl = config.publicUrl ?? '';
  const roster = new RosterCache(database.db, logger);
  await roster.start();
  cleanups.push(() => roster.stop());
  const outbox = new Outbox({
    db: database.db, places, hub, logger, senders, sent: escalationMetrics.sent, tickMs: config.escalationTickMs,
    people: () => roster.people,
    // One batch at a time: side-by-side batches on PostgreSQL starved the alarm write queue in the bench.
    parallel: 1,
  });
  const escalation = new EscalationEngine({
    db: database.db, places, logger, lateness: escalationMetrics.lateness, tickMs: config.escalationTickMs,
    parallel: 1,
    now: () => clock.now(),
    roster: (now) => roster.snapshot(now),
    onFired: () => outbox.kick(),
  });
  const firstAlert = new FirstAlert({ places, roster, outbox, logger, expectDue: (due) => escalation.expectDue(due) });
  let deviceAuth: DeviceAuth | undefined;
  let openSiteLines = async () => {};
  const reloadDirectory = async () => {
    await places.reload();
    await roster.refresh();
    await deviceAuth?.reload();
    await openSiteLines();
  };
  const maintenance = new MaintenanceAlerts({
    directory, places, people: () => roster.people, sms: () => senders.sms, logger: logger.child({ part: 'maintenance' }),
    sent: new Counter({ name: 'guardbell_maintenance_alerts_total', help: 'Maintenance SMS to site admins, by result.', labelNames: ['result'], registers: [registry] }),
    digestMs: config.maintenanceDigestMs,
  });
  cleanups.push(() => maintenance.stop());
  const supervisor = new BellSupervisor({ directory, hub, logger, sweepMs: config.supervisionSweepMs, onTroubleChanged: (bell) => maintenance.troubleChanged(bell) });
  await supervisor.start();
  cleanups.push(() => supervisor.stop());
  // Drills (issue 7): which presses belong to a running drill, decided at the edge from memory.
  const drillRouting = new DrillRouting();
  const core = new AlarmCore({ incidents, directory, places, hub, supervisor, metrics: coreMetrics(registry), logger, firstAlert, onIncidentChanged: (id) => escalation.touch(id), drills: drillRouting });
  await core.start();
  cleanups.push(() => core.stop());
  cleanups.push(() => escalation.stop());
  cleanups.push(() => outbox.stop());

  let broker: EmbeddedBroker | undefined;
  if (!config.mqttUrl) {
    // Per-bell credentials on the embedded broker; an external broker has its own (`guardbell devices mosquitto-acl`).
    const refused = new Counter({
      name: 'guardbell_mqtt_auth_refused_total',
      help: 'MQTT connections, publishes and subscriptions refused by the embedded broker, by reason',
      labelNames: ['reason'] as const,
      registers: [registry],
    });
    const authLog = logger.child({ component: 'mqtt-auth' });
    deviceAuth = new DeviceAuth({
      topicRoot: config.topicRoot,
      loadCredentials: async () => {
        const rows = await database.db
          .select({ id: schema.bells.id, hash: schema.bells.mqttPasswordHash })
          .from(schema.bells)
          .where(isNotNull(schema.bells.mqttPasswordHash));
        return new Map(rows.map((r) => [r.id, r.hash!]));
      },
      loadBridges: () => loadBridgeCredentials(database.db),
      verify: (password, hash) => verifyPassword(password, hash),
      allowAnonymous: config.mqttAllowAnonymous,
      publishLimit: { perSecond: config.mqttPublishRate, burst: config.mqttPublishRate * 3 },
      onRefused: (r) => {
        refused.inc({ reason: r.reason });
        authLog.warn({ reason: r.reason, clientId: r.clientId, username: r.username, topic: r.topic, detail: r.detail }, 'MQTT client refused');
      },
    });
    await deviceAuth.start();
    const auth = deviceAuth;
    cleanups.push(() => auth.stop());
    try {
      broker = await startEmbeddedBroker({
        port: config.mqttPort, host: config.mqttHost, auth: deviceAuth.hooks(), attach: (aedes) => auth.attach(aedes),
        maxPacketBytes: config.mqttMaxPacketBytes, onPacketTooBig: (announced, remote) => authLog.warn({ announced, remote }, 'MQTT packet over the size limit: connection closed'),
      });
      if (config.mqttAllowAnonymous) logger.warn('MQTT_ALLOW_ANONYMOUS=1: the embedded broker lets clients without credentials speak for bells without credentials (a lab setting, never for a real site)');
    } catch (err) {
      if (err instanceof PortInUseError) {
        throw new StartError(
          `Port ${config.mqttPort} is already taken (probably a running Mosquitto): set MQTT_URL=mqtt://127.0.0.1:${config.mqttPort} to use that broker, or MQTT_PORT to start the embedded broker on another port.`,
        );
      }
      throw err;
    }
    cleanups.push(() => broker?.close());
  }
  const mqttUrl = config.mqttUrl ?? broker!.url;
  const source = new MqttNativeSource({
    url: mqttUrl,
    topicRoot: config.topicRoot,
    // On the embedded broker the gateway logs in with its internal credential, generated at this start.
    username: deviceAuth ? deviceAuth.gatewayUsername : config.mqttUsername,
    password: deviceAuth ? deviceAuth.gatewayPassword : config.mqttPassword,
    sharedGroup: config.mqttUrl ? config.mqttSharedGroup : undefined,
  });
  // Zigbee2MQTT, Shelly and Tasmota buttons (DEVICES.md §1–2), always on: on the broker of the native bells,
  // where those bridges publish. Messages of devices that are not provisioned bells are counted and dropped.
  const thirdParty = new ThirdPartyMqttSource({
    url: mqttUrl,
    username: deviceAuth ? deviceAuth.gatewayUsername : config.mqttUsername,
    password: deviceAuth ? deviceAuth.gatewayPassword : config.mqttPassword,
    resolve: (adapter, deviceId) => places.thirdPartyBell(adapter, deviceId),
    sharedGroup: config.mqttUrl ? config.mqttSharedGroup : undefined,
    metrics: thirdPartyMetrics(registry),
    logger: logger.child({ source: 'third-party-mqtt' }),
  });
  // One source per native serial line (PROTOCOL.md §2); a missing port is retried, never a reason not to start.
  const routes = new SerialAckRoutes();
  let serialLines: ReturnType<typeof serialMetrics> | undefined;
  const serialSource = (p: SerialPortConfig, siteId?: string) => new SerialSource({
    ...p, routes, metrics: (serialLines ??= serialMetrics(registry)), logger: logger.child({ source: 'serial', port: p.path, ...(siteId ? { siteId } : {}) }),
    ...(siteId ? { site: { id: siteId, hasBell: (bellId: string) => places.lookup(bellId)?.siteId === siteId } } : {}),
  });
  const serialSources = config.serialPorts.map((p) => serialSource(p));
  // Sites' own lines (provisioning `serialPorts`), each hearing only its site's bells; SERIAL_PORTS wins a path
  // named in both. Lines provisioned while running are opened then; a line removed stays open until restart.
  const siteLinesToOpen = (): SerialSource[] => {
    const open = new Set(serialSources.map((s) => s.path));
    const added: SerialSource[] = [];
    for (const site of places.allSites()) {
      for (const p of parseSerialPorts(site.serialPorts.join(','))) {
        if (open.has(p.path)) continue;
        open.add(p.path);
        const line = serialSource(p, site.id);
        serialSources.push(line);
        added.push(line);
      }
    }
    return added;
  };
  siteLinesToOpen();
  // RFLink 433 MHz receivers (DEVICES.md §5.1), one source per port, like the native serial lines; the repeat
  // filter is shared so that a press heard by two receivers is one press.
  const rflinkRepeats = new RflinkRepeats();
  const rflinkLines = config.rflinkPorts.length > 0 ? rflinkMetrics(registry) : undefined;
  const rflinkSources = config.rflinkPorts.map((p) => new RflinkSource({
    ...p, repeats: rflinkRepeats, metrics: rflinkLines, resolve: (deviceId) => places.rflinkBell(deviceId), logger: logger.child({ source: 'rflink', port: p.path }),
  }));
  // Alarm panels over SIA DC-09 (DEVICES.md §3); first among the sources, so a taken port fails the start
  // before anything else has started.
  const sia = config.siaDc09Port === undefined ? undefined : new SiaDc09Source({
    port: config.siaDc09Port,
    host: config.host,
    resolve: (account, zone) => places.siaBell(account, zone),
    accountBells: (account) => places.siaBellsOfAccount(account),
    keyFor: (account) => config.siaDc09Keys.get(account.toUpperCase()),
    metrics: siaMetrics(registry),
    logger: logger.child({ source: 'sia-dc09' }),
  });
  const gateway = new Gateway({ sources: [...(sia ? [sia] : []), source, thirdParty, ...serialSources, ...rflinkSources], directory: places, sink: core, metrics: gatewayMetrics(registry), logger });
  core.attach({ sendAck: (bellId, ack) => gateway.sendAck(bellId, ack), reject: (r) => gateway.reject(r) });
  try {
    await gateway.start();
  } catch (err) {
    if (err instanceof PortInUseError && err.what === 'SIA_DC09_PORT') {
      throw new StartError(`Port ${config.siaDc09Port} is already taken by another program: set SIA_DC09_PORT to a free port for the SIA DC-09 receiver (alarm panels must then be told the new port).`);
    }
    throw err;
  }
  cleanups.push(() => gateway.stop());
  openSiteLines = async () => {
    for (const line of siteLinesToOpen()) await gateway.add(line);
  };
  if (!source.startedConnected) logger.warn({ mqttUrl }, 'broker not reachable yet; the gateway keeps trying');

  // `serial` is added to the report (a field, not a rename): a dead serial line makes the process degraded,
  // and it must not show up as the broker being down.
  // `siaDc09` likewise, only when the receiver is configured.
  // `rflink` likewise, only when RFLINK_PORTS names receivers.
  type SiaHealth = { siaDc09?: { port: number; listening: boolean; panels: number } };
  type RflinkHealth = { rflink?: { path: string; connected: boolean }[] };
  const health = async (): Promise<HealthReport & { serial: { path: string; connected: boolean }[] } & SiaHealth & RflinkHealth> => {
    const db = (await database.ping()) ? 'ok' : 'down';
    const brokerUp = source.connected ? 'ok' : 'down';
    const serial = serialSources.map((s) => ({ path: s.path, connected: s.connected }));
    const siaDc09 = sia ? { port: sia.port, listening: sia.connected, panels: sia.panels } : undefined;
    const rflink = rflinkSources.map((s) => ({ path: s.path, connected: s.connected }));
    const ok = db === 'ok' && brokerUp === 'ok' && serial.every((s) => s.connected) && (siaDc09?.listening ?? true) && rflink.every((s) => s.connected);
    return {
      status: ok ? 'ok' : 'degraded', db, broker: brokerUp, pendingWrites: core.pendingWrites, serial,
      ...(siaDc09 ? { siaDc09 } : {}), ...(rflink.length > 0 ? { rflink } : {}),
    };
  };
  const sessions = new Sessions(directory, { ttlMs: config.sessionTtlMs, hasher });
  const extraRoutes = config.twilio
    ? [twilioRoutes({
        db: database.db, core, outbox, logger, authToken: config.twilio.authToken,
        publicUrl: () => publicUrl, refused: (reason) => escalationMetrics.webhookRefused.inc({ reason }),
      })]
    : [];
  const escalationStore = new EscalationStore(database.db, () => roster.refresh());
  const drills = new DrillService({
    db: database.db, core, incidents, escalation: escalationStore, directory, places, hub, routing: drillRouting,
    logger: logger.child({ part: 'drills' }), reloadDirectory, touchEscalation: (id) => escalation.touch(id), kickOutbox: () => outbox.kick(),
    mqtt: { url: mqttUrl, topicRoot: config.topicRoot, perBellCredentials: deviceAuth !== undefined, username: config.mqttUsername, password: config.mqttPassword },
  });
  const ctx: ApiContext = {
    core, supervisor, incidents, directory, places, sessions, hub, registry, logger, health, extraRoutes,
    db: database.db,
    escalation: escalationStore,
    // Secure cookies whenever the console is served over https (behind a TLS proxy).
    secureCookies: config.publicUrl?.startsWith('https://') ?? false,
    sessionTtlMs: config.sessionTtlMs,
    provision: provisionFor({ db: database.db, hasher, sessions, reloadDirectory }),
    metricsAccess: config.metrics,
  };
  ctx.extraRoutes = [...(ctx.extraRoutes ?? []), drillRoutes(ctx, drills)];
  const server: Server = createServer(createApp(ctx));
  const stream = attachStream(server, ctx);
  await listen(server, config.port, config.host);
  cleanups.push(() => new Promise<void>((resolve) => {
    stream.close();
    server.closeAllConnections();
    server.close(() => resolve());
  }));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  publicUrl ||= `http://127.0.0.1:${port}`;
  Object.assign(senders, sendersFor(config, logger, publicUrl));
  await escalation.start();
  await outbox.start();
  await drills.start();
  cleanups.push(() => drills.stop());
  return {
    config,
    url: `http://127.0.0.1:${port}`,
    mqttUrl,
    database,
    core,
    gateway,
    hub,
    registry,
    places,
    escalation,
    outbox,
    supervisor,
    deviceAuth,
    generatedAdminPassword,
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
