import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { waitFor } from '../../test/support/wait.ts';
import { newIncidentState } from '../domain/index.ts';
import { IncidentStore, schema, type Db } from '../store/index.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { Places } from '../core/places.ts';
import { AlarmBus } from '../bus/index.ts';
import { EscalationEngine } from './engine.ts';
import { escalationMetricsFor } from './wiring.ts';

const T0 = new Date('2030-05-01T09:00:00Z');
const OPEN = 450;

describe.each(['pglite', 'postgres'] as const)('a start with many incidents open, on %s', (kind) => {
  let opened: StoreDatabase;
  let places: Places;
  let now = T0;
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    places = new Places(new DirectoryStore(opened.database.db));
    await places.reload();
    const store = new IncidentStore(opened.database.db, opened.database.inEngine);
    // Raised at the console (no bell): a bell's second press would join its first incident.
    for (let i = 0; i < OPEN; i++) {
      await store.insertIncident({
        ...newIncidentState({ mode: 'live', violence: false, openedAt: T0 }),
        id: `inc_rearm_${String(i).padStart(4, '0')}`, siteId: 'site-a', counterId: 'passport-3', bellId: null, openingSeq: null, source: 'console',
        raisedBy: 'staff-a', escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
      }, []);
    }
  });
  afterAll(async () => {
    await opened?.close();
  });

  /** An engine on `db`, its clock at `now`. */
  const engine = (db: Db) => new EscalationEngine({
    db, places, logger: pino({ level: 'silent' }), lateness: escalationMetricsFor(new Registry()).lateness, now: () => now, tickMs: 60_000,
    roster: () => ({ people: [], onShift: new Map() }), bus: new AlarmBus({ logger: pino({ level: 'silent' }), origin: 'test' }),
  });
  /**
   * `db` with its transactions counted, and the re-arm's first one held until `release` (null: none held). The re-arm's
   * is told by its caller (`armMany`) on the stack: which transaction comes first, the re-arm's or a claim's, is a race.
   */
  const watched = (hold: Promise<void> | null) => {
    const db = opened.database.db;
    const counts = { transactions: 0, held: 0 };
    const proxy = new Proxy(db, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key !== 'transaction') return value;
        return async (...args: unknown[]) => {
          counts.transactions++;
          if (hold && counts.held === 0 && new Error().stack?.includes('armMany')) {
            counts.held++;
            await hold;
          }
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
    return { db: proxy, counts };
  };
  const pendingSteps = async () =>
    opened.database.db.select().from(schema.escalationSteps)
      .where(and(eq(schema.escalationSteps.status, 'pending'), sql`${schema.escalationSteps.incidentId} like 'inc_rearm_%'`))
      .orderBy(asc(schema.escalationSteps.incidentId), asc(schema.escalationSteps.stepId));

  it('re-arms them a few hundred to a transaction, and arms alone only the incidents that need more', async () => {
    // Before any step is due: the clock, which runs during the re-arm, fires nothing here.
    now = new Date(T0.getTime() - 3_600_000);
    // First start: none has step rows (stored without a first alert), so each is armed alone.
    const first = engine(opened.database.db);
    await first.start();
    await first.rearmed();
    first.stop();
    const armed = await pendingSteps();
    expect(new Set(armed.map((s) => s.incidentId)).size).toBe(OPEN);

    // While no process ran: the due times went stale, and three incidents lost their step rows.
    await opened.database.db.update(schema.escalationSteps).set({ dueAt: sql`${schema.escalationSteps.dueAt} + interval '1 hour'` })
      .where(sql`${schema.escalationSteps.incidentId} like 'inc_rearm_%'`);
    const lost = ['inc_rearm_0007', 'inc_rearm_0200', 'inc_rearm_0449'];
    await opened.database.db.delete(schema.escalationSteps).where(inArray(schema.escalationSteps.incidentId, lost));

    const { db, counts } = watched(null);
    const again = engine(db);
    await again.start();
    await again.rearmed();
    again.stop();
    const rearmed = await pendingSteps();
    expect(rearmed.map((s) => [s.incidentId, s.stepId, s.dueAt?.toISOString()])).toEqual(armed.map((s) => [s.incidentId, s.stepId, s.dueAt?.toISOString()]));
    // Three batches of up to 200, and the three incidents without steps armed alone.
    expect(counts.transactions).toBe(Math.ceil(OPEN / 200) + lost.length);
  });

  it('the clock runs while the re-arm waits: a step due fires', async () => {
    let release: () => void = () => undefined;
    const { db, counts } = watched(new Promise<void>((resolve) => (release = resolve)));
    const due = (await pendingSteps()).find((s) => s.dueAt !== null);
    now = new Date(due!.dueAt!.getTime() + 1);
    const e = engine(db);
    try {
      await e.start();
      await waitFor(() => counts.held === 1 || undefined, 10_000, "the re-arm's transaction held");
      // Fired by the clock's own first look or by this call, whichever claims it: either runs while the re-arm waits.
      const status = async () => (await opened.database.db.select().from(schema.escalationSteps)
        .where(and(eq(schema.escalationSteps.incidentId, due!.incidentId), eq(schema.escalationSteps.stepId, due!.stepId))))[0]?.status;
      await waitFor(async () => (await e.runDue(), (await status()) === 'fired') || undefined, 10_000, 'a due step fired while the re-arm waits');
      expect(counts.held).toBe(1);
    } finally {
      release();
      await e.rearmed();
      e.stop();
    }
  });
});
