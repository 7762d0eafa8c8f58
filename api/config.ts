/** Configuration from the environment (PROTOCOL.md §5), parsed once at start, every problem reported at once. */
import { z } from 'zod';
import { DEFAULT_TOPIC_ROOT } from '../firmware-bridge/protocol/index.ts';
import { parseSerialSpec, type SerialSpec } from '../firmware-bridge/serial-line/serial-spec.ts';
import { dc09Key, type Dc09Key } from '../gateway/sources/sia-dc09/index.ts';
import { RetentionConfigError, retentionPolicyFromEnv, type RetentionPolicy } from './retention/policy.ts';

const port = z.coerce.number().int().min(0).max(65535);
const flag = z.enum(['0', '1']);

const envSchema = z.object({
  PORT: port.default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  /** PostgreSQL: the main pool's most connections per process (the alarm writes and the bus have their own 4 and 3). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(4).max(500).default(20),
  DATA_DIR: z.string().min(1).default('./data'),
  MQTT_URL: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'must start with mqtt:// or mqtts://').optional(),
  MQTT_PORT: port.default(1883),
  /** Where the embedded broker listens; HOST when unset. */
  MQTT_HOST: z.string().optional(),
  /** A lab setting: the embedded broker lets clients without credentials in. */
  MQTT_ALLOW_ANONYMOUS: flag.default('0'),
  MQTT_MAX_PACKET_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
  /** Publishes per second one MQTT client may sustain on the embedded broker (bridges ten times that). */
  MQTT_PUBLISH_RATE: z.coerce.number().positive().max(100_000).default(20),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  MQTT_SHARED_GROUP: z.string().regex(/^[A-Za-z0-9_-]+$/).optional(),
  GUARDBELL_TOPIC_ROOT: z.string().default(DEFAULT_TOPIC_ROOT),
  SERIAL_PORTS: z.string().optional(),
  RFLINK_PORTS: z.string().optional(),
  SIA_DC09_PORT: port.optional(),
  SIA_DC09_KEYS: z.string().optional(),
  GUARDBELL_PROVISION: z.string().optional(),
  GUARDBELL_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  GUARDBELL_DEMO: flag.optional(),
  TWILIO_ACCOUNT_SID: z.string().optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_FROM: z.string().optional(),
  TWILIO_API_BASE: z.string().url().optional(),
  PUBLIC_URL: z.string().url().optional(),
  POLICE_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Tests only: let the police webhook post to http:// (a local receiver). */
  POLICE_WEBHOOK_ALLOW_HTTP: flag.optional(),
  MAINTENANCE_DIGEST_SECONDS: z.coerce.number().min(0).max(3_600).default(30),
  SUPERVISION_SWEEP_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  ESCALATION_TICK_MS: z.coerce.number().int().min(10).max(10_000).default(250),
  SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  /** How often the retention job runs: daily; a soak run shortens it to see the job repeat many times. */
  RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(86_400),
  EMBEDDED_DB_STALL_SECONDS: z.coerce.number().positive().max(3600).default(60),
  /** log2 of scrypt's N for people's passwords: 17 is OWASP's minimum; tests lower it to save time. */
  PASSWORD_HASH_COST: z.coerce.number().int().min(14).max(20).default(17),
  /** Who may read /metrics: nobody, this machine only (Prometheus beside it), or anyone who reaches the port. */
  METRICS: z.enum(['off', 'local', 'open']).default('local'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type SerialPortConfig = SerialSpec;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  databasePoolMax: number;
  dataDir: string;
  /** PGlite's folder, or memory:// for tests. */
  embeddedDbDir: string;
  /** An embedded database request unanswered this long means the engine hangs: it is opened again. */
  embeddedDbStallMs: number;
  /** How long each kind of record is kept (RETENTION_*_DAYS). */
  retention: RetentionPolicy;
  /** How often the retention job runs in the server (RETENTION_INTERVAL_SECONDS). */
  retentionIntervalMs: number;
  mqttUrl: string | undefined;
  mqttPort: number;
  mqttHost: string;
  mqttAllowAnonymous: boolean;
  mqttMaxPacketBytes: number;
  mqttPublishRate: number;
  mqttUsername: string | undefined;
  mqttPassword: string | undefined;
  mqttSharedGroup: string | undefined;
  topicRoot: string;
  serialPorts: SerialPortConfig[];
  /** RFLink 433 MHz receivers (DEVICES.md §5.1), 57600 baud unless given. */
  rflinkPorts: SerialPortConfig[];
  siaDc09Port: number | undefined;
  /** AES keys of alarm panels that encrypt, by account (upper case). */
  siaDc09Keys: ReadonlyMap<string, Dc09Key>;
  provisionFile: string | undefined;
  adminPassword: string | undefined;
  demo: boolean;
  /** GUARDBELL_DEMO=1 set explicitly: the demo's fixed passwords; otherwise they are generated and printed once. */
  demoFixedPasswords: boolean;
  twilio: { accountSid: string; authToken: string; from: string; apiBase: string | undefined } | undefined;
  /** Our externally reachable base URL, for Twilio's callbacks. */
  publicUrl: string | undefined;
  policeWebhookSecret: string | undefined;
  policeWebhookAllowHttp: boolean;
  escalationTickMs: number;
  supervisionSweepMs: number;
  /** How long bell trouble changes of one site are gathered into one maintenance SMS to its admins. */
  maintenanceDigestMs: number;
  sessionTtlMs: number;
  passwordHashLog2N: number;
  metrics: 'off' | 'local' | 'open';
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {}

function retentionFrom(env: Record<string, string | undefined>): RetentionPolicy {
  try {
    return retentionPolicyFromEnv(env);
  } catch (err) {
    if (err instanceof RetentionConfigError) throw new ConfigError(err.message);
    throw err;
  }
}

export function parseSerialPorts(text: string | undefined, variable = 'SERIAL_PORTS', defaultBaud = 115200): SerialPortConfig[] {
  if (!text?.trim()) return [];
  return text.split(',').map((item) => {
    try {
      return parseSerialSpec(item.trim(), defaultBaud);
    } catch {
      throw new ConfigError(`${variable}: "${item}" is not path[@baud]`);
    }
  });
}

/**
 * `SIA_DC09_KEYS`: comma-separated `ACCOUNT=KEY`, the key as hex (`hex:` prefix, or none) or as its ASCII
 * characters (`ascii:` prefix) — panels disagree which (DEVICES.md §7); 16, 24 or 32 bytes (AES-128/192/256).
 */
export function parseSiaKeys(text: string | undefined): Map<string, Dc09Key> {
  const keys = new Map<string, Dc09Key>();
  if (!text?.trim()) return keys;
  for (const item of text.split(',')) {
    const at = item.indexOf('=');
    const account = item.slice(0, at).trim().toUpperCase();
    const value = item.slice(at + 1).trim();
    if (at < 0 || !/^[0-9A-F]{3,16}$/.test(account) || !value) {
      throw new ConfigError(`SIA_DC09_KEYS: "${item.trim()}" is not ACCOUNT=KEY (an account of 3–16 hex characters, then hex:KEY or ascii:KEY)`);
    }
    const format = value.startsWith('ascii:') ? 'ascii' : 'hex';
    const keyText = value.replace(/^(ascii|hex):/, '');
    if (keys.has(account)) throw new ConfigError(`SIA_DC09_KEYS: account ${account} is given twice`);
    try {
      keys.set(account, dc09Key(keyText, format));
    } catch (err) {
      throw new ConfigError(`SIA_DC09_KEYS: account ${account}: ${(err as Error).message}`);
    }
  }
  return keys;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const e = parsed.data;
  const twilioParts = [e.TWILIO_ACCOUNT_SID, e.TWILIO_AUTH_TOKEN, e.TWILIO_FROM];
  if (twilioParts.some(Boolean) && !twilioParts.every(Boolean)) {
    throw new ConfigError('TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM go together: set all three or none');
  }
  const serialPorts = parseSerialPorts(e.SERIAL_PORTS);
  const rflinkPorts = parseSerialPorts(e.RFLINK_PORTS, 'RFLINK_PORTS', 57_600);
  // One port read by two sources would split its bytes between them: both would see only garbage.
  const shared = rflinkPorts.find((r) => serialPorts.some((s) => s.path === r.path));
  if (shared) throw new ConfigError(`RFLINK_PORTS: ${shared.path} is also in SERIAL_PORTS; a port carries either native frames or an RFLink receiver`);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolMax: e.DATABASE_POOL_MAX,
    dataDir: e.DATA_DIR,
    embeddedDbDir: `${e.DATA_DIR.replace(/\/$/, '')}/pglite`,
    embeddedDbStallMs: e.EMBEDDED_DB_STALL_SECONDS * 1000,
    retention: retentionFrom(env),
    retentionIntervalMs: e.RETENTION_INTERVAL_SECONDS * 1000,
    mqttUrl: e.MQTT_URL,
    mqttPort: e.MQTT_PORT,
    mqttHost: e.MQTT_HOST ?? e.HOST,
    mqttAllowAnonymous: e.MQTT_ALLOW_ANONYMOUS === '1',
    mqttMaxPacketBytes: e.MQTT_MAX_PACKET_BYTES,
    mqttPublishRate: e.MQTT_PUBLISH_RATE,
    mqttUsername: e.MQTT_USERNAME,
    mqttPassword: e.MQTT_PASSWORD,
    mqttSharedGroup: e.MQTT_SHARED_GROUP,
    topicRoot: e.GUARDBELL_TOPIC_ROOT,
    serialPorts,
    rflinkPorts,
    siaDc09Port: e.SIA_DC09_PORT,
    siaDc09Keys: parseSiaKeys(e.SIA_DC09_KEYS),
    provisionFile: e.GUARDBELL_PROVISION,
    adminPassword: e.GUARDBELL_ADMIN_PASSWORD,
    // Demo data by default only on the embedded database: a real deployment never gets demo people.
    demo: e.GUARDBELL_DEMO ? e.GUARDBELL_DEMO === '1' : !e.DATABASE_URL,
    demoFixedPasswords: e.GUARDBELL_DEMO === '1',
    twilio: e.TWILIO_ACCOUNT_SID
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN!, from: e.TWILIO_FROM!, apiBase: e.TWILIO_API_BASE }
      : undefined,
    publicUrl: e.PUBLIC_URL,
    policeWebhookSecret: e.POLICE_WEBHOOK_SECRET,
    policeWebhookAllowHttp: e.POLICE_WEBHOOK_ALLOW_HTTP === '1',
    escalationTickMs: e.ESCALATION_TICK_MS,
    supervisionSweepMs: e.SUPERVISION_SWEEP_MS,
    maintenanceDigestMs: e.MAINTENANCE_DIGEST_SECONDS * 1000,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3600_000,
    passwordHashLog2N: e.PASSWORD_HASH_COST,
    metrics: e.METRICS,
    logLevel: e.LOG_LEVEL,
  });
}
