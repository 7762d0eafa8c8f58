import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, newIncidentState } from '../domain/index.ts';
import { PgliteThread } from './pglite-thread.ts';
import { openDatabase, type Database } from './database.ts';
import { IncidentStore } from './incident-store.ts';
import { applyProvisioning } from '../provisioning/apply.ts';
import { testProvisioning, testHasher } from '../../test/support/fixtures.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../../test/support/wait.ts';

describe('PGlite on its own thread', () => {
  let thread: PgliteThread;
  beforeAll(async () => {
    thread = await PgliteThread.open('memory://');
    await thread.query('create table t (id int primary key, v text)');
  });
  afterAll(async () => thread?.close());

  it('answers queries in both row modes', async () => {
    await thread.query('insert into t values ($1, $2)', [1, 'one']);
    expect((await thread.query<{ id: number; v: string }>('select id, v from t where id = $1', [1])).rows).toEqual([{ id: 1, v: 'one' }]);
    expect((await thread.query('select id, v from t where id = $1', [1], { rowMode: 'array' })).rows).toEqual([[1, 'one']]);
  });

  it('commits a transaction, and rolls it back when its callback throws', async () => {
    await thread.transaction(async (tx) => {
      await tx.query('insert into t values (2, $1)', ['two']);
    });
    await expect(
      thread.transaction(async (tx) => {
        await tx.query('insert into t values (3, $1)', ['three']);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect((await thread.query<{ id: number }>('select id from t order by id')).rows.map((r) => r.id)).toEqual([1, 2]);
  });

  it('runs one transaction at a time: a query outside waits until the open one ends', async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = thread.transaction(async (t) => {
      await t.query('update t set v = $1 where id = 1', ['inside']);
      order.push('tx wrote');
      await held;
      order.push('tx ends');
    });
    await new Promise((r) => setTimeout(r, 20));
    const outside = thread.query<{ v: string }>('select v from t where id = 1').then((r) => {
      order.push(`outside read ${r.rows[0]!.v}`);
    });
    await new Promise((r) => setTimeout(r, 50));
    release();
    await Promise.all([tx, outside]);
    expect(order).toEqual(['tx wrote', 'tx ends', 'outside read inside']);
  });

  it('keeps PostgreSQL error fields (code, detail) across the thread', async () => {
    const error = (await thread.query('insert into t values (1, $1)', ['again']).then(() => null, (e: unknown) => e)) as Record<string, unknown>;
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('23505');
    expect(String(error.message)).toMatch(/duplicate key/);
  });

  it('refuses work once closed, with a clear error', async () => {
    const other = await PgliteThread.open('memory://');
    await other.close();
    await expect(other.query('select 1')).rejects.toThrow(/PGlite thread stopped/);
  });
});

describe('store procedures inside the PGlite thread', () => {
  let database: Database;
  let store: IncidentStore;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await database.migrate();
    await applyProvisioning(database.db, testProvisioning(), { hasher: testHasher });
    store = new IncidentStore(database.db, database.inEngine);
  });
  afterAll(async () => database?.close());

  it('a refused transition comes back as the DomainError it is (callers answer 409 on it)', async () => {
    const openedAt = new Date();
    await store.insertIncident({
      ...newIncidentState({ mode: 'live', violence: false, openedAt }),
      id: 'inc_thread', siteId: 'site-a', counterId: 'passport-3', bellId: null, openingSeq: null, source: 'console', raisedBy: 'staff-a',
      escalationPolicy: null, jointPoliceDrill: false, unconfirmed: false,
    }, []);
    await store.applyAction('inc_thread', { type: 'acknowledge', by: 'guard-a' }, new Date());
    const error = await store.applyAction('inc_thread', { type: 'acknowledge', by: 'guard-a2' }, new Date()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('already_acknowledged');
  });

  it('a batch of bell events stops at the first that fails and reports those stored before it', async () => {
    const at = new Date();
    const ok = { event: { bellId: 'B-0302', seq: 1, type: 'test', receivedAt: at, bellAt: null, battery: null, transport: 'mqtt' }, entries: [] };
    // A missing type: the NOT NULL constraint refuses it.
    const bad = { event: { ...ok.event, seq: 5, type: null as unknown as string }, entries: [] };
    const after = { event: { ...ok.event, seq: 2 }, entries: [] };
    const outcome = await store.writeBellEvents([ok, bad, after]);
    expect(outcome.results).toEqual([{ outcome: 'stored', incidentId: null, cancelApplied: false }]);
    expect(outcome.error).toBeDefined();
    expect((await store.writeBellEvents([after])).results).toEqual([{ outcome: 'stored', incidentId: null, cancelApplied: false }]);
  });
});

describe('an embedded engine that stops or hangs', () => {
  it('is opened again from its folder: what waited is refused at once (the alarm path retries), what was committed is there', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-engine-'));
    const states: string[] = [];
    const engine = await PgliteThread.open(dir, { stallMs: 500, reopenEveryMs: 100, onState: (s) => states.push(s) });
    try {
      await engine.query('create table t (n int)');
      await engine.query('insert into t values (1)');
      // A request the engine never answers, as after a checkpoint failed on a full disk: the engine is stopped.
      const hung = engine.query('select pg_sleep(30)');
      await expect(hung).rejects.toThrow(/embedded database is restarting: the engine did not answer a query/);
      await expect(engine.query('select 1')).rejects.toThrow(/restarting/);
      await waitFor(() => states.includes('ok'), 20_000, 'the engine opened again');
      expect(states).toEqual(['restarting', 'ok']);
      expect((await engine.query<{ n: number }>('select n from t')).rows).toEqual([{ n: 1 }]);
    } finally {
      await engine.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an in-memory database is never stopped (it would come back empty): a slow request is waited for', async () => {
    const states: string[] = [];
    const engine = await PgliteThread.open('memory://', { stallMs: 300, reopenEveryMs: 100, onState: (s) => states.push(s) });
    try {
      await expect(engine.query('select pg_sleep(1.5)')).resolves.toBeDefined();
      expect(states).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});
