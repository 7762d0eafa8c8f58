import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newIncidentState } from '../domain/index.ts';
import { createTestDatabase } from '../../test/support/postgres.ts';
import { applyProvisioning } from '../provisioning/apply.ts';
import { testProvisioning, testHasher } from '../../test/support/fixtures.ts';
import { openDatabase, type Database } from './database.ts';
import type { IncidentRecord } from './incident-records.ts';
import { IncidentStore } from './incident-store.ts';

const record = (id: string, openedAt: Date): IncidentRecord => ({
  ...newIncidentState({ mode: 'live', violence: false, openedAt }),
  id, siteId: 'site-a', counterId: 'passport-3', bellId: 'B-0301', openingSeq: 1, source: 'bell', raisedBy: null,
  escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
});
const event = (seq: number, at: Date) => ({ bellId: 'B-0301', seq, type: 'press', receivedAt: at, bellAt: null, battery: null, transport: 'mqtt' });

describe.each(['pglite', 'postgres'] as const)('incident store on %s', (kind) => {
  let database: Database;
  let drop: (() => Promise<void>) | undefined;
  let store: IncidentStore;
  beforeAll(async () => {
    const pg = kind === 'postgres' ? await createTestDatabase() : undefined;
    drop = pg?.drop;
    database = await openDatabase({ url: pg?.url, dataDir: 'memory://' });
    await database.migrate();
    await applyProvisioning(database.db, testProvisioning(), { hasher: testHasher });
    store = new IncidentStore(database.db, database.inEngine);
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it('stores a bell event once; a second write of the same (bell, seq) is a duplicate and changes nothing', async () => {
    const t = new Date();
    const first = await store.writeBellEvent({ event: event(1, t), incident: { kind: 'insert', record: record('inc_a', t) }, entries: [{ kind: 'press', at: t, actorId: null, data: {} }] });
    expect(first).toEqual({ outcome: 'stored', incidentId: 'inc_a', cancelApplied: false });
    const again = await store.writeBellEvent({ event: event(1, t), incident: { kind: 'insert', record: record('inc_b', t) }, entries: [] });
    expect(again).toEqual({ outcome: 'duplicate', incidentId: 'inc_a' });
    expect(await store.get('inc_b')).toBeNull();
  });

  it('a press that another process opened an incident for joins it (bell_events rows are append-only)', async () => {
    const t = new Date();
    const joined = await store.writeBellEvent({ event: event(2, t), incident: { kind: 'insert', record: { ...record('inc_c', t), violence: true } }, entries: [] });
    expect(joined).toEqual({ outcome: 'joined_existing', incidentId: 'inc_a' });
    expect(await store.findEvent('B-0301', 2)).toEqual({ incidentId: 'inc_a' });
    expect((await store.get('inc_a'))!.violence).toBe(true);
    expect((await store.timeline('inc_a')).map((e) => e.kind)).toEqual(['press', 're_press']);
    expect(await store.get('inc_c')).toBeNull();
  });

  it('a join naming an incident that was never stored goes to the open one, or opens its fallback', async () => {
    const t = new Date();
    const joined = await store.writeBellEvent({ event: event(3, t), incident: { kind: 'raise', id: 'inc_never', violence: false }, entries: [], fallback: record('inc_fb1', t) });
    expect(joined).toEqual({ outcome: 'joined_existing', incidentId: 'inc_a' });
    await store.applyAction('inc_a', { type: 'acknowledge', by: 'guard-a' }, t);
    await store.applyAction('inc_a', { type: 'close', by: 'manager-a', outcome: 'done', classification: ['other'] }, t);
    const opened = await store.writeBellEvent({ event: event(4, t), incident: { kind: 'raise', id: 'inc_never', violence: false }, entries: [], fallback: record('inc_fb2', t) });
    expect(opened).toEqual({ outcome: 'joined_existing', incidentId: 'inc_fb2' });
    expect((await store.get('inc_fb2'))!.status).toBe('triggered');
    expect(await store.findEvent('B-0301', 4)).toEqual({ incidentId: 'inc_fb2' });
  });
});
