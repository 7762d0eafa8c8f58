import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import pino from 'pino';
import { configFromEnv, type Config } from '../../api/config.ts';
import type { Clock } from '../../api/escalation/index.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import type { ProvisioningDocument } from '../../api/provisioning/index.ts';
import { rowsOf } from '../../api/store/rows-of.ts';
import { startGuardbell, type System } from '../../system/index.ts';
import { testProvisioning, PASSWORD, TEST_HASH_COST, testHasher } from './fixtures.ts';
import { ApiClient, type StreamClient } from './http.ts';
import { RawBell, MOSQUITTO_URL } from './mqtt.ts';
import { createTestDatabase } from './postgres.ts';

export type DbKind = 'pglite' | 'postgres';
export type BrokerKind = 'aedes' | 'mosquitto';

/** The matrix the integration tests run on: both databases and both brokers, each at least once. */
export const MATRIX: { db: DbKind; broker: BrokerKind }[] = [
  { db: 'pglite', broker: 'aedes' },
  { db: 'postgres', broker: 'mosquitto' },
];

export interface TestSystem {
  system: System;
  config: Config;
  url: string;
  mqttUrl: string;
  topicRoot: string;
  databaseUrl: string | undefined;
  login(username: string): Promise<ApiClient>;
  /** `username` logged in with their live stream open; the stream is closed when the system stops. */
  watch(username: string): Promise<{ client: ApiClient; stream: StreamClient }>;
  bell(bellId: string, keyHex?: string): Promise<RawBell>;
  /** Applies a provisioning document (the fixtures' cheap password hashing) and reloads the directory. */
  provision(doc: ProvisioningDocument): Promise<void>;
  /** Rows of a query on the system's database (either kind). */
  rows<T = Record<string, unknown>>(query: string | SQL): Promise<T[]>;
  /** The number in the first row's `n` column: `select count(*) as n from …`. */
  count(query: string | SQL): Promise<number>;
  /** Stops the process but keeps the database (for restart tests). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export interface TestSystemOptions {
  db: DbKind;
  broker: BrokerKind;
  env?: Record<string, string>;
  /** Reuse a database (restart tests); dropped by the caller. */
  databaseUrl?: string;
  topicRoot?: string;
  provision?: boolean;
  /** The escalation engine's clock (default the wall clock): tests move it instead of waiting for steps. */
  escalationClock?: Clock;
}

/** The environment of a system on its own ports, topic root and (throwaway) database, without demo data. */
export function isolatedEnv(topicRoot: string, databaseUrl: string | undefined, opts: { logLevel?: string; adminPassword?: string } = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    MQTT_PORT: '0',
    // The integration tests' bells are anonymous (a lab); test/security/ runs without this.
    MQTT_ALLOW_ANONYMOUS: '1',
    GUARDBELL_TOPIC_ROOT: topicRoot,
    GUARDBELL_DEMO: '0',
    GUARDBELL_ADMIN_PASSWORD: opts.adminPassword ?? PASSWORD,
    PASSWORD_HASH_COST: String(TEST_HASH_COST),
    LOG_LEVEL: opts.logLevel ?? 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
}

/** Each of `usernames` logged in, by username. */
export async function loginAll<W extends string>(t: TestSystem, usernames: readonly W[]): Promise<Record<W, ApiClient>> {
  const as = {} as Record<W, ApiClient>;
  for (const who of usernames) as[who] = await t.login(who);
  return as;
}

/** Starts a whole Guardbell process on a throwaway database and an isolated topic root. */
export async function startTestSystem(opts: TestSystemOptions): Promise<TestSystem> {
  const created = opts.db === 'postgres' && !opts.databaseUrl ? await createTestDatabase() : undefined;
  const databaseUrl = opts.databaseUrl ?? created?.url;
  // Mosquitto is shared by every test: each system gets its own topic root.
  const topicRoot = opts.topicRoot ?? `gbtest-${randomBytes(4).toString('hex')}/v1`;
  const env: Record<string, string> = {
    ...isolatedEnv(topicRoot, databaseUrl, { logLevel: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    ...(opts.broker === 'mosquitto' ? { MQTT_URL: MOSQUITTO_URL } : {}),
    ...opts.env,
  };
  const config: Config = { ...configFromEnv(env), embeddedDbDir: env.DATA_DIR === 'memory://' ? 'memory://' : `${env.DATA_DIR}/pglite` };
  let system = await startGuardbell(config, { logger: pino({ level: config.logLevel }), escalationClock: opts.escalationClock });
  const provision = async (doc: ProvisioningDocument) => {
    await applyProvisioning(system.database.db, doc, { hasher: testHasher });
    await system.reloadDirectory();
  };
  if (opts.provision !== false && (await system.places.allSites()).length === 0) await provision(testProvisioning());
  const bells: RawBell[] = [];
  const streams: StreamClient[] = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    for (const s of streams) s.close();
    await Promise.all(bells.map((b) => b.close().catch(() => undefined)));
    await system.close();
  };
  async function rows<T>(query: string | SQL): Promise<T[]> {
    return rowsOf<T>(await system.database.db.execute(typeof query === 'string' ? sql.raw(query) : query));
  }
  return {
    system,
    config,
    url: system.url,
    mqttUrl: system.mqttUrl,
    topicRoot,
    databaseUrl,
    login: (username) => ApiClient.login(system.url, username, PASSWORD),
    watch: async (username) => {
      const client = await ApiClient.login(system.url, username, PASSWORD);
      const stream = await client.stream();
      streams.push(stream);
      return { client, stream };
    },
    bell: async (bellId, keyHex) => {
      const b = await RawBell.connect(system.mqttUrl, topicRoot, bellId, keyHex);
      bells.push(b);
      return b;
    },
    provision,
    rows,
    count: async (query) => Number((await rows<{ n: string | number }>(query))[0]?.n ?? 0),
    stop,
    close: async () => {
      await stop();
      await created?.drop();
    },
  };
}

export interface WatchedSystem {
  t: TestSystem;
  guard: ApiClient;
  /** Site A's guard's live stream, closed by t.close(). */
  stream: StreamClient;
}

/**
 * The alarm path's usual start: a system as startTestSystem starts it, provisioned with `provisioning` too when given,
 * and site A's guard logged in with their live stream open.
 */
export async function startWatchedSystem(opts: TestSystemOptions & { provisioning?: ProvisioningDocument }): Promise<WatchedSystem> {
  const { provisioning, ...systemOpts } = opts;
  const t = await startTestSystem(systemOpts);
  try {
    if (provisioning) await t.provision(provisioning);
    const { client: guard, stream } = await t.watch('guard');
    return { t, guard, stream };
  } catch (err) {
    await t.close();
    throw err;
  }
}
