import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import type { StreamClient } from '../support/http.ts';
import { connect } from '../support/mqtt.ts';
import type { TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { BELL_PASSWORDS, BRIDGE, granted, startSecureSystem } from './secure-system.ts';

/** Third-party topics on the embedded broker are the provisioned bridge's only. */
describe('embedded broker: third-party devices only through their bridge', () => {
  let t: TestSystem;
  let stream: StreamClient;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = await startSecureSystem();
    stream = await (await t.login('guard')).stream();
  }, 180_000);
  afterAll(async () => {
    stream?.close();
    for (const c of clients) c.end(true);
    await t?.close();
  });

  const client = async (username: string, password: string) => {
    const c = await connect(t.mqttUrl, { username, password, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };
  const z2mIncidents = () => stream.messages.filter((m) => m.type === 'incident.created' && m.data.bellId === 'B-Z1');

  it('a bell\'s credential cannot publish a Zigbee2MQTT button; the bridge\'s can, and only under its prefix', async () => {
    const bell = await client('B-0302', BELL_PASSWORDS['B-0302']!);
    bell.publish('zigbee2mqtt/counter_button', JSON.stringify({ action: 'hold' }), { qos: 1 });
    await waitFor(() => !bell.connected, 3_000, 'the bell to be cut off');
    await sleep(300);
    expect(z2mIncidents()).toEqual([]);

    const bridge = await client(BRIDGE.username, BRIDGE.password);
    expect(await granted(bridge, 'zigbee2mqtt/#')).toBe(1);
    expect(await granted(bridge, '#')).toBe(128);
    // Zigbee2MQTT keeps its availability retained: allowed under its own prefix.
    await bridge.publishAsync('zigbee2mqtt/counter_button/availability', JSON.stringify({ state: 'online' }), { qos: 1, retain: true });
    await bridge.publishAsync('zigbee2mqtt/counter_button', JSON.stringify({ action: 'emergency' }), { qos: 1 });
    await stream.waitFor('incident.created', (i) => i.bellId === 'B-Z1');
    bridge.publish('shellies/shellybutton1-abcdef/input_event/0', JSON.stringify({ event: 'L' }), { qos: 1 });
    await waitFor(() => !bridge.connected, 3_000, 'the bridge to be refused outside its prefix');
  });

  it('a wrong bridge password is refused', async () => {
    await expect(connect(t.mqttUrl, { username: BRIDGE.username, password: 'not-the-bridge-password', reconnectPeriod: 0 })).rejects.toThrow(/username or password/i);
  });
});
