import { afterAll, describe, expect, it } from 'vitest';
import { RETRANSMISSION_HORIZON_MS } from '../../api/domain/bell-sequence.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { sleep } from '../support/wait.ts';

describe('a restarted process resumes where it was', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c();
  });

  it('keeps open incidents, answers old retransmissions from the database, and refuses replays', async () => {
    const database = await createTestDatabase();
    cleanup.push(() => database.drop());
    const topicRoot = `gbtest-restart-${Date.now()}/v1`;
    let t: TestSystem = await startTestSystem({ db: 'postgres', broker: 'aedes', databaseUrl: database.url, topicRoot });
    let bell = await t.bell('B-0301');
    await bell.event(7, 'press');
    const first = await bell.waitForAck({ seq: 7, state: 'received' });
    await t.stop();

    t = await startTestSystem({ db: 'postgres', broker: 'aedes', databaseUrl: database.url, topicRoot });
    cleanup.push(() => t.stop());
    bell = await t.bell('B-0301');
    // The bell missed the ack and retransmits after the restart: answered, nothing new.
    await bell.event(7, 'press');
    const again = await bell.waitForAck({ seq: 7, state: 'received' });
    expect(again.incident).toBe(first.incident);
    // A re-press joins the incident that was open before the restart.
    await bell.event(8, 'press');
    expect((await bell.waitForAck({ seq: 8 })).incident).toBe(first.incident);
    // An old seq that was never received, from longer ago than a bell retransmits, is a replay: no answer, no
    // incident. (A recent one would be a late copy of an unanswered press: stored, api/domain/bell-sequence.ts.)
    await bell.event(3, 'press', { at: new Date(Date.now() - RETRANSMISSION_HORIZON_MS - 60_000).toISOString() });
    await sleep(300);
    expect(bell.acks.some((a) => a.seq === 3)).toBe(false);
    const guard = await t.login('guard');
    const list = await guard.get('/api/v1/incidents?status=all');
    expect(list.body.items).toHaveLength(1);
    const detail = await guard.get(`/api/v1/incidents/${first.incident}`);
    expect(detail.body.timeline.map((e: { kind: string }) => e.kind).filter((k: string) => k !== 'escalation_step')).toEqual(['press', 're_press']);
  });
});
