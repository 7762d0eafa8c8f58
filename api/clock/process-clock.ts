/**
 * The process's steady clock, wired: its reference, its samples, its warning and its metrics.
 *
 * The reference is the clock of the database the process writes its times to. Processes that share PostgreSQL
 * all follow the server's `clock_timestamp()`, so their due times and timeline entries agree whatever each
 * machine's own clock says; sampled every 15 s (a query each). The embedded database runs in this process and
 * reads this machine's wall clock, so that is the reference there; reading it costs nothing, so once a second.
 */
import { desc, sql } from 'drizzle-orm';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { schema, type Database } from '../store/index.ts';
import { rowsOf } from '../store/rows-of.ts';
import { SteadyClock, type ClockSources } from './steady-clock.ts';
import { SLEW } from './slew.ts';

const SERVER_SAMPLE_MS = 15_000;
const WALL_SAMPLE_MS = 1_000;
const SAMPLE_TIMEOUT_MS = 2_000;

export async function startProcessClock(database: Pick<Database, 'db' | 'kind'>, registry: Registry, logger: Logger): Promise<SteadyClock> {
  const server = database.kind === 'postgres';
  const reference = server ? 'database server' : 'wall clock';
  const sources: ClockSources = {
    monotonicMs: () => performance.now(),
    referenceMs: server ? () => serverClockMs(database.db) : async () => Date.now(),
  };
  const jumps = new Counter({ name: 'guardbell_clock_jumps_total', help: 'Jumps of the reference clock (wall clock or database server) that the process clock slews over instead of following.', registers: [registry] });
  const skipped = new Counter({ name: 'guardbell_clock_samples_skipped_total', help: 'Reference clock samples skipped (no answer, or too slow a round trip to trust).', registers: [registry] });
  const clock = await SteadyClock.start(sources, server ? SERVER_SAMPLE_MS : WALL_SAMPLE_MS, {
    notBeforeMs: await lastStoredMs(database.db).catch(() => undefined),
    onJump: (jumpMs, offsetMs) => {
      jumps.inc();
      logger.warn({ jumpMs: Math.round(jumpMs), offsetMs: Math.round(offsetMs), reference },
        `the ${reference} jumped by ${(jumpMs / 1000).toFixed(1)} s: this process keeps its steady clock, now ${(offsetMs / 1000).toFixed(1)} s from it, `
        + `and slews toward it at ${SLEW.rate * 100} % (due times neither fire early nor stall)`);
    },
    onSkipped: (err) => {
      skipped.inc();
      logger.debug({ err, reference }, 'clock sample skipped');
    },
  });
  new Gauge({
    name: 'guardbell_clock_offset_seconds', help: 'Reference clock minus the process clock, still to be slewed.', registers: [registry],
    collect() {
      this.set(clock.report().offsetMs / 1000);
    },
  });
  return clock;
}

/** The time of the last timeline entry: a restart never starts the clock before what was already written. */
async function lastStoredMs(db: Database['db']): Promise<number | undefined> {
  const [last] = await db.select({ at: schema.timeline.at }).from(schema.timeline).orderBy(desc(schema.timeline.id)).limit(1);
  return last?.at.getTime();
}

async function serverClockMs(db: Database['db']): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the database server did not tell its time')), SAMPLE_TIMEOUT_MS);
  });
  try {
    const result = await Promise.race([db.execute(sql`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`), timeout]);
    return Number(rowsOf<{ ms: number | string }>(result)[0]?.ms);
  } finally {
    clearTimeout(timer);
  }
}
