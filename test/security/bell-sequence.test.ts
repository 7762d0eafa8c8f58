import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeMac } from '../../firmware-bridge/protocol/index.ts';
import { VirtualBell } from '../../firmware-bridge/virtual-bell/index.ts';
import { IncidentStore } from '../../api/store/index.ts';
import { RETRANSMISSION_HORIZON_MS } from '../../api/domain/bell-sequence.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import type { TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { BELL_PASSWORDS, CredentialBell, KEY, startSecureSystem } from './secure-system.ts';

/** No message from anyone but the bell moves its sequence, and a bell that starts counting again is heard at once. */
describe('bell sequence', () => {
  let t: TestSystem;
  let guard: ApiClient;
  let admin: ApiClient;
  let stream: StreamClient;
  const bells: CredentialBell[] = [];

  beforeAll(async () => {
    t = await startSecureSystem();
    guard = await t.login('guard');
    admin = await t.login('admin1');
    stream = await guard.stream();
  }, 180_000);
  afterAll(async () => {
    stream?.close();
    for (const b of bells) await b.close().catch(() => undefined);
    await t?.close();
  });

  const bell = async (id: string) => {
    const b = await CredentialBell.connect(t, id);
    bells.push(b);
    return b;
  };
  const count = (query: string) => t.count(query);

  it('a seq of 4294967295 does not silence the bell: its next press (seq 5) opens an incident and is acked', async () => {
    const b = await bell('B-0301');
    await b.event(4294967295, 'test');
    await b.waitForAck({ seq: 4294967295, state: 'received' });
    await b.event(5, 'press');
    const ack = await b.waitForAck({ seq: 5, state: 'received' });
    expect(ack.incident).toBeDefined();
    // Its retransmission is answered with the same incident, and stored once.
    await b.event(5, 'press');
    await sleep(300);
    expect(b.acks.filter((a) => a.seq === 5).every((a) => a.incident === ack.incident)).toBe(true);
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-0301' and seq = 5`)).toBe(1);
  });

  it('a bell whose counter was reset (repaired, replaced) is heard at once, even on seqs it used before', async () => {
    const b = await bell('B-0302');
    for (const seq of [1, 2, 3]) {
      await b.event(seq, 'test');
      await b.waitForAck({ seq, state: 'received' });
    }
    const before = b.acks.length;
    await b.event(1, 'press');
    const ack = await waitFor(() => b.acks.slice(before).find((a) => a.seq === 1 && a.state === 'received' && a.incident), 5_000, 'the press after the reset counter');
    expect(ack.incident).toBeDefined();
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-0302' and seq = 1`)).toBe(2);
  });

  it('a keyed bell: a higher boot (covered by the MAC) starts again; a recording of the old boot, or a boot added to it, is refused', async () => {
    const b = await bell('B-K1');
    const at = new Date().toISOString();
    const recorded = JSON.stringify({ seq: 30, type: 'press', at, mac: computeMac(KEY, 'B-K1', { seq: 30, type: 'press', at }) });
    await b.event(31, 'test', { keyHex: KEY });
    await b.waitForAck({ seq: 31, state: 'received' });
    // Re-flashed: it counts from 1 again, on boot 1.
    await b.event(1, 'press', { keyHex: KEY, boot: 1 });
    const ack = await b.waitForAck({ seq: 1, state: 'received' });
    expect(ack.incident).toBeDefined();
    // A recording from boot 0 (seq 30, never received) is a replay; so is the same with a boot glued on.
    await b.publishRaw(recorded);
    await stream.waitFor('security.alert', (a) => a.bellId === 'B-K1' && a.reason === 'replay');
    await b.publishRaw(JSON.stringify({ ...JSON.parse(recorded), boot: 2 }));
    await stream.waitFor('security.alert', (a) => a.bellId === 'B-K1' && a.reason === 'bad_mac');
    await sleep(200);
    expect(b.acks.some((a) => a.seq === 30)).toBe(false);
  });

  it('one security alert per burst of replays, however often the copy is retransmitted', async () => {
    const b = await bell('B-K1');
    // Played back later than a bell retransmits (a recent one would be the bell's own late copy, and stored).
    const at = new Date(Date.now() - RETRANSMISSION_HORIZON_MS - 1_000).toISOString();
    const recorded = JSON.stringify({ seq: 0, type: 'cancel', at, boot: 1, mac: computeMac(KEY, 'B-K1', { seq: 0, type: 'cancel', at, boot: 1 }) });
    const alertsBefore = stream.messages.filter((m) => m.type === 'security.alert' && m.data.bellId === 'B-K1' && m.data.reason === 'replay').length;
    for (let i = 0; i < 6; i++) await b.publishRaw(recorded);
    await sleep(500);
    const alerts = stream.messages.filter((m) => m.type === 'security.alert' && m.data.bellId === 'B-K1' && m.data.reason === 'replay').length - alertsBefore;
    // The previous test's replay began this bell's burst less than a minute ago: these six ring nothing new.
    expect(alerts).toBeLessThanOrEqual(1);
    expect(alerts).toBe(0);
  });

  it('"reset sequence": an administrator makes a keyed bell that restarted without a boot heard again, and it is audited', async () => {
    const b = await bell('B-K1');
    await b.event(5, 'test', { keyHex: KEY, boot: 1 });
    await b.waitForAck({ seq: 5, state: 'received' });
    // Replaced by a bell that knows nothing of boots: seq 1, boot 0 → refused as a replay.
    await b.event(2, 'test', { keyHex: KEY });
    await sleep(300);
    expect(b.acks.some((a) => a.seq === 2)).toBe(false);
    const staff = await t.login('staff');
    expect((await staff.post('/api/v1/admin/bells/B-K1/reset-sequence', {})).status).toBe(403);
    const reset = await admin.post('/api/v1/admin/bells/B-K1/reset-sequence', {});
    expect(reset.status).toBe(200);
    expect(reset.body).toMatchObject({ bellId: 'B-K1' });
    await b.event(2, 'press', { keyHex: KEY });
    const ack = await b.waitForAck({ seq: 2, state: 'received' });
    expect(ack.incident).toBeDefined();
    expect(await count(`select count(*) as n from audit_log where record_type = 'bell' and record_id = 'B-K1' and detail->>'change' = 'sequence_reset'`)).toBe(1);
  });

  it('the virtual bell sends its boot counter under its MAC: re-flashed (its seq back to 1), its next press is heard at once', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'gb-sec-boot-'));
    const run = async (type: 'test' | 'press') => {
      const vb = new VirtualBell({
        bellId: 'B-K1', keyHex: KEY, mqttUrl: t.mqttUrl, topicRoot: t.topicRoot, stateDir,
        username: 'B-K1', password: BELL_PASSWORDS['B-K1'], receivedTimeoutMs: 5_000,
      });
      await vb.start();
      try {
        return { boot: vb.boot, ack: await vb.send(type) };
      } finally {
        await vb.stop({ announceOffline: false });
      }
    };
    try {
      const first = await run('test');
      writeFileSync(join(stateDir, 'B-K1.json'), JSON.stringify({ bellId: 'B-K1', next: 1, boot: first.boot }));
      const second = await run('press');
      expect(second.boot).toBe(first.boot! + 1);
      expect(second.ack.seq).toBe(1);
      expect(await count(`select count(*) as n from bell_events where bell_id = 'B-K1' and seq = 1 and boot = ${second.boot}`)).toBe(1);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('the new runs are what a restart reads back', async () => {
    const states = await new IncidentStore(t.system.database.db).sequenceStates();
    expect(states.get('B-0301')).toMatchObject({ epoch: 1, last: { seq: 5 } });
    expect(states.get('B-K1')!.epoch).toBeGreaterThanOrEqual(2);
  });
});
