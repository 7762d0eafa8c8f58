import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { AlarmBus } from '../../api/bus/bus.ts';
import { MqttRingLane, ringLaneKey, signRing } from '../../api/bus/ring-lane.ts';
import { clusterTopic } from '../../firmware-bridge/protocol/index.ts';
import { connect, MOSQUITTO_URL } from '../support/mqtt.ts';
import { sleep, waitFor } from '../support/wait.ts';

const logger = pino({ level: 'silent' });
const PASSWORD = 'the gateway password';

/**
 * The ring lane on the machine's Mosquitto: two processes' buses (no database), and a client that is not Guardbell
 * writing onto the lane's topic.
 */
describe('the ring lane (real Mosquitto)', () => {
  const root = `gbring${process.pid}/v1`;
  const stops: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  async function member(origin: string, password = PASSWORD) {
    const refused: string[] = [];
    const counters = { malformed: (r: string) => void refused.push(r), unknown: () => undefined };
    const ringLane = new MqttRingLane({ url: MOSQUITTO_URL, topicRoot: root, username: 'guardbell-gateway', password, logger, counters });
    const bus = new AlarmBus({ logger, origin, ringLane, counters });
    await bus.start();
    stops.push(() => bus.stop());
    await waitFor(() => bus.ringLaneState === 'ok' || undefined, 5_000, `${origin}'s lane to connect`);
    const heard: string[] = [];
    bus.on('incident.opened', (e, meta) => void heard.push(`${e.incident.id}${meta.local ? ' (local)' : ''}`));
    return { bus, heard, refused };
  }

  const ring = (id: string) => ({ incident: { id, siteId: 's', status: 'open', mode: 'real', stored: false, revision: 1 }, raisedBy: null }) as never;

  it('a ring from memory reaches the other process through the broker alone; the sender hears it once, locally', async () => {
    const a = await member('a');
    const b = await member('b');
    await sleep(200); // both subscriptions in place
    a.bus.emit('incident.opened', ring('i1'), { scope: 'cluster', ring: true });
    await waitFor(() => b.heard.includes('i1') || undefined, 5_000, 'b to hear the ring');
    await sleep(200);
    expect(a.heard).toEqual(['i1 (local)']);
    expect(b.heard).toEqual(['i1']);
  });

  it('a message not signed with the gateway\'s key is counted and dropped, and the good rings around it still arrive', async () => {
    const a = await member('a');
    const b = await member('b');
    const stranger = await member('stranger', 'not the gateway password');
    const raw: MqttClient = await connect(MOSQUITTO_URL);
    stops.push(() => raw.endAsync());
    await sleep(200);
    const topic = clusterTopic(root, 'ring');
    a.bus.emit('incident.opened', ring('before'), { scope: 'cluster', ring: true });
    await raw.publishAsync(topic, JSON.stringify({ t: 'incident.opened', v: 1, o: 'x', at: Date.now(), d: ring('unsigned') }));
    await raw.publishAsync(topic, signRing(ringLaneKey('a guess'), JSON.stringify({ t: 'incident.opened', v: 1, o: 'x', at: Date.now(), d: ring('guessed') })));
    stranger.bus.emit('incident.opened', ring('stranger'), { scope: 'cluster', ring: true });
    a.bus.emit('incident.opened', ring('after'), { scope: 'cluster', ring: true });
    await waitFor(() => b.heard.includes('after') || undefined, 5_000, 'b to hear the ring after the bad ones');
    await sleep(200);
    expect(b.heard).toEqual(['before', 'after']);
    expect(b.refused).toEqual(['ring_signature', 'ring_signature', 'ring_signature']);
  });
});
