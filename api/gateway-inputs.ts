/**
 * The bell inputs of one process, for the composition root: the embedded broker's per-bell credentials, the
 * native MQTT source, third-party MQTT devices, serial lines (SERIAL_PORTS and sites' own), RFLink receivers
 * and the SIA DC-09 receiver, all feeding one gateway.
 */
import type { Logger } from 'pino';
import { Counter, type Registry } from 'prom-client';
import { isNotNull } from 'drizzle-orm';
import {
  Gateway, gatewayMetrics, MqttNativeSource, PortInUseError, SerialAckRoutes, SerialSource, serialMetrics, SiaDc09Source, siaMetrics,
  startEmbeddedBroker, ThirdPartyMqttSource, thirdPartyMetrics, type EmbeddedBroker,
  RflinkRepeats, RflinkSource, rflinkMetrics,
} from '../gateway/index.ts';
import { DeviceAuth } from '../gateway/broker/device-auth.ts';
import { verifyPassword } from './auth/passwords.ts';
import { loadBridgeCredentials } from './provisioning/credentials.ts';
import { parseSerialPorts, type Config, type SerialPortConfig } from './config.ts';
import type { AlarmCore } from './core/alarm-core.ts';
import type { Places } from './core/places.ts';
import { StartError } from './start-error.ts';
import { schema, type Database } from './store/index.ts';

