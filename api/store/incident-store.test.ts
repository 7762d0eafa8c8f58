import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newIncidentState } from '../domain/index.ts';
import type { Database } from './database.ts';
import { openStoreDatabase, type StoreDatabase } from '../../test/support/store-database.ts';
import type { IncidentRecord } from './incident-records.ts';
import { IncidentStore } from './incident-store.ts';

const record = (id: string, openedAt: Date): IncidentRecord => ({
  ...newIncidentState({ mode: 'live', violence: false, openedAt }),
  id, siteId: 'site-a', counterId: 'passport-3', bellId: 'B-0301', openingSeq: 1, source: 'bell', raisedBy: null,
  escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
});
/** The year on a Seoul wall clock (the test sites' time zone): references count per site and local year. */
const year = (t: Date) => new Date(t.getTime() + 9 * 3_600_000).getUTCFullYear();
const event = (seq: number, at: Date) => ({ bellId: 'B-0301', seq, type: 'press', receivedAt: at, bellAt: null, battery: null, transport: 'mqtt' });

describe.each(['pglite', 'postgres'] as const)('incident store on %s', (kind) => {
  let database: Database;
  let opened: StoreDatabase | undefined;
  let store: IncidentStore;
  beforeAll(async () => {
    opened = await openStoreDatabase(kind);
    database = opened.database;
    store = new IncidentStore(database.db, database.inEngine);
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('stores a bell event once; a second write of the same (bell, seq) is a duplicate and changes nothing', async () => {
    const t = new Date();
    const first = await store.writeBellEvent({ event: event(1, t), incident: { kind: 'insert', record: record('inc_a', t) }, entries: [{ kind: 'press', at: t, actorId: null, data: {} }] });
    expect(first).toEqual({ outcome: 'stored', incidentId: 'inc_a', cancelApplied: false, reference: `${year(t)}-0001` });
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
    expect(opened).toEqual({ outcome: 'joined_existing', incidentId: 'inc_fb2', reference: `${year(t)}-0002` });
    expect((await store.get('inc_fb2'))!.status).toBe('triggered');
    expect(await store.findEvent('B-0301', 4)).toEqual({ incidentId: 'inc_fb2' });
  });

  it('a press naming an incident another process closed never joins it: it opens its fallback, or joins the one open', async () => {
    const t = new Date();
    await store.applyAction('inc_fb2', { type: 'acknowledge', by: 'guard-a' }, t);
    await store.applyAction('inc_fb2', { type: 'close', by: 'manager-a', outcome: 'done', classification: ['other'] }, t);
    // Memory still held inc_fb2 open: the write decides against the database.
    const opened = await store.writeBellEvents([{ event: event(5, t), incident: { kind: 'raise', id: 'inc_fb2', violence: false }, entries: [], fallback: record('inc_fb3', t) }]);
    expect(opened.results[0]).toMatchObject({ outcome: 'joined_existing', incidentId: 'inc_fb3', revision: 0 });
    expect(await store.findEvent('B-0301', 5)).toEqual({ incidentId: 'inc_fb3' });
    expect((await store.get('inc_fb2'))!.status).toBe('closed');
    // Another stale memory names the closed one again while inc_fb3 is open: it joins inc_fb3.
    const joined = await store.writeBellEvents([{ event: event(6, t), incident: { kind: 'raise', id: 'inc_fb2', violence: false }, entries: [], fallback: record('inc_fb4', t) }]);
    expect(joined.results[0]).toMatchObject({ outcome: 'joined_existing', incidentId: 'inc_fb3' });
    expect(await store.get('inc_fb4')).toBeNull();
    // A cancel that reaches a closed incident changes nothing there.
    const cancel = await store.writeBellEvents([{ event: { ...event(7, t), type: 'cancel' }, incident: { kind: 'cancel_at_counter', id: 'inc_fb2', at: t }, entries: [{ kind: 'cancelled_at_counter', at: t, actorId: null, data: {} }] }]);
    expect(cancel.results[0]).toMatchObject({ incidentId: 'inc_fb2' });
    expect((await store.get('inc_fb2'))!.status).toBe('closed');
  });

  it('every stored change raises the incident\'s revision', async () => {
    const t = new Date();
    const before = (await store.get('inc_fb3'))!.revision!;
    const raised = await store.writeBellEvents([{ event: event(8, t), incident: { kind: 'raise', id: 'inc_fb3', violence: true }, entries: [] }]);
    expect(raised.results[0]!.revision).toBe(before + 1);
    const acted = await store.applyAction('inc_fb3', { type: 'acknowledge', by: 'guard-a' }, t);
    expect(acted!.record.revision).toBe(before + 2);
  });

  it('lists every open incident, past the closed list\'s cap: a console that reconnects must see them all', async () => {
    const t = new Date();
    for (let i = 0; i < 230; i++) {
      const at = new Date(t.getTime() - i * 1_000);
      await store.writeBellEvent({ event: { ...event(1, at), bellId: `B-many-${i}` }, incident: { kind: 'insert', record: { ...record(`inc_many_${i}`, at), bellId: `B-many-${i}` } }, entries: [] });
    }
    const open = await store.list({ status: 'open' });
    expect(open.filter((r) => r.id.startsWith('inc_many_'))).toHaveLength(230);
    expect(await store.list({ status: 'open', limit: 5 })).toHaveLength(5);
    expect((await store.list({ status: 'all' })).length).toBe(200);
  });
});
