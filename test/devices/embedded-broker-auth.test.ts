import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { MqttClient } from 'mqtt';
import { bellTopic, type Ack } from '../../firmware-bridge/protocol/index.ts';
import { runBellCommand } from '../../firmware-bridge/virtual-bell/bell-cli.ts';
import { DeviceAuth } from '../../gateway/broker/device-auth.ts';
import { testProvisioning } from '../support/fixtures.ts';
import { connect, RawBell } from '../support/mqtt.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PW1 = 'bell-one-secret-pw';
const PW2 = 'bell-two-secret-pw';

describe('per-bell MQTT credentials on the embedded broker', () => {
  let t: TestSystem;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    const doc = testProvisioning();
    doc.sites[0]!.bells.push(
      { id: 'B-C1', counterId: 'passport-3', adapter: 'native', mqttPassword: PW1 },
      { id: 'B-C2', counterId: 'welfare-1', adapter: 'native', mqttPassword: PW2 },
    );
    await t.provision(doc);
  });
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await t?.close();
  });

  const count = (query: string) => t.count(query);
  const client = async (opts: Parameters<typeof connect>[1] = {}) => {
    const c = await connect(t.mqttUrl, { reconnectPeriod: 0, ...opts });
    clients.push(c);
    return c;
  };
  /** The granted QoS; 128 is a refusal (mqtt.js turns it into an error). */
  const granted = (c: MqttClient, filter: string) =>
    c.subscribeAsync(filter, { qos: 1 }).then((g) => g[0]!.qos, (err: Error) => (/Subscribe error/.test(err.message) ? 128 : Promise.reject(err)));
  const topic = (bellId: string, kind: 'event' | 'heartbeat' | 'status' | 'ack') => bellTopic(t.topicRoot, bellId, kind);
  const closed = (c: MqttClient) => waitFor(() => !c.connected, 3_000, 'the broker to close the connection');
  const refusedMetric = async (reason: string) => {
    const text = await t.system.registry.metrics();
    const m = new RegExp(`guardbell_mqtt_auth_refused_total\\{reason="${reason}"\\} (\\d+)`).exec(text);
    return m ? Number(m[1]) : 0;
  };

  it('stores only a hash of the password', async () => {
    const r = await t.system.database.db.execute(sql.raw(`select mqtt_password_hash as h from bells where id = 'B-C1'`));
    const h = (r as unknown as { rows: { h: string }[] }).rows[0]!.h;
    // A machine secret: a fast keyed hash, not scrypt (a reconnect storm must not queue behind scrypt).
    expect(h).toMatch(/^hmac-sha256\$/);
    expect(h).not.toContain(PW1);
  });

  it('a bell with its password publishes its event and reads its ack', async () => {
    const c = await client({ username: 'B-C1', password: PW1 });
    const acks: Ack[] = [];
    c.on('message', (_t, p) => acks.push(JSON.parse(p.toString()) as Ack));
    expect(await granted(c, topic('B-C1', 'ack'))).toBe(1);
    await c.publishAsync(topic('B-C1', 'event'), JSON.stringify({ seq: 1, type: 'press' }), { qos: 1 });
    await waitFor(() => acks.find((a) => a.seq === 1 && a.state === 'received'), 5_000, 'B-C1 received');
    await c.publishAsync(topic('B-C1', 'heartbeat'), JSON.stringify({ battery: 80 }), { qos: 0 });
    expect(c.connected).toBe(true);
  });

  it('a wrong password or an unknown user is refused in the CONNACK', async () => {
    const before = await refusedMetric('bad_password');
    await expect(connect(t.mqttUrl, { username: 'B-C1', password: 'not-the-password', reconnectPeriod: 0 })).rejects.toThrow(/username or password/i);
    await expect(connect(t.mqttUrl, { username: 'nobody', password: 'whatever-password', reconnectPeriod: 0 })).rejects.toThrow(/username or password/i);
    // A bell cannot log in with the gateway's name either.
    await expect(connect(t.mqttUrl, { username: '@gateway', password: PW1, reconnectPeriod: 0 })).rejects.toThrow(/username or password/i);
    expect(await refusedMetric('bad_password')).toBe(before + 2);
    expect(await refusedMetric('unknown_user')).toBeGreaterThanOrEqual(1);
  });

  it('a bell may not publish as another bell, nor read another bell\'s ack', async () => {
    const c = await client({ username: 'B-C1', password: PW1 });
    expect(await granted(c, topic('B-C2', 'ack'))).toBe(128);
    expect(await granted(c, `${t.topicRoot}/#`)).toBe(128);
    c.publish(topic('B-C2', 'event'), JSON.stringify({ seq: 1, type: 'press' }), { qos: 1 });
    await closed(c);
    // Not even a legacy bell's topics, nor a fake ack.
    const c2 = await client({ username: 'B-C1', password: PW1 });
    c2.publish(topic('B-0301', 'event'), JSON.stringify({ seq: 99, type: 'press' }), { qos: 1 });
    await closed(c2);
    await sleep(200);
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-C2' or (bell_id = 'B-0301' and seq = 99)`)).toBe(0);
  });

  it('anonymous clients cannot impersonate a bell with credentials or read its acks', async () => {
    const before = await refusedMetric('publish_denied');
    const spy = await client();
    for (const filter of [topic('B-C1', 'ack'), `${t.topicRoot}/bells/+/ack`, `${t.topicRoot}/#`, '#', `+/+/bells/B-C1/ack`]) {
      expect(await granted(spy, filter), filter).toBe(128);
    }
    // A legacy bell's ack, and topics that are not Guardbell's, stay open to anonymous clients.
    expect(await granted(spy, topic('B-0301', 'ack'))).toBe(1);
    expect(await granted(spy, 'zigbee2mqtt/#')).toBe(1);
    const fake = await client();
    fake.publish(topic('B-C1', 'event'), JSON.stringify({ seq: 50, type: 'press' }), { qos: 1 });
    await closed(fake);
    const fakeAck = await client();
    fakeAck.publish(topic('B-0301', 'ack'), JSON.stringify({ seq: 1, state: 'closed' }), { qos: 1 });
    await closed(fakeAck);
    await sleep(200);
    expect(await count(`select count(*) as n from bell_events where bell_id = 'B-C1' and seq = 50`)).toBe(0);
    expect(await refusedMetric('publish_denied')).toBeGreaterThanOrEqual(before + 2);
  });

  it('anonymous bells without credentials keep working (legacy and demo bells)', async () => {
    const bell = await t.bell('B-0302');
    await bell.event(1, 'press');
    await bell.waitForAck({ seq: 1, state: 'received' });
    expect(bell.client.connected).toBe(true);
  });

  it('the virtual bell logs in with --password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gb-vb-'));
    try {
      let out = '';
      const sink = { write: (s: string) => (out += s) };
      const ok = await runBellCommand(['press', '--bell', 'B-C2', '--password', PW2, '--mqtt', t.mqttUrl, '--topic-root', t.topicRoot, '--state-dir', dir, '--timeout', '5'], sink);
      expect(ok, out).toBe(0);
      expect(out).toMatch(/B-C2 seq \d+ → received/);
      const anon = await runBellCommand(['press', '--bell', 'B-C2', '--mqtt', t.mqttUrl, '--topic-root', t.topicRoot, '--state-dir', dir, '--timeout', '2'], sink);
      expect(anon).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DeviceAuth', () => {
  it('verifies a (username, password) once and trusts it briefly; a changed hash is verified again', async () => {
    let calls = 0;
    let now = 0;
    const creds = new Map([['B-1', 'hash-a']]);
    const auth = new DeviceAuth({
      topicRoot: 'r/v1',
      loadCredentials: async () => new Map(creds),
      verify: async (pw, hash) => {
        calls++;
        await sleep(20);
        return pw === 'right-password' && (hash === 'hash-a' || hash === 'hash-b');
      },
      cacheTtlMs: 1_000,
      refreshMs: 0,
      now: () => now,
    });
    await auth.start();
    const hooks = auth.hooks();
    const login = (password: string) =>
      new Promise<boolean>((resolve) => hooks.authenticate({ id: 'c' } as never, 'B-1', Buffer.from(password), (err, ok) => resolve(!err && !!ok)));
    // A reconnect storm: ten at once cost one verification.
    expect(await Promise.all(Array.from({ length: 10 }, () => login('right-password')))).toEqual(Array(10).fill(true));
    expect(calls).toBe(1);
    expect(await login('right-password')).toBe(true);
    expect(calls).toBe(1);
    expect(await login('wrong-password')).toBe(false);
    expect(calls).toBe(2);
    now = 2_000;
    expect(await login('right-password')).toBe(true);
    expect(calls).toBe(3);
    creds.set('B-1', 'hash-b');
    await auth.reload();
    expect(await login('right-password')).toBe(true);
    expect(calls).toBe(4);
    auth.stop();
  });
});
