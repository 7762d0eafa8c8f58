import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { configFromEnv } from '../../api/config.ts';
import { bellTopic } from '../../firmware-bridge/protocol/index.ts';
import { startEmbeddedBroker } from '../../gateway/broker/embedded-broker.ts';
import { connect } from '../support/mqtt.ts';
import type { TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { BELL_PASSWORDS, CredentialBell, granted, startSecureSystem } from './secure-system.ts';

/** The embedded broker as a real site runs it: nobody rings, silences or reads what they should not. */
describe('embedded broker: access', () => {
  let t: TestSystem;
  const clients: MqttClient[] = [];
  const bells: CredentialBell[] = [];

  beforeAll(async () => {
    t = await startSecureSystem();
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    for (const b of bells) await b.close().catch(() => undefined);
    await t?.close();
  });

  const bell = async (id: string, opts: Parameters<typeof CredentialBell.connect>[2] = {}) => {
    const b = await CredentialBell.connect(t, id, opts);
    bells.push(b);
    return b;
  };
  const refused = async (reason: string) => {
    const m = new RegExp(`guardbell_mqtt_auth_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(await t.system.registry.metrics());
    return m ? Number(m[1]) : 0;
  };

  it('refuses anonymous clients', async () => {
    await expect(connect(t.mqttUrl, { reconnectPeriod: 0 })).rejects.toThrow(/not authorized|username or password/i);
    expect(await refused('anonymous')).toBeGreaterThanOrEqual(1);
  });

  it('$SYS is the gateway\'s only: a bell can neither read it nor publish a "new client" that kicks another bell', async () => {
    const victim = await bell('B-0301', { clientId: 'victim-b0301' });
    const attacker = await bell('B-0302');
    expect(await granted(attacker.client, '$SYS/#')).toBe(128);
    attacker.client.publish(`$SYS/${'x'.repeat(8)}/new/clients`, 'victim-b0301', { qos: 0 });
    await waitFor(() => !attacker.client.connected, 3_000, 'the attacker to be disconnected for the refused publish');
    await sleep(300);
    expect(victim.client.connected).toBe(true);
    await victim.event(1, 'test');
    await victim.waitForAck({ seq: 1, state: 'received' });
  });

  it('a client id belongs to its identity: another bell using it is refused, and the holder stays connected', async () => {
    const holder = await bell('B-K1', { clientId: 'bell-bk1' });
    await expect(connect(t.mqttUrl, { username: 'B-0302', password: BELL_PASSWORDS['B-0302'], clientId: 'bell-bk1', reconnectPeriod: 0 })).rejects.toThrow(/identifier rejected/i);
    await sleep(200);
    expect(holder.client.connected).toBe(true);
    expect(await refused('client_id_taken')).toBeGreaterThanOrEqual(1);
    // The bell itself may come back on its own id (a half-open connection being replaced).
    const again = await bell('B-K1', { clientId: 'bell-bk1' });
    expect(again.client.connected).toBe(true);
  });

  it('a keyed bell\'s health cannot be forged by another bell', async () => {
    const other = await bell('B-0302');
    other.client.publish(bellTopic(t.topicRoot, 'B-K1', 'heartbeat'), JSON.stringify({ battery: 100, fw: 'evil' }), { qos: 1 });
    await waitFor(() => !other.client.connected, 3_000, 'the forger to be disconnected');
    await sleep(300);
    const health = await (await t.login('admin1')).get('/api/v1/bells');
    const k1 = (health.body.items as { id: string; battery: number | null; online: boolean }[]).find((b) => b.id === 'B-K1')!;
    expect(k1.battery).not.toBe(100);
  });

  it('keeps retained messages only on a bell\'s status, closes a connection announcing an oversized packet, and rate-limits publishes', async () => {
    const b = await bell('B-0901');
    // A retained heartbeat (the protocol retains only status) is refused.
    b.client.publish(bellTopic(t.topicRoot, 'B-0901', 'heartbeat'), '{}', { qos: 1, retain: true });
    await waitFor(() => !b.client.connected, 3_000, 'a retained heartbeat refused');
    const c = await bell('B-0901');
    await c.client.publishAsync(bellTopic(t.topicRoot, 'B-0901', 'status'), '{"online":true}', { qos: 1, retain: true });
    expect(c.client.connected).toBe(true);
    // 1 MiB announced: the connection is closed before the broker buffers it.
    c.client.publish(bellTopic(t.topicRoot, 'B-0901', 'status'), Buffer.alloc(1024 * 1024, 'x'), { qos: 0, retain: true });
    await waitFor(() => !c.client.connected, 3_000, 'the oversized packet to end the connection');
    const listener = await bell('B-0901');
    // A flood from one client: over its limit it is cut off, and counted.
    const before = await refused('rate_limited');
    for (let i = 0; i < 200 && listener.client.connected; i++) listener.client.publish(bellTopic(t.topicRoot, 'B-0901', 'heartbeat'), '{}', { qos: 0 });
    await waitFor(async () => (await refused('rate_limited')) > before, 3_000, 'the flood to be rate limited');
    await waitFor(() => !listener.client.connected, 3_000, 'the flooder to be disconnected');
  });

  it('the broker binds where it is told: MQTT_HOST, else HOST', async () => {
    expect(configFromEnv({ HOST: '127.0.0.1' }).mqttHost).toBe('127.0.0.1');
    expect(configFromEnv({ HOST: '127.0.0.1', MQTT_HOST: '0.0.0.0' }).mqttHost).toBe('0.0.0.0');
    const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
    try {
      expect(broker.host).toBe('127.0.0.1');
    } finally {
      await broker.close();
    }
  });
});
