import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { ProvisioningDocument } from '../../api/provisioning/index.ts';
import { bellTopic, type Ack } from '../../firmware-bridge/protocol/index.ts';
import { ChildSystem } from '../support/child-system.ts';
import { connect } from '../support/mqtt.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { OwnMosquitto } from '../devices/own-mosquitto.ts';

const BELLS = 100;
const PRESSES_PER_BELL = 2;
const CLIENTS = 10;
const RETRANSMIT_MS = 500;

const bellIds = Array.from({ length: BELLS }, (_, i) => `G-${String(i).padStart(3, '0')}`);

function gatewaySite(): ProvisioningDocument {
  return {
    sites: [{
      id: 'site-g', name: 'Gateway Office', address: '1 Gateway-ro, Seoul', timezone: 'Asia/Seoul',
      counters: [{ id: 'g-1', name: 'Counter 1', floor: '1F' }],
      bells: bellIds.map((id) => ({ id, counterId: 'g-1', adapter: 'native' as const })),
    }],
    people: [],
  };
}

describe('two gateways share the bell topics (MQTT shared subscriptions on Mosquitto)', () => {
  let mosquitto: OwnMosquitto;
  let t: TestSystem;
  let child: (ChildSystem & { url: string }) | undefined;
  let dataDir: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    mosquitto = await OwnMosquitto.start({ allowAnonymous: true });
    t = await startTestSystem({ db: 'postgres', broker: 'mosquitto', env: { MQTT_URL: mosquitto.url, MQTT_SHARED_GROUP: 'gw' } });
    await t.provision(gatewaySite());
    dataDir = mkdtempSync(join(tmpdir(), 'gb-child-'));
    child = await ChildSystem.start({
      DATABASE_URL: t.databaseUrl!, MQTT_URL: mosquitto.url, MQTT_SHARED_GROUP: 'gw', GUARDBELL_TOPIC_ROOT: t.topicRoot, DATA_DIR: dataDir,
    });
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await child?.stop();
    await t?.close();
    await mosquitto?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const count = (query: string) => t.count(query);
  const parentReceived = async () => {
    const text = await t.system.registry.metrics();
    return [...text.matchAll(/^guardbell_bell_messages_received_total\{[^}]*kind="event"[^}]*\} (\d+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
  };

  it('each press is handled once; killing one gateway mid-burst loses nothing', async () => {
    // Firmware-like bells: each press is retransmitted every 500 ms until `received`; a bell's next press
    // waits for the previous one (seq strictly increasing, one in flight per bell).
    const received = new Map<string, Ack>(); // `${bell}|${seq}` → ack
    let published = 0;
    for (let c = 0; c < CLIENTS; c++) {
      const client = await connect(mosquitto.url, { clientId: `gb-bells-${c}-${process.pid}` });
      clients.push(client);
      const mine = bellIds.filter((_, i) => i % CLIENTS === c);
      client.on('message', (topic, payload) => {
        const bellId = topic.split('/').at(-2)!;
        const ack = JSON.parse(payload.toString()) as Ack;
        if (ack.state === 'received') received.set(`${bellId}|${ack.seq}`, ack);
      });
      await client.subscribeAsync(mine.map((b) => bellTopic(t.topicRoot, b, 'ack')), { qos: 1 });
    }
    const pressBell = async (bellId: string, client: MqttClient) => {
      for (let seq = 1; seq <= PRESSES_PER_BELL; seq++) {
        const body = JSON.stringify({ seq, type: 'press', at: new Date().toISOString() });
        const deadline = Date.now() + 60_000;
        while (!received.has(`${bellId}|${seq}`)) {
          if (Date.now() > deadline) throw new Error(`${bellId} seq ${seq} never received`);
          published++;
          client.publish(bellTopic(t.topicRoot, bellId, 'event'), body, { qos: 1 });
          await waitFor(() => received.has(`${bellId}|${seq}`) || undefined, RETRANSMIT_MS, 'ack').catch(() => undefined);
        }
      }
    };
    const burst = Promise.all(bellIds.map((b, i) => pressBell(b, clients[i % CLIENTS]!)));

    // Kill the second gateway mid-burst, as a crash would.
    await waitFor(() => received.size >= (BELLS * PRESSES_PER_BELL) / 4 || undefined, 30_000, 'a quarter of the burst');
    const atKill = received.size;
    child!.child.kill('SIGKILL');
    await burst;

    expect(atKill).toBeLessThan(BELLS * PRESSES_PER_BELL);
    expect(received.size).toBe(BELLS * PRESSES_PER_BELL);
    const bellList = bellIds.map((b) => `'${b}'`).join(',');
    expect(await count(`select count(*) as n from bell_events where bell_id in (${bellList})`)).toBe(BELLS * PRESSES_PER_BELL);
    expect(await count(`select count(*) as n from (select bell_id, seq from bell_events where bell_id in (${bellList}) group by bell_id, seq having count(*) > 1) d`)).toBe(0);
    expect(await count(`select count(*) as n from incidents where bell_id in (${bellList})`)).toBe(BELLS);
    expect(await count(`select count(distinct bell_id) as n from incidents where bell_id in (${bellList})`)).toBe(BELLS);
    // Every stored press names its bell's one incident, and every incident got its press.
    expect(await count(`select count(*) as n from bell_events e join incidents i on i.id = e.incident_id where e.bell_id in (${bellList}) and i.bell_id = e.bell_id`)).toBe(BELLS * PRESSES_PER_BELL);
    // Each ack named the incident of its bell.
    for (const b of bellIds) expect(received.get(`${b}|1`)!.incident).toBe(received.get(`${b}|2`)!.incident);
    // The topics were shared: this process saw only part of what the bells sent.
    expect(await parentReceived()).toBeLessThan(published);
    console.log(`two gateways: ${published} publishes (incl. retransmissions), ${await parentReceived()} reached the first gateway, ${atKill} received before the kill`);
  }, 120_000);
});
