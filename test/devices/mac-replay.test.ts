import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeMac } from '../../firmware-bridge/protocol/index.ts';
import { RETRANSMISSION_HORIZON_MS } from '../../api/domain/bell-sequence.ts';
import { KEY } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';

/** A signed event as the firmware would send it (and as an eavesdropper could record it). */
function signed(bellId: string, seq: number, type: 'press' | 'cancel', at: string): string {
  return JSON.stringify({ seq, type, at, mac: computeMac(KEY, bellId, { seq, type, at }) });
}

describe('MAC replay protection on a keyed bell', () => {
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;

  beforeAll(async () => {
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const count = (query: string) => t.count(query);

  it('an old seq with a valid MAC and an old signed time that was never received is refused as a replay; an exact copy of a stored event is answered and changes nothing', async () => {
    const bell = await t.bell('B-K1');
    // Recorded by an attacker: a validly signed cancel with seq 20, never delivered, played back later than any
    // bell retransmits (its signed time tells).
    const capturedOld = signed('B-K1', 20, 'cancel', new Date(Date.now() - RETRANSMISSION_HORIZON_MS - 60_000).toISOString());
    // The bell's real press, seq 21, is stored.
    const press = signed('B-K1', 21, 'press', new Date().toISOString());
    await bell.publish('event', press);
    await bell.waitForAck({ seq: 21, state: 'received' });
    const incident = bell.acks.find((a) => a.seq === 21)!.incident!;
    expect(incident).toBeDefined();

    const eventsBefore = await count(`select count(*) as n from bell_events where bell_id = 'B-K1'`);
    const timelineBefore = await count(`select count(*) as n from timeline where incident_id = '${incident}'`);

    // The replay: valid MAC, seq below the last seen, never received → refused, a security alert, no answer.
    await bell.publish('event', capturedOld);
    const alert = await stream.waitFor('security.alert', (a) => a.bellId === 'B-K1' && a.reason === 'replay');
    expect(alert.data.siteId).toBe('site-a');
    await sleep(200);
    expect(bell.acks.some((a) => a.seq === 20)).toBe(false);
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-K1' and seq = 20`)).toBe(0);
    const detail = await guard.get(`/api/v1/incidents/${incident}`);
    expect(detail.body.status).toBe('triggered'); // the replayed cancel did not cancel it

    // An exact copy of the stored press: a retransmission by protocol — answered again, nothing changes.
    const answered = bell.acks.filter((a) => a.seq === 21).length;
    await bell.publish('event', press);
    await waitFor(() => bell.acks.filter((a) => a.seq === 21).length > answered, 5_000, 'the copy to be answered');
    expect(bell.acks.filter((a) => a.seq === 21).at(-1)).toMatchObject({ incident, state: 'received' });
    await sleep(200);
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-K1'`)).toBe(eventsBefore);
    expect(await count(`select count(*) as n from timeline where incident_id = '${incident}'`)).toBe(timelineBefore);
    expect(await count(`select count(*) as n from incidents where bell_id = 'B-K1'`)).toBe(1);
    expect(stream.messages.filter((m) => m.type === 'security.alert' && m.data.bellId === 'B-K1' && m.data.reason !== 'replay')).toEqual([]);
  });

  it('an old seq with a valid MAC and a recent signed time that was never received is a late copy: stored once, answered, the last seq kept', async () => {
    // Why it is a real press: the MAC covers `at`, so only the bell could sign an event minutes old, and a bell
    // retransmits each press until it is answered. Never stored, it is one of its own unanswered presses that
    // arrived after a later one (a restart of Guardbell, two gateways): refusing it would lose it for good.
    const bell = await t.bell('B-K1');
    const alertsBefore = stream.messages.filter((m) => m.type === 'security.alert' && m.data.bellId === 'B-K1').length;
    const late = signed('B-K1', 40, 'press', new Date(Date.now() - 8_000).toISOString());
    await bell.publish('event', signed('B-K1', 41, 'press', new Date(Date.now() - 6_000).toISOString()));
    await bell.waitForAck({ seq: 41, state: 'received' });
    await bell.publish('event', late);
    const ack = await bell.waitForAck({ seq: 40, state: 'received' });
    expect(ack.incident).toBe(bell.acks.find((a) => a.seq === 41)!.incident);
    // Its retransmission is answered again and stored nothing more; the next press is next, not a replay.
    await bell.publish('event', late);
    await waitFor(() => bell.acks.filter((a) => a.seq === 40).length > 1, 5_000, 'the copy of the late press to be answered');
    await bell.publish('event', signed('B-K1', 42, 'press', new Date().toISOString()));
    await bell.waitForAck({ seq: 42, state: 'received' });
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-K1' and seq in (40, 41, 42)`)).toBe(3);
    expect(stream.messages.filter((m) => m.type === 'security.alert' && m.data.bellId === 'B-K1').length).toBe(alertsBefore);
  });
});
