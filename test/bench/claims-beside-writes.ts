/**
 * After the PGlite escalation phase: how long an alarm write waits while the escalation engine claims a burst of due
 * steps, with the claims run inside the PGlite thread (as the engine runs them) beside the raw baseline of the same
 * claims driven from the main thread as a transaction (as it ran them before, and as PostgreSQL still runs them).
 * The main thread is kept busy 8 ms in every 10, as it is under presses: a transaction driven from it holds PGlite's
 * one session across a round trip per statement, each waiting for that loop. Rounds alternate between the two.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { newIncidentState } from '../../api/domain/index.ts';
import { IncidentStore, schema } from '../../api/store/index.ts';
import { DirectoryStore } from '../../api/store/directory-store.ts';
import { Places } from '../../api/core/places.ts';
import { RosterCache } from '../../api/escalation/roster-cache.ts';
import { claimDueSteps } from '../../api/escalation/step-claim.ts';
import { openStoreDatabase } from '../support/store-database.ts';
import { ms, summarize, type Summary } from './stats.ts';

const T0 = new Date('2030-05-01T09:00:00Z');
const INCIDENTS = 200;
const STEPS = ['unacknowledged_30s', 'unacknowledged_60s', 'no_one_on_scene_120s'];
const ROUNDS_EACH = 3;
const BUSY_MS = 8;
const BUSY_EVERY_MS = 10;
const WRITE_GAP_MS = 5;

type Path = 'thread' | 'main';

export interface ClaimsRound {
  path: Path;
  claims: number;
  /** All due steps claimed and written. */
  drainMs: number;
  claim: Summary;
  /** One bell event written beside the claims, from the call to its answer. */
  write: Summary;
}

export interface ClaimsBesideWritesResult {
  incidents: number;
  steps: number;
  rounds: ClaimsRound[];
}

export async function runClaimsBesideWrites(): Promise<ClaimsBesideWritesResult> {
  const opened = await openStoreDatabase('pglite');
  try {
    const { db, inEngine } = opened.database;
    if (!inEngine) throw new Error('the embedded database has no engine thread');
    const store = new IncidentStore(db, inEngine);
    const ids = Array.from({ length: INCIDENTS }, (_, i) => `inc_bench_${String(i).padStart(4, '0')}`);
    for (const id of ids) {
      await store.insertIncident({
        ...newIncidentState({ mode: 'live', violence: false, openedAt: T0 }),
        id, siteId: 'site-a', counterId: 'passport-3', bellId: null, openingSeq: null, source: 'console',
        raisedBy: 'staff-a', escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
      }, []);
    }
    const places = new Places(new DirectoryStore(db));
    await places.reload();
    const now = new Date(T0.getTime() + 200_000);
    const roster = new RosterCache(db, pino({ level: 'silent' }), 60_000, () => now);
    await roster.refresh();
    const version = `${places.version}/${roster.version}`;
    let seq = 0;
    const rounds: ClaimsRound[] = [];
    for (let r = 0; r < ROUNDS_EACH * 2; r++) {
      const path: Path = r % 2 === 0 ? 'main' : 'thread';
      await db.execute(sql`delete from notifications`);
      await db.execute(sql`delete from escalation_steps`);
      await db.insert(schema.escalationSteps).values(ids.flatMap((incidentId) => STEPS.map((stepId) => ({ incidentId, stepId, dueAt: new Date(T0.getTime() + 1_000) }))));
      const busy = setInterval(() => {
        const t = performance.now();
        while (performance.now() - t < BUSY_MS) { /* the main thread at work, as under presses */ }
      }, BUSY_EVERY_MS);
      let writing = true;
      const writes: number[] = [];
      const writer = (async () => {
        while (writing) {
          const t = performance.now();
          await store.writeBellEvents([{ event: { bellId: 'B-0302', seq: ++seq, type: 'press', receivedAt: now, bellAt: null, battery: null, transport: 'mqtt' }, entries: [] }]);
          writes.push(performance.now() - t);
          await new Promise((resolve) => setTimeout(resolve, WRITE_GAP_MS));
        }
      })();
      const claims: number[] = [];
      const started = performance.now();
      try {
        for (;;) {
          const t = performance.now();
          const result = path === 'thread'
            ? await inEngine('claimDueSteps', now, version)
            : await db.transaction((tx) => claimDueSteps(tx, now, () => ({ roster: roster.snapshot(now), places })));
          claims.push(performance.now() - t);
          if (result.handled === 0) break;
        }
      } finally {
        writing = false;
        await writer;
        clearInterval(busy);
      }
      rounds.push({ path, claims: claims.length - 1, drainMs: performance.now() - started, claim: summarize(claims.slice(0, -1)), write: summarize(writes) });
    }
    return { incidents: INCIDENTS, steps: INCIDENTS * STEPS.length, rounds };
  } finally {
    await opened.close();
  }
}

export function formatClaimsBesideWrites(r: ClaimsBesideWritesResult): string {
  const lines = [
    `-- escalation claims beside alarm writes: PGlite, ${r.steps} steps of ${r.incidents} incidents due at once, the main thread busy ${BUSY_MS} ms in every ${BUSY_EVERY_MS}, a bell event written every ${WRITE_GAP_MS} ms beside them --`,
    'claims                                  rounds: all claimed in | claim p50 / max | alarm write p50 / p99 / max (ms)',
  ];
  for (const path of ['thread', 'main'] as const) {
    const mine = r.rounds.filter((x) => x.path === path);
    const label = path === 'thread' ? 'in the thread (the engine)' : 'from the main thread (raw baseline)';
    lines.push(`${label.padEnd(40)}${mine.map((x) => `${ms(x.drainMs)} | ${ms(x.claim.p50)} / ${ms(x.claim.max)} | ${ms(x.write.p50)} / ${ms(x.write.p99)} / ${ms(x.write.max)}`).join(';  ')}`);
  }
  return lines.join('\n');
}