/** Per-bell credentials on the embedded broker; an external broker has its own (`guardbell devices mosquitto-acl`). */
export function embeddedBrokerAuth(config: Config, database: Database, registry: Registry, logger: Logger): DeviceAuth {
  const refused = new Counter({
    name: 'guardbell_mqtt_auth_refused_total',
    help: 'MQTT connections, publishes and subscriptions refused by the embedded broker, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const authLog = logger.child({ component: 'mqtt-auth' });
  return new DeviceAuth({
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
}

export async function startBroker(config: Config, deviceAuth: DeviceAuth, logger: Logger): Promise<EmbeddedBroker> {
  const authLog = logger.child({ component: 'mqtt-auth' });
  try {
    const broker = await startEmbeddedBroker({
      port: config.mqttPort, host: config.mqttHost, auth: deviceAuth.hooks(), attach: (aedes) => deviceAuth.attach(aedes),
      maxPacketBytes: config.mqttMaxPacketBytes, onPacketTooBig: (announced, remote) => authLog.warn({ announced, remote }, 'MQTT packet over the size limit: connection closed'),
    });
    if (config.mqttAllowAnonymous) logger.warn('MQTT_ALLOW_ANONYMOUS=1: the embedded broker lets clients without credentials speak for bells without credentials (a lab setting, never for a real site)');
    return broker;
  } catch (err) {
    if (err instanceof PortInUseError) {
      throw new StartError(
        `Port ${config.mqttPort} is already taken (probably a running Mosquitto): set MQTT_URL=mqtt://127.0.0.1:${config.mqttPort} to use that broker, or MQTT_PORT to start the embedded broker on another port.`,
      );
    }
    throw err;
  }
}

export class GatewayInputs {
  gateway: Gateway | undefined;
  private source: MqttNativeSource | undefined;
  private sia: SiaDc09Source | undefined;
  private readonly serialSources: SerialSource[] = [];
  private rflinkSources: RflinkSource[] = [];
  private readonly routes = new SerialAckRoutes();
  private serialLines: ReturnType<typeof serialMetrics> | undefined;

  constructor(
    private readonly config: Config,
    private readonly registry: Registry,
    private readonly logger: Logger,
    private readonly places: Places,
    private readonly mqttUrl: () => string,
    private readonly deviceAuth: DeviceAuth | undefined,
    /** Receive times of bell signals: the process clock, which a stepped wall clock does not move. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The gateway as a component; built at start, when the broker's address is known. */
  component(core: AlarmCore) {
    return {
      name: 'gateway',
      start: () => this.start(core),
      stop: () => this.gateway?.stop(),
    };
  }

  private async start(core: AlarmCore): Promise<void> {
    const { config, registry, logger, places, deviceAuth } = this;
    const mqttUrl = this.mqttUrl();
    this.source = new MqttNativeSource({
      url: mqttUrl,
      topicRoot: config.topicRoot,
      // On the embedded broker the gateway logs in with its internal credential, generated at this start.
      username: deviceAuth ? deviceAuth.gatewayUsername : config.mqttUsername,
      password: deviceAuth ? deviceAuth.gatewayPassword : config.mqttPassword,
      sharedGroup: config.mqttUrl ? config.mqttSharedGroup : undefined,
      now: this.now,
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
      now: this.now,
    });
    // One source per native serial line (PROTOCOL.md §2); a missing port is retried, never a reason not to start.
    this.serialSources.push(...config.serialPorts.map((p) => this.serialSource(p)));
    this.siteLinesToOpen();
    // RFLink 433 MHz receivers (DEVICES.md §5.1), one source per port, like the native serial lines; the repeat
    // filter is shared so that a press heard by two receivers is one press.
    const rflinkRepeats = new RflinkRepeats();
    const rflinkLines = config.rflinkPorts.length > 0 ? rflinkMetrics(registry) : undefined;
    this.rflinkSources = config.rflinkPorts.map((p) => new RflinkSource({
      ...p, repeats: rflinkRepeats, metrics: rflinkLines, now: this.now, resolve: (deviceId) => places.rflinkBell(deviceId), logger: logger.child({ source: 'rflink', port: p.path }),
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
      now: this.now,
    });
    this.sia = sia;
    const gateway = new Gateway({
      sources: [...(sia ? [sia] : []), this.source, thirdParty, ...this.serialSources, ...this.rflinkSources],
      directory: places, sink: core.sink, metrics: gatewayMetrics(registry), logger,
    });
    this.gateway = gateway;
    core.attach({ sendAck: (bellId, ack) => gateway.sendAck(bellId, ack), reject: (r) => gateway.reject(r) });
    try {
      await gateway.start();
    } catch (err) {
      if (err instanceof PortInUseError && err.what === 'SIA_DC09_PORT') {
        throw new StartError(`Port ${config.siaDc09Port} is already taken by another program: set SIA_DC09_PORT to a free port for the SIA DC-09 receiver (alarm panels must then be told the new port).`);
      }
      throw err;
    }
    if (!this.source.startedConnected) logger.warn({ mqttUrl }, 'broker not reachable yet; the gateway keeps trying');
  }

  /** Sites' own lines provisioned while running are opened now; a line removed stays open until restart. */
  async openSiteLines(): Promise<void> {
    if (!this.gateway) return;
    for (const line of this.siteLinesToOpen()) await this.gateway.add(line);
  }

  health() {
    const broker: 'ok' | 'down' = this.source?.connected ? 'ok' : 'down';
    const serial = this.serialSources.map((s) => ({ path: s.path, connected: s.connected }));
    const siaDc09 = this.sia ? { port: this.sia.port, listening: this.sia.connected, panels: this.sia.panels } : undefined;
    const rflink = this.rflinkSources.map((s) => ({ path: s.path, connected: s.connected }));
    const ok = broker === 'ok' && serial.every((s) => s.connected) && (siaDc09?.listening ?? true) && rflink.every((s) => s.connected);
    return { ok, broker, serial, ...(siaDc09 ? { siaDc09 } : {}), ...(rflink.length > 0 ? { rflink } : {}) };
  }

  private serialSource(p: SerialPortConfig, siteId?: string): SerialSource {
    return new SerialSource({
      ...p, routes: this.routes, now: this.now, metrics: (this.serialLines ??= serialMetrics(this.registry)),
      logger: this.logger.child({ source: 'serial', port: p.path, ...(siteId ? { siteId } : {}) }),
      ...(siteId ? { site: { id: siteId, hasBell: (bellId: string) => this.places.lookup(bellId)?.siteId === siteId } } : {}),
    });
  }

  /**
   * Sites' own lines (provisioning `serialPorts`), each hearing only its site's bells; SERIAL_PORTS wins a path
   * named in both.
   */
  private siteLinesToOpen(): SerialSource[] {
    const open = new Set(this.serialSources.map((s) => s.path));
    const added: SerialSource[] = [];
    for (const site of this.places.allSites()) {
      for (const p of parseSerialPorts(site.serialPorts.join(','))) {
        if (open.has(p.path)) continue;
        open.add(p.path);
        const line = this.serialSource(p, site.id);
        this.serialSources.push(line);
        added.push(line);
      }
    }
    return added;
  }
}
