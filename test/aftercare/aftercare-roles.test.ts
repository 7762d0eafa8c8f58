/** Who may read and write aftercare records (need-to-know), on a real system, on both databases. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { START_TIMEOUT_MS, expectError } from '../api/api-expect.ts';
import { auditTrail } from '../../api/audit/audit-log.ts';
import type { ApiClient } from '../support/http.ts';
import type { TestSystem } from '../support/system.ts';
import { incidentWithSeparation, SITE_A_ALLOWANCE, startAftercareSystem, type Who } from './fixture.ts';

describe.each(['pglite', 'postgres'] as const)('aftercare records: the role matrix (%s)', (db) => {
  let t: TestSystem;
  let as: Record<Who, ApiClient>;
  let incidentId: string;
  let recordId: string;

  beforeAll(async () => {
    ({ t, as } = await startAftercareSystem(db));
    incidentId = await incidentWithSeparation(as, [{ personId: 'staff-a' }, { name: 'a visitor' }]);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  it('the separation is on the timeline: victims, where to, by whom, timed after the press', async () => {
    const detail = (await as.guard.get(`/api/v1/incidents/${incidentId}`)).body;
    const sep = detail.timeline.find((e: { kind: string }) => e.kind === 'victim_separated');
    expect(sep.data).toEqual({
      victims: [{ personId: 'staff-a', name: 'Lee Staff' }, { personId: null, name: 'a visitor' }],
      victimIds: ['staff-a'], separatedTo: 'Counselling room 2F', separatedBy: 'guard-a', separatedByName: 'Kim Guard',
    });
    expect(Date.parse(sep.at)).toBeGreaterThanOrEqual(Date.parse(detail.openedAt));
    // The old contract still works, and a guard cannot name a guard or another site's staff as the victim.
    expect((await as.guard.post(`/api/v1/incidents/${incidentId}/events`, { type: 'victim_separated' })).status).toBe(200);
    expectError(await as.guard.post(`/api/v1/incidents/${incidentId}/events`, { type: 'victim_separated', victims: [{ personId: 'guard-a' }] }), 422, 'invalid_separation');
    expectError(await as.guard.post(`/api/v1/incidents/${incidentId}/events`, { type: 'police_called', victims: [{ personId: 'staff-a' }] }), 400, 'invalid_request');
  });

  it('opening a record: counsellors and the site manager; nobody else; once per victim and incident', async () => {
    for (const who of ['staff', 'staff2', 'guard', 'legal', 'admin1', 'auditor', 'managerb'] as Who[]) {
      const r = await as[who].post('/api/v1/aftercare', { incidentId, personId: 'staff-a' });
      expect([403, 404], `${who}: ${r.status}`).toContain(r.status);
    }
    const waiting = (await as.counsellor.get('/api/v1/aftercare/victims')).body.items;
    expect(waiting).toEqual([expect.objectContaining({ incidentId, personId: 'staff-a', personName: 'Lee Staff' })]);
    const created = await as.counsellor.post('/api/v1/aftercare', { incidentId, personId: 'staff-a' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    recordId = created.body.id;
    expectError(await as.manager.post('/api/v1/aftercare', { incidentId, personId: 'staff-a' }), 409, 'aftercare_exists');
    expectError(await as.manager.post('/api/v1/aftercare', { incidentId, personId: 'guard-a' }), 422, 'not_staff');
    expect((await as.counsellor.get('/api/v1/aftercare/victims')).body.items).toEqual([]);
  });

  it('writing care: counsellors only; a statement: the staff member only', async () => {
    const session = { kind: 'session', summary: 'first session', note: 'CONFIDENTIAL-NOTE sleeps badly' };
    for (const who of ['staff', 'staff2', 'guard', 'manager', 'managerb', 'legal', 'admin1', 'auditor'] as Who[]) {
      expect([403, 404], who).toContain((await as[who].post(`/api/v1/aftercare/${recordId}/entries`, session)).status);
      expect([403, 404], who).toContain((await as[who].request('PATCH', `/api/v1/aftercare/${recordId}`, { status: 'closed' })).status);
      expect([403, 404], who).toContain((await as[who].post(`/api/v1/aftercare/${recordId}/claims`, { kind: 'medical', amountKrw: 1000, approve: true })).status);
    }
    expect((await as.counsellor.post(`/api/v1/aftercare/${recordId}/entries`, session)).status).toBe(201);
    expect((await as.counsellor.request('PATCH', `/api/v1/aftercare/${recordId}`, { status: 'in_care', recoveryLeaveDays: 5, transfer: { to: 'Civil affairs' } })).status).toBe(200);
    for (const who of ['staff2', 'counsellor', 'manager', 'admin1'] as Who[]) {
      expect([403, 404], who).toContain((await as[who].post(`/api/v1/aftercare/${recordId}/statements`, { text: 'not mine' })).status);
    }
    expect((await as.staff.post(`/api/v1/aftercare/${recordId}/statements`, { text: 'He threw the form at me.' })).status).toBe(201);
    expectError(await as.staff.post(`/api/v1/aftercare/${recordId}/statements`, { text: '  ' }), 400, 'invalid_request');
  });

  it('reading: counsellor whole; staff member own without notes; managers of the site and auditors status only; others nothing', async () => {
    const full = (await as.counsellor.get(`/api/v1/aftercare/${recordId}`)).body;
    expect(full.view).toBe('full');
    expect(full.entries.find((e: { kind: string }) => e.kind === 'session').note).toContain('CONFIDENTIAL-NOTE');
    expect(full).toMatchObject({ status: 'in_care', recoveryLeaveDays: 5, transfer: { to: 'Civil affairs', outcome: 'pending' } });

    const own = await as.staff.get(`/api/v1/aftercare/${recordId}`);
    expect(own.status).toBe(200);
    expect(own.body.view).toBe('self');
    expect(JSON.stringify(own.body)).not.toContain('CONFIDENTIAL-NOTE');
    expect(own.body.entries.map((e: { kind: string }) => e.kind)).toEqual(['session', 'change', 'statement']);
    expect(own.body.allowance.allowanceKrw).toBe(SITE_A_ALLOWANCE);

    for (const who of ['manager', 'auditor'] as Who[]) {
      const r = await as[who].get(`/api/v1/aftercare/${recordId}`);
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(who === 'manager'
        ? ['id', 'incidentId', 'personId', 'personName', 'repeatTargeting', 'siteId', 'status', 'updatedAt', 'view']
        : ['id', 'incidentId', 'personId', 'personName', 'siteId', 'status', 'updatedAt', 'view']);
      expect(r.body).toMatchObject({ view: 'status', status: 'in_care' });
    }
    for (const who of ['staff2', 'guard', 'guardb', 'managerb', 'legal', 'admin1'] as Who[]) {
      expectError(await as[who].get(`/api/v1/aftercare/${recordId}`), 404, 'not_found');
      expect((await as[who].get('/api/v1/aftercare')).body.items, who).toEqual([]);
    }
    expect((await as.staff.get('/api/v1/aftercare')).body.items).toHaveLength(1);
    const mine = (await as.staff.get('/api/v1/aftercare/my-incidents')).body.items;
    expect(mine).toEqual([expect.objectContaining({ incidentId, separatedTo: 'Counselling room 2F', aftercareId: recordId })]);
    expect((await as.staff2.get('/api/v1/aftercare/my-incidents')).body.items).toEqual([]);
  });

  it('every read and write of the record is in the audit log, without the note\'s words', async () => {
    const trail = await auditTrail(t.system.database.db, 'aftercare_record', recordId);
    const seen = trail.map((r) => `${r.actorId}:${r.action}`);
    for (const expected of ['counsellor-1:create', 'counsellor-1:update', 'staff-a:create', 'counsellor-1:read', 'staff-a:read', 'manager-a:read', 'auditor-1:read']) {
      expect(seen, expected).toContain(expected);
    }
    // Refused reads reveal nothing and are not reads of the record.
    expect(seen.filter((s) => s.startsWith('admin-1:'))).toEqual([]);
    expect(JSON.stringify(trail)).not.toContain('CONFIDENTIAL-NOTE');
    expect(trail.find((r) => r.detail.kind === 'session')?.detail).toMatchObject({ withNote: true });
  });

  it('claims: the site allowance per calendar year, an over-allowance approval only with a stated exception', async () => {
    const claim = (body: Record<string, unknown>) => as.counsellor.post(`/api/v1/aftercare/${recordId}/claims`, { kind: 'treatment', approve: true, ...body });
    expect((await claim({ claimDate: '2025-12-31', amountKrw: 250_000 })).status).toBe(201);
    expect((await claim({ claimDate: '2026-01-01', amountKrw: 250_000 })).status).toBe(201);
    const over = expectError(await claim({ claimDate: '2025-12-31', amountKrw: 100_000 }), 422, 'exception_required');
    expect(over.details).toEqual({ remainingKrw: 50_000, overByKrw: 50_000, year: 2025 });
    expect((await claim({ claimDate: '2026-01-01', amountKrw: 50_000 })).status).toBe(201);
    const excepted = await claim({ claimDate: '2025-12-31', amountKrw: 100_000, exceptionReason: 'surgery after the assault' });
    expect(excepted.status).toBe(201);
    expect(excepted.body).toMatchObject({ status: 'approved', exceptionReason: 'surgery after the assault', year: 2025 });
    // A pending claim is decided later, against the allowance as it is then.
    const pending = await claim({ claimDate: '2026-01-02', amountKrw: 10_000, approve: false });
    expect(pending.body.status).toBe('pending');
    expectError(await as.counsellor.post(`/api/v1/aftercare/${recordId}/claims/${pending.body.id}/decision`, { decision: 'approved' }), 422, 'exception_required');
    expect((await as.counsellor.post(`/api/v1/aftercare/${recordId}/claims/${pending.body.id}/decision`, { decision: 'rejected' })).body.status).toBe('rejected');
    expectError(await as.counsellor.post(`/api/v1/aftercare/${recordId}/claims/${pending.body.id}/decision`, { decision: 'approved' }), 409, 'claim_decided');
    expectError(await claim({ claimDate: '2026-02-30', amountKrw: 1 }), 400, 'invalid_request');
    expectError(await claim({ claimDate: '2026-01-03', amountKrw: -5 }), 400, 'invalid_request');
    // The staff member sees their claims, the manager does not.
    expect((await as.staff.get(`/api/v1/aftercare/${recordId}`)).body.claims).toHaveLength(5);
    expect((await as.manager.get(`/api/v1/aftercare/${recordId}`)).body.claims).toBeUndefined();
  });

  it('warns when one member of staff is a victim again and again (third in twelve months)', async () => {
    const second = await incidentWithSeparation(as, [{ personId: 'staff-a' }]);
    const third = await incidentWithSeparation(as, [{ personId: 'staff-a' }]);
    const r = await as.counsellor.post('/api/v1/aftercare', { incidentId: third, personId: 'staff-a' });
    expect(r.status).toBe(201);
    const seen = (await as.manager.get(`/api/v1/aftercare/${r.body.id}`)).body;
    expect(seen.repeatTargeting).toMatchObject({ personId: 'staff-a', count: 3 });
    expect(seen.repeatTargeting.incidentIds).toEqual([incidentId, second, third]);
    expect((await as.counsellor.get('/api/v1/aftercare/repeat-targets')).body.items).toEqual([expect.objectContaining({ personId: 'staff-a', count: 3 })]);
    expect((await as.managerb.get('/api/v1/aftercare/repeat-targets')).body.items).toEqual([]);
    expect((await as.staff.get(`/api/v1/aftercare/${r.body.id}`)).body.repeatTargeting).toBeUndefined();
  });
});
