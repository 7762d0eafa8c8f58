/**
 * The retention job on a real system (PGlite): what has expired is deleted or anonymised, records of an open
 * case file are on legal hold, the job's report is in the audit chain, and `guardbell audit verify` still passes.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditLog } from '../../api/audit/audit-log.ts';
import { DEFAULT_RETENTION, RETENTION_ACTOR, RetentionConfigError, retentionPolicyFromEnv, runRetention } from '../../api/retention/index.ts';
import { rowsOf } from '../../api/store/rows-of.ts';
import { upload } from '../cases/fixture.ts';
import type { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';

describe('retention: expired data deleted or anonymised, open cases on hold, the audit chain intact', () => {
  let t: TestSystem;
  let manager: ApiClient;
  let legal: ApiClient;
  const ids = { expired: '', held: '', closedCase: '', openCase: '' };
  const query = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t.system.database.db.execute(q));
  const count = async (q: ReturnType<typeof sql>) => Number((await query<{ n: string | number }>(q))[0]!.n);

  const pressAndClose = async (bellId: string): Promise<string> => {
    const bell = await t.bell(bellId);
    await bell.event(1, 'press');
    const id = (await bell.waitForAck({ seq: 1, state: 'received' })).incident!;
    expect((await manager.post(`/api/v1/incidents/${id}/acknowledge`)).status).toBe(200);
    expect((await manager.post(`/api/v1/incidents/${id}/close`, { outcome: 'the complainant shouted at Kim', classification: ['verbal_abuse'] })).status).toBe(200);
    return id;
  };

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    manager = await t.login('manager');
    legal = await t.login('legal');
    ids.expired = await pressAndClose('B-0301');
    ids.held = await pressAndClose('B-0302');
    const open = await legal.post('/api/v1/cases', { title: 'still in court', incidentIds: [ids.held] });
    const closed = await legal.post('/api/v1/cases', { title: 'settled', incidentIds: [ids.expired] });
    expect([open.status, closed.status]).toEqual([201, 201]);
    ids.openCase = open.body.id;
    ids.closedCase = closed.body.id;
    expect((await upload(legal, ids.closedCase, new Uint8Array([1, 2, 3]), 'photo.jpg')).status).toBe(201);
    // Closed long ago as far as the job is concerned: it runs with a `now` eleven years on.
    await t.system.database.db.execute(sql`update cases set status = 'closed' where id = ${ids.closedCase}`);
  });
  afterAll(async () => t?.close());

  it('refuses to touch the append-only tables outside the job, and the audit log even inside it', async () => {
    const refused = { cause: { message: expect.stringMatching(/append-only/) } };
    await expect(t.system.database.db.execute(sql`delete from timeline where incident_id = ${ids.expired}`)).rejects.toMatchObject(refused);
    await expect(
      t.system.database.db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('guardbell.retention', 'on', true)`);
        await tx.execute(sql`delete from audit_log`);
      }),
    ).rejects.toMatchObject(refused);
  });

  it('eleven years on: the expired incident is anonymised and its bell events deleted, the held one kept, the closed case deleted', async () => {
    const headBefore = (await verifyAuditLog(t.system.database.db)) as { ok: true; head: { seq: number } };
    const later = new Date(Date.now() + 11 * 365 * 86_400_000);
    const report = await runRetention(t.system.database.db, DEFAULT_RETENTION, later);
    expect(report.bellEvents).toMatchObject({ action: 'deleted', rows: 1 });
    expect(report.incidents).toMatchObject({ action: 'anonymised', rows: 1 });
    expect(report.caseFiles).toMatchObject({ action: 'deleted', rows: 1 });

    expect(await count(sql`select count(*) as n from bell_events where incident_id = ${ids.expired}`)).toBe(0);
    expect(await count(sql`select count(*) as n from bell_events where incident_id = ${ids.held}`)).toBe(1);
    expect(await count(sql`select count(*) as n from timeline where incident_id = ${ids.expired} and (actor_id is not null or data <> '{}'::jsonb)`)).toBe(0);
    expect(await count(sql`select count(*) as n from timeline where incident_id = ${ids.held} and actor_id is not null`)).toBeGreaterThan(0);
    // What the statistics need stays: the incident, its kinds and times.
    const [kept] = await query<{ outcome: string | null; status: string }>(sql`select outcome, status from incidents where id = ${ids.expired}`);
    expect(kept).toEqual({ outcome: null, status: 'closed' });
    expect(await count(sql`select count(*) as n from notifications where incident_id = ${ids.expired} and "to" <> ''`)).toBe(0);
    expect(await count(sql`select count(*) as n from cases where id in (${ids.closedCase}, ${ids.openCase})`)).toBe(1);
    expect(await count(sql`select count(*) as n from case_evidence where case_id = ${ids.closedCase}`)).toBe(0);

    const verdict = await verifyAuditLog(t.system.database.db);
    expect(verdict).toMatchObject({ ok: true, head: { seq: headBefore.head.seq + 1 } });
    const [entry] = await query<{ actor_id: string; record_type: string; detail: { report: unknown } }>(sql`select actor_id, record_type, detail from audit_log order by seq desc limit 1`);
    expect(entry).toMatchObject({ actor_id: RETENTION_ACTOR, record_type: 'retention', detail: { report: JSON.parse(JSON.stringify(report)) } });

    // Run again: nothing left to do, and no entry for doing nothing.
    const again = await runRetention(t.system.database.db, DEFAULT_RETENTION, later);
    expect(Object.values(again).map((r) => r.rows)).toEqual([0, 0, 0, 0, 0]);
    expect(await verifyAuditLog(t.system.database.db)).toMatchObject({ ok: true, head: { seq: headBefore.head.seq + 1 } });
  });

  it('reads the policy from RETENTION_*_DAYS and names every bad value', () => {
    expect(retentionPolicyFromEnv({ RETENTION_BELL_EVENTS_DAYS: '90' })).toEqual({ ...DEFAULT_RETENTION, bellEvents: 90 });
    expect(() => retentionPolicyFromEnv({ RETENTION_BELL_EVENTS_DAYS: '7', RETENTION_CASE_FILES_DAYS: 'ever' })).toThrow(RetentionConfigError);
    expect(() => retentionPolicyFromEnv({ RETENTION_BELL_EVENTS_DAYS: '7', RETENTION_CASE_FILES_DAYS: 'ever' })).toThrow(
      /RETENTION_BELL_EVENTS_DAYS="7": must be at least 30 days; RETENTION_CASE_FILES_DAYS="ever"/,
    );
  });
});
