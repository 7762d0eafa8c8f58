import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio } from '../support/fake-twilio.ts';
import { metric } from '../support/metrics.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { twilioEnv } from '../escalation/support.ts';
import type { ApiClient } from '../support/http.ts';

const ADMIN_PHONE = '+821000000051'; // admin-1: an admin of every site, English

describe.each([
  { db: 'pglite', broker: 'aedes' },
  { db: 'postgres', broker: 'mosquitto' },
] as const)('maintenance alerts to the site admins ($db)', (matrix) => {
  let t: TestSystem;
  let fake: FakeTwilio;
  let guard: ApiClient;
  beforeAll(async () => {
    fake = await new FakeTwilio().start();
    t = await startTestSystem({ ...matrix, env: { ...twilioEnv(fake), MAINTENANCE_DIGEST_SECONDS: '0.3' } });
    guard = await t.login('guard');
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });
  // Site A's messages to the admin (the sweep below also takes site B's bell offline: its own message).
  const toAdmin = () => fake.requests.filter((r) => r.kind === 'sms' && r.to === ADMIN_PHONE && r.body?.includes('Nowon-gu Office'));
  /** Whether the latest message to the admin naming the bell told it offline (not cleared). */
  const textedOffline = (bellId: string) => {
    const line = toAdmin().flatMap((r) => r.body!.split('\n')).filter((l) => l.startsWith(`${bellId} (`)).at(-1);
    return line !== undefined && /: (.*, )?offline(,|$)/.test(line);
  };

  it('a bell going offline and coming back is texted to the admins once each way, in one message per batch, and to nobody else', async () => {
    const a = await t.bell('B-0301');
    const b = await t.bell('B-0302');
    await a.publish('heartbeat', '{}', { qos: 0 });
    await b.publish('heartbeat', '{}', { qos: 0 });
    await waitFor(async () => (await guard.get('/api/v1/bells')).body.items.filter((x: { id: string; online: boolean }) => ['B-0301', 'B-0302'].includes(x.id) && x.online).length === 2, 5_000, 'both bells heard');
    // The keyed bell, never heard, is offline from the first sweep after start: settled (and texted) before counting.
    await t.system.supervisor.sweep();
    await waitFor(() => toAdmin().some((r) => r.body?.includes('B-K1')), 5_000, "the never-heard bell's offline");
    // The two bells, never heard either until their heartbeats above, may have been texted offline by that first
    // sweep: their recovery is texted next. Counted only once that is out, or it would be taken for what follows.
    await waitFor(() => !textedOffline('B-0301') && !textedOffline('B-0302'), 5_000, 'the earlier recovery SMS, if any');
    const before = toAdmin().length;
    // Three missed heartbeats of both bells at once: one message naming both.
    await t.system.supervisor.sweep(new Date(Date.now() + 3 * 60_000 + 1_000));
    await waitFor(() => toAdmin().length === before + 1, 5_000, 'the maintenance SMS');
    const offline = toAdmin().at(-1)!.body!;
    expect(offline).toMatch(/^\[Guardbell maintenance\] Nowon-gu Office bell status changed \(not an emergency\):/);
    expect(offline).toMatch(/^B-0301 \(Passport counter 3\): offline$/m);
    expect(offline).toMatch(/^B-0302 \(Welfare counter 1\): offline$/m);
    await waitFor(() => fake.requests.some((r) => r.to === ADMIN_PHONE && r.body?.includes('Other Office') && r.body.includes('B-0901 (Civil counter 1): offline')), 5_000, "site B's own message");
    // The same state seen again (another sweep, another process) is not texted again.
    await t.system.supervisor.sweep(new Date(Date.now() + 3 * 60_000 + 2_000));
    await new Promise((r) => setTimeout(r, 600));
    expect(toAdmin().slice(before).map((r) => r.body)).toEqual([offline]);

    await a.publish('heartbeat', '{}', { qos: 0 });
    await waitFor(() => toAdmin().length === before + 2, 5_000, 'the recovery SMS');
    expect(toAdmin().at(-1)!.body).toContain('B-0301 (Passport counter 3): offline cleared');
    // Never an emergency: no incident, no guard or police texted.
    expect((await guard.get('/api/v1/incidents?status=all')).body.items).toEqual([]);
    expect(fake.requests.filter((r) => r.to !== ADMIN_PHONE)).toEqual([]);
    expect(await metric(t.url, 'guardbell_maintenance_alerts_total', { result: 'sent' })).toBeGreaterThanOrEqual(2);
  });
});
