import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import * as schema from './schema.ts';
import { PgliteThread, type EngineWatch } from './pglite-thread.ts';
import type { RunInEngine } from './pglite-procedures.ts';
import { ensurePrivateDir, tightenTree } from './private-dir.ts';
import { migrationsFolder } from './pglite-template.ts';
import { assertKnownHistory } from './migration-history.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  migrate(): Promise<void>;
  /** Opens the connections kept ready (PostgreSQL), so that the first press does not wait for a new backend. */
  warm?(): Promise<void>;
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
  /** PGlite: runs a store procedure inside the engine's thread (pglite-procedures.ts). */
  inEngine?: RunInEngine;
  /** PostgreSQL: the alarm writes' own small pool (see openPostgres); PGlite has one session, shared. */
  alarmDb?: Db;
  /** PGlite: an online, consistent copy of the data folder (a tar), for `guardbell backup`. */
  dump?: () => Promise<Uint8Array>;
}


export interface DatabaseOptions {
  /** A PostgreSQL connection string; without it, embedded PostgreSQL (PGlite). */
  url?: string | undefined;
  /** PGlite data folder, or 'memory://' for a throwaway database. */
  dataDir: string;
  /** PGlite: how a hung or stopped engine is noticed and opened again (pglite-thread.ts). */
  watch?: EngineWatch | undefined;
  /** PostgreSQL: the main pool's most connections ({@link MAIN_POOL}.max unless told). */
  poolMax?: number | undefined;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  return opts.url ? openPostgres(opts.url, opts.poolMax ?? MAIN_POOL.max) : openPglite(opts.dataDir, opts.watch);
}

const openingEarly = new Map<string, Promise<PgliteThread>>();

/**
 * Starts the embedded database's thread now, to be taken up by the next openDatabase of the same folder:
 * opening PGlite is seconds of CPU on its own thread, which `guardbell start` overlaps with loading the
 * rest of the system on the main thread. Nothing happens with a PostgreSQL URL.
 */
export function openDatabaseEarly(opts: DatabaseOptions): void {
  if (opts.url || openingEarly.has(opts.dataDir)) return;
  const dir = opts.dataDir;
  const opening = (dir.startsWith('memory://') ? Promise.resolve() : ensurePrivateDir(dir)).then(() => PgliteThread.open(dir));
  opening.catch(() => undefined); // reported by the openDatabase that takes it up
  openingEarly.set(opts.dataDir, opening);
}

/**
 * The alarm writes' connections (bell events, people's actions, the panic button). Their own pool: under a slow
 * database the shared pool filled with notification status updates and the outbox, and presses waited behind them.
 * A session that sits in a transaction without sending anything (its process frozen, SIGSTOP or a hung event loop)
 * is ended by the server, releasing the row locks that the other processes' presses wait for; it is set above
 * what a slow link takes between a transaction's statements (a round trip and a batch arriving in a few delayed
 * chunks). A statement that runs longer than any batch should (a lock held by a live transaction) is cancelled and
 * the batch retried.
 */
export const ALARM_POOL = {
  max: 4,
  /** All kept open: presses are rare, and each one after a quiet spell would otherwise wait for a new backend. */
  min: 4,
  applicationName: 'guardbell-alarm',
  idleInTransactionMs: 8_000,
  statementTimeoutMs: 15_000,
} as const;

/**
 * The main pool (escalation, outbox, sessions, the back office). A frozen process must not hold the escalation's and
 * the outbox's row locks for ever either, but nothing here waits on the alarm's few seconds: its bound is looser.
 * Nothing holds a transaction open across outside work (passwords are hashed before provisioning's transaction,
 * Twilio is called outside the outbox's).
 */
export const MAIN_POOL = {
  max: 20,
  /** Kept open for a press's first alert, escalation and outbox (a burst grows the pool from here). */
  min: 4,
  applicationName: 'guardbell',
  idleInTransactionMs: 30_000,
} as const;

