import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { newIncidentState } from '../domain/index.ts';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import { lockAndReadStatement, writeBatch } from './bell-event-batch.ts';
import { rowsOf } from './rows-of.ts';
import type { Db } from './database.ts';
import type { IncidentRecord } from './incident-records.ts';
import { IncidentStore, type BellEventWrite } from './incident-store.ts';
import * as schema from './schema.ts';
import { testPool } from '../../test/support/postgres.ts';

const record = (id: string, bellId: string, openedAt: Date): IncidentRecord => ({
  ...newIncidentState({ mode: 'live', violence: false, openedAt }),
  id, siteId: 'site-a', counterId: 'passport-3', bellId, openingSeq: 1, source: 'bell', raisedBy: null,
  escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
});
const event = (bellId: string, seq: number, at: Date, type = 'press') => ({ bellId, seq, type, receivedAt: at, bellAt: null, battery: null, transport: 'mqtt' });
const pressOpening = (bellId: string, seq: number, id: string, at: Date): BellEventWrite => ({
  event: event(bellId, seq, at), incident: { kind: 'insert', record: record(id, bellId, at) }, entries: [{ kind: 'press', at, actorId: null, data: { seq } }],
});

describe.each(['pglite', 'postgres'] as const)('group commit of bell events on %s', (kind) => {
  let opened: StoreDatabase;
  let store: IncidentStore;
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    store = new IncidentStore(opened.database.db, opened.database.inEngine, opened.database.alarmDb);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('a batch decides each write as one transaction per write would: later writes see the earlier ones', async () => {
    const t = new Date();
    const batch: BellEventWrite[] = [
      pressOpening('G-1', 1, 'inc_g1', t),
      // The same bell again: memory joined the incident the first press opened (stored in this very batch).
      { event: event('G-1', 2, t), incident: { kind: 'raise', id: 'inc_g1', violence: true }, entries: [{ kind: 're_press', at: t, actorId: null, data: { seq: 2 } }] },
      pressOpening('G-2', 1, 'inc_g2', t),
      // Cancelled at the counter before anyone acknowledged: applied.
      { event: event('G-2', 2, t, 'cancel'), incident: { kind: 'cancel_at_counter', id: 'inc_g2', at: t }, entries: [{ kind: 'cancelled_at_counter', at: t, actorId: null, data: {} }] },
      // A copy of G-1#1 in the same batch: a duplicate that changes nothing.
      pressOpening('G-1', 1, 'inc_g1_copy', t),
      // Another process's memory opened an incident on G-1 too: the press joins inc_g1.
      pressOpening('G-1', 3, 'inc_g1_other', t),
      // A cancel that reaches the incident cancelled above: only a note there (linked, as the write named a closed one).
      { event: event('G-2', 3, t, 'cancel'), incident: { kind: 'cancel_at_counter', id: 'inc_g2', at: t }, entries: [{ kind: 'cancelled_at_counter', at: t, actorId: null, data: {} }] },
    ];
    const { results, error } = await store.writeBellEvents(batch);
    expect(error).toBeUndefined();
    expect(results.map((r) => [r.outcome, r.incidentId, r.revision])).toEqual([
      ['stored', 'inc_g1', 0],
      ['stored', 'inc_g1', 1],
      ['stored', 'inc_g2', 0],
      ['stored', 'inc_g2', 1],
      ['duplicate', 'inc_g1', undefined],
      ['joined_existing', 'inc_g1', 2],
      ['joined_existing', 'inc_g2', 2],
    ]);
    expect(results[3]).toMatchObject({ cancelApplied: true });
    expect(results[0]!.reference).toMatch(/^\d{4}-\d{4}$/);
    const g1 = (await store.get('inc_g1'))!;
    expect([g1.violence, g1.severity, g1.revision, g1.status]).toEqual([true, 'critical', 2, 'triggered']);
    const g2 = (await store.get('inc_g2'))!;
    expect([g2.status, g2.revision]).toEqual(['cancelled', 2]);
    expect(await store.get('inc_g1_copy')).toBeNull();
    expect(await store.get('inc_g1_other')).toBeNull();
    expect((await store.timeline('inc_g1')).map((e) => e.kind)).toEqual(['press', 're_press', 're_press']);
    expect((await store.timeline('inc_g2')).map((e) => e.kind)).toEqual(['press', 'cancelled_at_counter', 'cancel_pressed_late']);
    expect(await store.findEvent('G-1', 3)).toEqual({ incidentId: 'inc_g1' });
  });

  it('a new incident\'s first alert rows are stored with it and named in the result (its sender records their statuses)', async () => {
    const t = new Date();
    const note = (id: string) => ({
      id, incidentId: 'inc_fa', stepId: 'alert', recipientKey: `guard-${id}`, personId: null, channel: 'sms', to: '+8210', language: 'ko', isPolice: false,
      mode: 'live', status: 'sending', providerId: null, attempts: 0, nextAttemptAt: t, lastError: null, fallbackOf: null, createdAt: t, updatedAt: t,
    });
    const firstAlert = { steps: [{ stepId: 'alert', status: 'fired' as const, dueAt: t, firedAt: t, reason: null }], notifications: [note('ntf_fa1'), note('ntf_fa2')] };
    const { results } = await store.writeBellEvents([{ ...pressOpening('G-5', 1, 'inc_fa', t), firstAlert }, { ...pressOpening('G-5', 2, 'inc_fa_other', t), firstAlert: { steps: [], notifications: [{ ...note('ntf_fa3'), recipientKey: 'guard-ntf_fa1' }] } }]);
    expect(results[0]!.firstAlertStored).toEqual(['ntf_fa1', 'ntf_fa2']);
    // The second press joined inc_fa; its alert reached the same person for the same step: not stored twice.
    expect(results[1]).toMatchObject({ outcome: 'joined_existing', incidentId: 'inc_fa', firstAlertStored: [] });
  });

  it('one bad write in a batch stops only itself: those before it are stored, and it is reported', async () => {
    const t = new Date();
    const bad = { event: { ...event('G-3', 2, t), type: null as unknown as string }, entries: [] };
    const outcome = await store.writeBellEvents([pressOpening('G-3', 1, 'inc_g3', t), bad, pressOpening('G-4', 1, 'inc_g4', t)]);
    expect(outcome.results.map((r) => r.incidentId)).toEqual(['inc_g3']);
    expect(String((outcome.error as Error).message)).toMatch(/null|type/);
    expect(await store.get('inc_g4')).toBeNull();
  });

  it('locks and reads by index: a batch touches the rows it names, not the incidents and events stored before it', async () => {
    // A history: 3,000 closed incidents and 3,000 stored events of other bells, not analysed (a fresh system's).
    await opened.database.db.execute(sql`
      insert into incidents (id, mode, status, severity, site_id, counter_id, bell_id, source, opened_at, closed_at)
      select 'inc_hist' || g, 'live', 'closed', 'high', 'site-a', 'passport-3', 'HIST-' || (g % 300), 'bell', now() - interval '1 day', now()
      from generate_series(1, 3000) g`);
    await opened.database.db.execute(sql`
      insert into bell_events (bell_id, epoch, seq, type, received_at, transport)
      select 'HIST-' || (g % 300), 0, g, 'press', now(), 'mqtt' from generate_series(1, 3000) g`);
    const t = new Date();
    await store.writeBellEvents([pressOpening('H-1', 1, 'inc_h1', t)]);
    const writes: BellEventWrite[] = [
      { event: event('H-1', 2, t), incident: { kind: 'raise', id: 'inc_h1', violence: true }, entries: [] },
      pressOpening('H-2', 1, 'inc_h2', t),
      { event: event('HIST-7', 9_999, t, 'cancel'), incident: { kind: 'cancel_at_counter', id: 'inc_hist7', at: t }, entries: [] },
    ];
    const [row] = rowsOf<{ 'QUERY PLAN': unknown }>(await opened.database.db.execute(sql`explain (analyze, format json) ${lockAndReadStatement(writes)}`));
    const plan = (typeof row!['QUERY PLAN'] === 'string' ? JSON.parse(row!['QUERY PLAN']) : row!['QUERY PLAN']) as { Plan: PlanNode }[];
    const scans: string[] = [];
    let touched = 0;
    const walk = (n: PlanNode): void => {
      if (n['Relation Name'] === 'incidents' || n['Relation Name'] === 'bell_events') {
        scans.push(`${n['Node Type']} ${n['Relation Name']}`);
        touched += (n['Actual Rows'] + (n['Rows Removed by Filter'] ?? 0) + (n['Rows Removed by Index Recheck'] ?? 0)) * n['Actual Loops'];
      }
      n.Plans?.forEach(walk);
    };
    walk(plan[0]!.Plan);
    expect(scans.filter((s) => s.startsWith('Seq Scan'))).toEqual([]);
    // The two incidents named or open on the batch's bells, one of them also named by id, and one stored event.
    expect(touched).toBeLessThanOrEqual(6);
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

describe('group commit on PostgreSQL', () => {
  let opened: StoreDatabase;
  let pool: pg.Pool;
  let queries = 0;
  let counted: Db;
  beforeAll(async () => {
    opened = await openStoreDatabase('postgres');
    pool = testPool(opened.url, 4);
    counted = drizzle(pool, { schema, logger: { logQuery: () => void queries++ } }) as unknown as Db;
  });
  afterAll(async () => {
    await pool?.end();
    await opened?.close();
  });

  it('writes a batch of 200 presses in four statements (begin, lock and read, write, commit)', async () => {
    const t = new Date();
    const batch = Array.from({ length: 200 }, (_, i) => pressOpening(`R-${i}`, 1, `inc_r${i}`, t));
    queries = 0;
    const results = await writeBatch(counted, batch);
    expect(queries).toBe(4);
    expect(results.every((r) => r.outcome === 'stored')).toBe(true);
    const [row] = (await pool.query("select count(*)::int as n from bell_events where bell_id like 'R-%'")).rows as { n: number }[];
    expect(row!.n).toBe(200);
  });

  it('two processes writing overlapping batches at once: every event stored once, one open incident per bell', async () => {
    const t = new Date();
    const other = testPool(opened.url, 2);
    try {
      const second = drizzle(other, { schema }) as unknown as Db;
      const bells = Array.from({ length: 30 }, (_, i) => `P-${i}`);
      const mine = bells.map((b) => pressOpening(b, 1, `inc_a_${b}`, t));
      // The other process heard the same presses (shared subscription copies), in the reverse order, and one more each.
      const theirs = [...bells].reverse().flatMap((b) => [pressOpening(b, 1, `inc_b_${b}`, t), pressOpening(b, 2, `inc_b2_${b}`, t)]);
      const [a, b] = await Promise.all([writeBatch(counted, mine), writeBatch(second, theirs)]);
      expect(a).toHaveLength(30);
      expect(b).toHaveLength(60);
      const open = (await pool.query("select bell_id, count(*)::int as n from incidents where bell_id like 'P-%' and status not in ('closed', 'cancelled') group by 1")).rows as { n: number }[];
      expect(open).toHaveLength(30);
      expect(open.every((r) => r.n === 1)).toBe(true);
      const events = (await pool.query("select count(*)::int as n, count(distinct incident_id)::int as incidents from bell_events where bell_id like 'P-%'")).rows as { n: number; incidents: number }[];
      expect(events[0]).toEqual({ n: 60, incidents: 30 });
    } finally {
      await other.end();
    }
  });
});
