import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { connect } from '../support/mqtt.ts';
import { MATRIX, startWatchedSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { metric } from '../support/metrics.ts';

describe.each(MATRIX)('bad input on $db + $broker', ({ db, broker }) => {
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;

  beforeAll(async () => {
    ({ t, guard, stream } = await startWatchedSystem({ db, broker }));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('rejects each kind of broken message with its reason, and the valid press in the same burst still opens its incident', async () => {
    const bell = await t.bell('B-0302');
    // Seq 50 is stored first, so that seq 40 (never received) is a replay.
    await bell.event(50, 'test');
    await bell.waitForAck({ seq: 50, state: 'received' });

    const raw = await connect(t.mqttUrl);
    const root = t.topicRoot;
    const ev = `${root}/bells/B-0302/event`;
    const burst: [string, string | Buffer, string][] = [
      [ev, '{"seq": 51, "type": "press"', 'malformed_json'],
      [ev, Buffer.from([0xff, 0xfe, 0x00, 0x01]), 'malformed_json'],
      [ev, '{"seq": 52, "type": "explode"}', 'unknown_type'],
      [ev, '{"seq": -1, "type": "press"}', 'bad_seq'],
      [ev, '{"seq": 1.5, "type": "press"}', 'bad_seq'],
      [ev, '{"seq": "53", "type": "press"}', 'bad_seq'],
      [ev, '{"seq": 54, "type": "press", "battery": "full"}', 'invalid_field'],
      [ev, '{"seq": 55, "type": "press", "at": "yesterday"}', 'invalid_field'],
      [ev, JSON.stringify({ seq: 56, type: 'press', fw: 'x'.repeat(17 * 1024) }), 'payload_too_large'],
      [`${root}/bells/B-9999/event`, '{"seq": 1, "type": "press"}', 'unknown_bell'],
      [`${root}/bells/B-0302/event/extra`, '{"seq": 57, "type": "press"}', 'wrong_topic'],
      [`${root}/bells/B-0302/alarm`, '{"seq": 58, "type": "press"}', 'wrong_topic'],
      [`${root}/bells/B 0302/event`, '{"seq": 59, "type": "press"}', 'bad_bell_id'],
      [`${root}/bells/B-0302/heartbeat`, '{"battery": 300}', 'invalid_field'],
      [`${root}/bells/B-0302/status`, '{"online": "yes"}', 'invalid_field'],
      [ev, '{"seq": 40, "type": "press"}', 'replay'],
    ];
    const reasons = [...new Set(burst.map(([, , r]) => r))];
    const before = Object.fromEntries(await Promise.all(reasons.map(async (r) => [r, await metric(t.url, 'guardbell_bell_messages_rejected_total', { reason: r })] as const)));
    const valid = '{"seq": 60, "type": "press"}';
    // The valid press sits in the middle of the garbage.
    const half = Math.floor(burst.length / 2);
    for (const [topic, payload] of burst.slice(0, half)) await raw.publishAsync(topic, payload, { qos: 1 });
    await raw.publishAsync(ev, valid, { qos: 1 });
    for (const [topic, payload] of burst.slice(half)) await raw.publishAsync(topic, payload, { qos: 1 });

    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302');
    await bell.waitForAck({ seq: 60, state: 'received', incident: created.data.id });
    for (const reason of reasons) {
      const expected = burst.filter(([, , r]) => r === reason).length;
      await waitFor(
        async () => (await metric(t.url, 'guardbell_bell_messages_rejected_total', { reason })) - before[reason]! === expected,
        5_000,
        `${expected} rejection(s) counted as ${reason}`,
      );
    }
    // Nothing of the garbage made an incident, an event row or an ack.
    expect(await t.count('select count(*) as n from bell_events')).toBe(2);
    const incidents = await guard.get('/api/v1/incidents?status=all');
    expect(incidents.body.items).toHaveLength(1);
    expect(bell.acks.map((a) => a.seq).sort()).toEqual([50, 60]);
    // A replay is shown to guards as a security alert, never as an emergency.
    await stream.waitFor('security.alert', (a) => a.bellId === 'B-0302' && a.reason === 'replay');
    await raw.endAsync();
  });
});
