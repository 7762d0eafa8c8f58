/** A cancel is not an all-clear: the cancelled alarms a guard still has to check in person, over the API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MATRIX, startTestSystem, type TestSystem } from '../support/system.ts';

describe.each(MATRIX)('cancel checks on $db', (kind) => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem(kind);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists a live alarm cancelled by a manager until a guard records the check; site B\'s guard neither sees nor records it', async () => {
    const [staff, manager, guard, guardB] = await Promise.all(['staff', 'manager', 'guard', 'guardb'].map((u) => t.login(u)));
    const raised = await staff!.post('/api/v1/incidents', { counterId: 'passport-3' });
    expect(raised.status, JSON.stringify(raised.body)).toBe(201);
    const id = raised.body.id as string;
    expect((await guard!.get('/api/v1/cancel-checks')).body.items).toEqual([]);

    expect((await manager!.post(`/api/v1/incidents/${id}/cancel`, { reason: 'staff said it was a mistake' })).status).toBe(200);
    const listed = await guard!.get('/api/v1/cancel-checks');
    expect(listed.body.items.map((i: { id: string; cancelledBy: string }) => [i.id, i.cancelledBy])).toEqual([[id, 'manager']]);
    expect((await guardB!.get('/api/v1/cancel-checks')).body.items).toEqual([]);
    // Site B's guard may not record it; site A's guard may.
    expect((await guardB!.post(`/api/v1/incidents/${id}/cancel-check`, {})).status).toBe(404);
    const checked = await guard!.post(`/api/v1/incidents/${id}/cancel-check`, { note: 'spoke to her at the counter' });
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect((await guard!.get('/api/v1/cancel-checks')).body.items).toEqual([]);
  });
});
