import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { Registry } from 'prom-client';
import { asc, eq } from 'drizzle-orm';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { countTransactionStatements } from '../../test/support/transaction-statements.ts';
import { newIncidentState } from '../domain/index.ts';
import { IncidentStore, schema } from '../store/index.ts';
import { DirectoryStore } from '../store/directory-store.ts';
import { Places } from '../core/places.ts';
import { AlarmBus } from '../bus/index.ts';
import { EscalationEngine } from './engine.ts';
import { RosterCache } from './roster-cache.ts';
import { escalationMetricsFor } from './wiring.ts';
import { ClaimContextCopy } from './step-claim.ts';

const T0 = new Date('2030-05-01T09:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const logger = pino({ level: 'silent' });

describe.each(['pglite', 'postgres'] as const)('claiming and arming escalation steps, on %s', (kind) => {
  let opened: StoreDatabase;
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    const { db } = opened.database;
    await new IncidentStore(db, opened.database.inEngine).insertIncident({
      ...newIncidentState({ mode: 'live', violence: false, openedAt: T0 }),
      id: 'inc_claim_1', siteId: 'site-a', counterId: 'passport-3', bellId: null, openingSeq: null, source: 'console',
      raisedBy: 'staff-a', escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
    }, []);
    await db.insert(schema.escalationSteps).values([
      { incidentId: 'inc_claim_1', stepId: 'alert', status: 'fired', dueAt: T0, firedAt: T0 },
      { incidentId: 'inc_claim_1', stepId: 'unacknowledged_30s', dueAt: at(30) },
      { incidentId: 'inc_claim_1', stepId: 'unacknowledged_60s', dueAt: at(60) },
    ]);
    // site-a keeps a roster: guard-a is on shift at the claim, guard-a2's shift has ended.
    await db.insert(schema.shifts).values([
      { siteId: 'site-a', personId: 'guard-a', startsAt: at(-3600), endsAt: at(3600) },
      { siteId: 'site-a', personId: 'guard-a2', startsAt: at(-7200), endsAt: at(-3600) },
    ]);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('fires a due step to those on duty, tells the bus after the commit, and on PGlite drives no transaction from this thread', async () => {
    const { db, inEngine } = opened.database;
    const now = at(31);
    const places = new Places(new DirectoryStore(db));
    await places.reload();
    const roster = new RosterCache(db, logger, 60_000, () => now);
    await roster.refresh();
    const bus = new AlarmBus({ logger, origin: 'test' });
    const told: string[] = [];
    bus.on('escalation.fired', (e) => {
      told.push(`${e.incidentId}@${e.siteId}`);
    });
    const { lateness } = escalationMetricsFor(new Registry());
    const engine = new EscalationEngine({ db, inEngine, places, logger, lateness, now: () => now, tickMs: 60_000, roster: (t) => roster.snapshot(t), bus });

    const counted = countTransactionStatements(db);
    try {
      expect(await engine.runDue()).toBe(1);
    } finally {
      counted.restore();
    }
    // PGlite: one message to the engine's thread. PostgreSQL: one transaction of seven statements (claim, three
    // reads, the notifications, the timeline entry, the step).
    expect(counted.perTransaction).toEqual(kind === 'pglite' ? [] : [7]);

    const sent = await db.select({ personId: schema.notifications.personId, channel: schema.notifications.channel, stepId: schema.notifications.stepId })
      .from(schema.notifications).where(eq(schema.notifications.incidentId, 'inc_claim_1')).orderBy(asc(schema.notifications.personId));
    expect(sent).toEqual([
      { personId: 'guard-a', channel: 'voice', stepId: 'unacknowledged_30s' },
      { personId: 'manager-a', channel: 'voice', stepId: 'unacknowledged_30s' },
    ]);
    const steps = await db.select({ stepId: schema.escalationSteps.stepId, status: schema.escalationSteps.status, firedAt: schema.escalationSteps.firedAt })
      .from(schema.escalationSteps).where(eq(schema.escalationSteps.incidentId, 'inc_claim_1')).orderBy(asc(schema.escalationSteps.stepId));
    expect(steps).toEqual([
      { stepId: 'alert', status: 'fired', firedAt: T0 },
      { stepId: 'unacknowledged_30s', status: 'fired', firedAt: now },
      { stepId: 'unacknowledged_60s', status: 'pending', firedAt: null },
    ]);
    const entries = await db.select({ kind: schema.timeline.kind }).from(schema.timeline).where(eq(schema.timeline.incidentId, 'inc_claim_1'));
    expect(entries).toEqual([{ kind: 'escalation_step' }]);
    expect(told).toEqual(['inc_claim_1@site-a']);
    const observed = (await lateness.get()).values;
    expect(observed.find((v) => v.metricName === 'guardbell_escalation_step_lateness_seconds_count')?.value).toBe(1);
    expect(observed.find((v) => v.metricName === 'guardbell_escalation_step_lateness_seconds_sum')?.value).toBe(1);
    // Nothing else is due: a second look claims nothing.
    expect(await engine.runDue()).toBe(0);
  });

  it('arms after an acknowledgement: the missing steps stored, those that can no longer fire settled, on PGlite without a transaction from this thread', async () => {
    const { db, inEngine } = opened.database;
    const now = at(40);
    await new IncidentStore(db, inEngine).applyAction('inc_claim_1', { type: 'acknowledge', by: 'guard-a' }, now);
    const places = new Places(new DirectoryStore(db));
    await places.reload();
    const bus = new AlarmBus({ logger, origin: 'test' });
    const { lateness } = escalationMetricsFor(new Registry());
    const engine = new EscalationEngine({ db, inEngine, places, logger, lateness, now: () => now, tickMs: 60_000, roster: () => ({ people: [], onShift: new Map() }), bus });

    const counted = countTransactionStatements(db);
    try {
      await engine.arm('inc_claim_1');
    } finally {
      counted.restore();
    }
    expect(counted.perTransaction.length).toBe(kind === 'pglite' ? 0 : 1);
    const steps = await db.select({ stepId: schema.escalationSteps.stepId, status: schema.escalationSteps.status, dueAt: schema.escalationSteps.dueAt, reason: schema.escalationSteps.reason })
      .from(schema.escalationSteps).where(eq(schema.escalationSteps.incidentId, 'inc_claim_1')).orderBy(asc(schema.escalationSteps.stepId));
    expect(steps).toEqual([
      { stepId: 'alert', status: 'fired', dueAt: T0, reason: null },
      { stepId: 'no_one_on_scene_120s', status: 'pending', dueAt: at(120), reason: null },
      { stepId: 'unacknowledged_30s', status: 'fired', dueAt: at(30), reason: null },
      { stepId: 'unacknowledged_60s', status: 'skipped', dueAt: at(60), reason: 'acknowledged' },
      { stepId: 'violence_police', status: 'pending', dueAt: null, reason: null },
    ]);
  });

  it("keeps the PGlite thread's copy of roster and places while the main thread's caches are unchanged, and reads it again when they move", async () => {
    const { db } = opened.database;
    const copy = new ClaimContextCopy();
    const onDuty = async (version: string | undefined, t: Date) =>
      db.transaction(async (tx) => [...((await copy.at(tx, version, t)).roster.onShift.get('site-a') ?? [])].sort());
    expect(await onDuty('1/1', at(50))).toEqual(['guard-a']);
    await db.insert(schema.shifts).values({ siteId: 'site-a', personId: 'guard-a2', startsAt: at(0), endsAt: at(3600) });
    expect(await onDuty('1/1', at(50))).toEqual(['guard-a']);
    expect(await onDuty('1/2', at(50))).toEqual(['guard-a', 'guard-a2']);
    // The copy's shifts are placed at each claim's time: guard-a's ends at +3600 s.
    expect(await onDuty('1/2', at(3700))).toEqual([]);
    await db.update(schema.people).set({ active: false }).where(eq(schema.people.id, 'manager-a'));
    const context = await db.transaction((tx) => copy.at(tx, undefined, at(50)));
    expect(context.roster.people.map((p) => p.id)).not.toContain('manager-a');
    expect(context.places.site('site-a')?.name).toBe('Nowon-gu Office');
    expect(context.places.counter('site-a', 'passport-3')?.managerIds).toEqual(['manager-a']);
  });
});
