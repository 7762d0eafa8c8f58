import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { MqttClient } from 'mqtt';
import { provisionFromText } from '../../api/provisioning/apply.ts';
import { openDatabase } from '../../api/store/index.ts';
import { bellTopic } from '../../firmware-bridge/protocol/index.ts';
import { OwnMosquitto, freePort } from '../devices/own-mosquitto.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { connect } from '../support/mqtt.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { BELL_PASSWORDS, BRIDGE, granted, secureProvisioning } from './secure-system.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GATEWAY = { username: 'guardbell-gateway', password: 'gateway-secret-password-0123' };

/**
 * A real Mosquitto configured only from what `guardbell devices mosquitto-acl` writes (its whole configuration,
 * files read in place as the broker's own user), with Guardbell on the gateway's listener and the devices on
 * theirs: third-party topics only from the bridge, nothing from strangers, no bell knocked off by another login.
 */
describe('Mosquitto with the generated files: bridges, bells and strangers', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let mosquitto: OwnMosquitto;
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;
  const clients: MqttClient[] = [];
  let root: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'gb-sec-mosq-'));
    chmodSync(dir, 0o755); // the broker's user must reach the files
    root = `gbsec-${Date.now().toString(36)}/v1`;
    const file = join(dir, 'provision.json');
    writeFileSync(file, JSON.stringify(secureProvisioning()));
    const database = await openDatabase({ url: db.url, dataDir: 'memory://' });
    await database.migrate();
    expect((await provisionFromText(database.db, readFileSync(file, 'utf8'), file)).ok).toBe(true);
    await database.close();
    const [devicePort, gatewayPort] = [await freePort(), await freePort()];
    await run(process.execPath, [
      'bin/guardbell.js', 'devices', 'mosquitto-acl', '--out', join(dir, 'mosq'), '--provision', file, '--gateway-password', GATEWAY.password,
      '--listen', `127.0.0.1:${devicePort}`, '--gateway-listen', `127.0.0.1:${gatewayPort}`,
    ], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: db.url, GUARDBELL_TOPIC_ROOT: root, LOG_LEVEL: 'warn' },
    });
    mosquitto = await OwnMosquitto.start({ generated: { conf: readFileSync(join(dir, 'mosq', 'mosquitto.conf'), 'utf8'), port: devicePort } });
    ({ t, guard, stream } = await startWatchedSystem({
      db: 'postgres', broker: 'mosquitto', databaseUrl: db.url, topicRoot: root, provision: false,
      env: { MQTT_URL: `mqtt://127.0.0.1:${gatewayPort}`, MQTT_USERNAME: GATEWAY.username, MQTT_PASSWORD: GATEWAY.password, MQTT_ALLOW_ANONYMOUS: '0' },
    }));
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await t?.close();
    await mosquitto?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const client = async (username?: string, password?: string, clientId?: string) => {
    const c = await connect(mosquitto.url, { username, password, reconnectPeriod: 0, protocolVersion: 4, ...(clientId ? { clientId } : {}) });
    clients.push(c);
    return c;
  };

  it('the files are the broker user\'s, 0600, and name the bridge', () => {
    const passwd = join(dir, 'mosq', 'passwd');
    expect(statSync(passwd).mode & 0o777).toBe(0o600);
    if (process.getuid?.() === 0) expect(statSync(passwd).uid).not.toBe(0);
    expect(readFileSync(join(dir, 'mosq', 'acl'), 'utf8')).toContain(`user ${BRIDGE.username}\ntopic readwrite zigbee2mqtt/#`);
  });

  it('strangers cannot connect; a bell cannot publish a third-party button; the bridge can', async () => {
    await expect(client()).rejects.toThrow();
    const bell = await client('B-0302', BELL_PASSWORDS['B-0302']);
    await bell.publishAsync('zigbee2mqtt/counter_button', JSON.stringify({ action: 'emergency' }), { qos: 1 });
    await sleep(500);
    expect(stream.messages.filter((m) => m.type === 'incident.created' && m.data.bellId === 'B-Z1')).toEqual([]);
    const bridge = await client(BRIDGE.username, BRIDGE.password);
    await bridge.publishAsync('zigbee2mqtt/counter_button', JSON.stringify({ action: 'emergency' }), { qos: 1 });
    await stream.waitFor('incident.created', (i) => i.bellId === 'B-Z1');
  });

  it('a bell cannot forge another bell\'s health, read $SYS, or send a packet over the size limit', async () => {
    const bell = await client('B-0302', BELL_PASSWORDS['B-0302']);
    const got: string[] = [];
    bell.on('message', (topic) => got.push(topic));
    await granted(bell, '$SYS/#'); // Mosquitto may grant it and then deliver nothing
    await bell.publishAsync(bellTopic(root, 'B-K1', 'heartbeat'), JSON.stringify({ battery: 100, fw: 'evil' }), { qos: 1 });
    await sleep(1_000);
    expect(got.filter((tp) => tp.startsWith('$SYS'))).toEqual([]);
    const admin = await t.login('admin1');
    const k1 = ((await admin.get('/api/v1/bells')).body.items as { id: string; battery: number | null }[]).find((b) => b.id === 'B-K1')!;
    expect(k1.battery).not.toBe(100);
    bell.publish(bellTopic(root, 'B-0302', 'heartbeat'), Buffer.alloc(1024 * 1024, 'x'), { qos: 0 });
    await waitFor(() => !bell.connected, 5_000, 'Mosquitto to drop the oversized packet\'s connection');
  });

  it('a bell cannot press another bell\'s button', async () => {
    const bell = await client('B-0302', BELL_PASSWORDS['B-0302']);
    await bell.publishAsync(bellTopic(root, 'B-0301', 'event'), JSON.stringify({ seq: 7, type: 'press', at: new Date().toISOString() }), { qos: 1 });
    // A control press that must arrive, so that "nothing" is not just "not yet".
    await bell.publishAsync(bellTopic(root, 'B-0302', 'event'), JSON.stringify({ seq: 1, type: 'press', at: new Date().toISOString() }), { qos: 1 });
    await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302');
    await sleep(300);
    expect(stream.messages.filter((m) => m.type === 'incident.created' && m.data.bellId === 'B-0301')).toEqual([]);
  });

  it('another login with a bell\'s client id does not knock the bell off, and the bell is still heard', async () => {
    const bell = await client('B-0301', BELL_PASSWORDS['B-0301'], 'B-0301');
    const acks: string[] = [];
    bell.on('message', (_tp, p) => acks.push(p.toString()));
    await bell.subscribeAsync(bellTopic(root, 'B-0301', 'ack'), { qos: 1 });
    let dropped = false;
    bell.on('close', () => (dropped = true));
    const other = await client('B-0302', BELL_PASSWORDS['B-0302'], 'B-0301'); // takes the name of B-0301
    await expect(client(undefined, undefined, 'B-0301')).rejects.toThrow(); // and a stranger cannot even try
    await sleep(500);
    expect(dropped).toBe(false);
    expect(other.connected).toBe(true); // it is B-0302 under its own id, beside the bell
    await bell.publishAsync(bellTopic(root, 'B-0301', 'event'), JSON.stringify({ seq: 1, type: 'press', at: new Date().toISOString() }), { qos: 1 });
    await waitFor(() => acks.find((a) => JSON.parse(a).state === 'received'), 5_000, 'B-0301 to get its ack');
    expect(dropped).toBe(false);
  });
});
