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
import { bellTopic, clusterTopic } from '../../firmware-bridge/protocol/index.ts';
import { testProvisioning } from '../support/fixtures.ts';
import { connect } from '../support/mqtt.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { OwnMosquitto, freePort } from './own-mosquitto.ts';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOPIC_ROOT = 'gbacl/v1';
const PW = { 'B-0301': 'bell-0301-password', 'B-0302': 'bell-0302-password' };
const GATEWAY = { username: 'guardbell-gateway', password: 'gateway-secret-password' };

describe('guardbell devices mosquitto-acl against a real Mosquitto', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let mosquitto: OwnMosquitto;
  let cliOut: string;
  let gatewayUrl: string;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'gb-acl-'));
    chmodSync(dir, 0o755); // the broker's user reads the generated files in place
    const doc = testProvisioning();
    for (const b of doc.sites[0]!.bells) if (b.id in PW) b.mqttPassword = PW[b.id as keyof typeof PW];
    const file = join(dir, 'provision.json');
    writeFileSync(file, JSON.stringify(doc));
    const database = await openDatabase({ url: db.url, dataDir: 'memory://' });
    await database.migrate();
    // As a file applied before bells were issued passwords: the bells without one stay without.
    const applied = await provisionFromText(database.db, readFileSync(file, 'utf8'), file, { issueCredentials: false });
    expect(applied.ok).toBe(true);
    await database.close();
    const [devicePort, gatewayPort] = [await freePort(), await freePort()];
    gatewayUrl = `mqtt://127.0.0.1:${gatewayPort}`;
    const { stdout, stderr } = await run(process.execPath, [
      'bin/guardbell.js', 'devices', 'mosquitto-acl', '--out', join(dir, 'mosq'), '--provision', file, '--gateway-password', GATEWAY.password,
      '--listen', `127.0.0.1:${devicePort}`, '--gateway-listen', `127.0.0.1:${gatewayPort}`,
    ], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: db.url, GUARDBELL_TOPIC_ROOT: TOPIC_ROOT, LOG_LEVEL: 'warn' } });
    cliOut = stdout + stderr;
    mosquitto = await OwnMosquitto.start({ generated: { conf: readFileSync(join(dir, 'mosq', 'mosquitto.conf'), 'utf8'), port: devicePort } });
  }, 90_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    await mosquitto?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const client = async (username?: string, password?: string, url = mosquitto.url) => {
    const c = await connect(url, { username, password, reconnectPeriod: 0, protocolVersion: 4 });
    clients.push(c);
    return c;
  };
  const inbox = (c: MqttClient) => {
    const got: { topic: string; payload: string }[] = [];
    c.on('message', (topic, p) => got.push({ topic, payload: p.toString() }));
    return got;
  };
  const granted = (c: MqttClient, filter: string) =>
    c.subscribeAsync(filter, { qos: 1 }).then((g) => g[0]!.qos, (err: Error) => (/Subscribe error/.test(err.message) ? 128 : Promise.reject(err)));
  const t = (bellId: string, kind: 'event' | 'heartbeat' | 'status' | 'ack') => bellTopic(TOPIC_ROOT, bellId, kind);

  it('writes the files in mosquitto_passwd format, 0600, the gateway in a file of its own and one block per bell with credentials', () => {
    const passwd = readFileSync(join(dir, 'mosq', 'passwd'), 'utf8').trim().split('\n');
    const gatewayPasswd = readFileSync(join(dir, 'mosq', 'gateway-passwd'), 'utf8').trim().split('\n');
    expect(passwd.map((l) => l.split(':')[0]).sort()).toEqual(['B-0301', 'B-0302']);
    expect(gatewayPasswd.map((l) => l.split(':')[0])).toEqual(['guardbell-gateway']);
    for (const line of [...passwd, ...gatewayPasswd]) expect(line).toMatch(/^[^:]+:\$7\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const acl = readFileSync(join(dir, 'mosq', 'acl'), 'utf8');
    expect(acl).toContain(`user guardbell-gateway\ntopic readwrite ${TOPIC_ROOT}/#`);
    expect(acl).toContain(`topic read ${TOPIC_ROOT}/bells/B-0301/ack`);
    expect(statSync(join(dir, 'mosq', 'passwd')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'mosq', 'acl')).mode & 0o777).toBe(0o600);
    // Bells without credentials are named: they cannot log in with allow_anonymous false.
    expect(cliOut).toMatch(/without mqttPassword.*B-K1/);
  });

  it('a bell publishes its event and reads its ack; the gateway user reads everything', async () => {
    const gw = await client(GATEWAY.username, GATEWAY.password, gatewayUrl);
    const gwGot = inbox(gw);
    expect(await granted(gw, `${TOPIC_ROOT}/#`)).toBe(1);
    const bell = await client('B-0301', PW['B-0301']);
    const bellGot = inbox(bell);
    expect(await granted(bell, t('B-0301', 'ack'))).toBe(1);
    await bell.publishAsync(t('B-0301', 'event'), JSON.stringify({ seq: 1, type: 'press' }), { qos: 1 });
    await bell.publishAsync(t('B-0301', 'heartbeat'), JSON.stringify({ battery: 90 }), { qos: 1 });
    await waitFor(() => gwGot.some((m) => m.topic === t('B-0301', 'event')) && gwGot.some((m) => m.topic === t('B-0301', 'heartbeat')), 3_000, 'the gateway to see the event and heartbeat');
    await gw.publishAsync(t('B-0301', 'ack'), JSON.stringify({ seq: 1, state: 'received' }), { qos: 1 });
    await waitFor(() => bellGot.find((m) => m.topic === t('B-0301', 'ack')), 3_000, 'the bell to read its ack');
  });

  it('a bell cannot publish as another bell nor read another bell\'s ack', async () => {
    const gw = await client(GATEWAY.username, GATEWAY.password, gatewayUrl);
    const gwGot = inbox(gw);
    await granted(gw, `${TOPIC_ROOT}/#`);
    const bell = await client('B-0301', PW['B-0301']);
    const bellGot = inbox(bell);
    await granted(bell, t('B-0302', 'ack')); // Mosquitto may grant it and then deliver nothing
    await granted(bell, `${TOPIC_ROOT}/#`);
    await bell.publishAsync(t('B-0302', 'event'), JSON.stringify({ seq: 9, type: 'press' }), { qos: 1 }).catch(() => undefined);
    // Nor write or read the processes' ring lane (api/bus/ring-lane.ts), which shares the root.
    await bell.publishAsync(clusterTopic(TOPIC_ROOT, 'ring'), '{}', { qos: 1 }).catch(() => undefined);
    await gw.publishAsync(clusterTopic(TOPIC_ROOT, 'ring'), '{"from":"gateway"}', { qos: 0 });
    await gw.publishAsync(t('B-0302', 'ack'), JSON.stringify({ seq: 9, state: 'received' }), { qos: 1 });
    // A control message that must arrive, so that "nothing" is not just "not yet".
    await bell.publishAsync(t('B-0301', 'heartbeat'), '{}', { qos: 1 });
    await waitFor(() => gwGot.find((m) => m.topic === t('B-0301', 'heartbeat')), 3_000, 'the control heartbeat');
    await sleep(300);
    expect(gwGot.filter((m) => m.topic === t('B-0302', 'event'))).toEqual([]);
    expect(gwGot.filter((m) => m.topic === clusterTopic(TOPIC_ROOT, 'ring'))).toEqual([{ topic: clusterTopic(TOPIC_ROOT, 'ring'), payload: '{"from":"gateway"}' }]);
    expect(bellGot.filter((m) => m.topic !== t('B-0301', 'ack'))).toEqual([]);
  });

  it('the gateway logs in only on its own listener, and a bell not on the gateway\'s', async () => {
    await expect(client(GATEWAY.username, GATEWAY.password)).rejects.toThrow();
    await expect(client('B-0301', PW['B-0301'], gatewayUrl)).rejects.toThrow();
  });

  it('a wrong password, an unknown user and an anonymous client are refused', async () => {
    await expect(client('B-0301', 'wrong-password-123')).rejects.toThrow();
    await expect(client('B-0302', PW['B-0301'])).rejects.toThrow();
    await expect(client('nobody', 'whatever-password')).rejects.toThrow();
    await expect(client()).rejects.toThrow();
  });
});