/**
 * No JIT compilation on our connections: every query here is short, and PostgreSQL's cost estimate for a count over
 * 100,000 incidents put it above the JIT thresholds, where compiling (with inlining and optimisation) took a second
 * of the statistics' 1.6 s. PGlite has no JIT.
 */
const NO_JIT = '-c jit=off';

function openPostgres(url: string, poolMax: number): Database {
  // Short timeouts: the alarm path must notice a dead database quickly and carry on without it.
  const pool = newPool({
    connectionString: url, max: Math.max(poolMax, MAIN_POOL.min), min: MAIN_POOL.min, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 10_000, options: NO_JIT,
    application_name: MAIN_POOL.applicationName,
    idle_in_transaction_session_timeout: MAIN_POOL.idleInTransactionMs,
  });
  const alarmPool = newPool({
    connectionString: url, max: ALARM_POOL.max, min: ALARM_POOL.min, connectionTimeoutMillis: 2_000, idleTimeoutMillis: 10_000, options: NO_JIT,
    application_name: ALARM_POOL.applicationName,
    idle_in_transaction_session_timeout: ALARM_POOL.idleInTransactionMs,
    statement_timeout: ALARM_POOL.statementTimeoutMs,
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    alarmDb: drizzlePg(alarmPool, { schema }) as unknown as Db,
    kind: 'postgres',
    migrate: async () => {
      await assertKnownHistory(db, migrationsFolder);
      await migratePg(drizzlePg(pool, { schema }), { migrationsFolder });
    },
    warm: async () => {
      await Promise.all([openClients(pool, MAIN_POOL.min), openClients(alarmPool, ALARM_POOL.min)]);
    },
    ping: (timeoutMs = 1_000) => pingWith(db, timeoutMs),
    close: async () => {
      await Promise.all([pool.end(), alarmPool.end()]);
    },
  };
}

/** Opens `n` connections at once and returns them to the pool (whose `min` then keeps them past the idle timeout). */
async function openClients(pool: pg.Pool, n: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: n }, () => pool.connect()));
  for (const c of clients) c.release();
}

/** A pool whose clients may lose their server (a restart, a cut, a dropped database) without ending the process. */
export function newPool(config: pg.PoolConfig): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on('error', () => {
    /* an idle client lost its server; the next query reports it */
  });
  // A client checked out of the pool (a transaction in progress) that loses its server emits 'error' with no
  // listener, and Node ends the process: a database cut killed Guardbell (brianc/node-postgres#1324). The query in
  // flight is rejected all the same, and the pool discards the broken client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

async function openPglite(dataDir: string, watch: EngineWatch = {}): Promise<Database> {
  const onDisk = !dataDir.startsWith('memory://');
  // On its own thread, so the engine's work never holds up the ring (see pglite-thread.ts).
  const early = openingEarly.get(dataDir);
  openingEarly.delete(dataDir);
  // An early opening made the folder private before its engine began. Walking it again now would race that engine,
  // which replaces an empty folder by the prepared copy (remove, then rename): a walk in between met no folder at all.
  if (onDisk && !early) await ensurePrivateDir(dataDir);
  const client = await (early ?? PgliteThread.open(dataDir));
  client.watchWith(watch);
  if (onDisk) await tightenTree(dataDir); // the files PGlite made while opening
  const db = drizzlePglite(client as never, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    migrate: async () => {
      await assertKnownHistory(db, migrationsFolder);
      await migratePglite(drizzlePglite(client as never, { schema }), { migrationsFolder });
    },
    ping: (timeoutMs = 1_000) => pingWith(db, timeoutMs),
    close: async () => {
      await client.close();
      if (onDisk) await tightenTree(dataDir).catch(() => undefined);
    },
    inEngine: client.call,
    dump: () => client.dump(),
  };
}

async function pingWith(db: Db, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([db.execute(sql`select 1`).then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
