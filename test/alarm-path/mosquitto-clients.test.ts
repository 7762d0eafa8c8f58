import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MOSQUITTO_URL } from '../support/mqtt.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const run = promisify(execFile);
const { hostname, port } = new URL(MOSQUITTO_URL);

/** Clients we did not write: mosquitto_pub presses, mosquitto_sub reads the ack. */
describe('a press from mosquitto_pub on Mosquitto', () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ db: 'postgres', broker: 'mosquitto' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('opens an incident and mosquitto_sub sees the bell told received', async () => {
    const stream = await (await t.login('guard')).stream();
    // -d: its protocol trace on stdout (line-buffered), so the publish waits for the broker's SUBACK, not a guessed pause.
    const sub = spawn('stdbuf', ['-oL', 'mosquitto_sub', '-d', '-h', hostname, '-p', port || '1883', '-t', `${t.topicRoot}/bells/B-0301/ack`, '-q', '1', '-C', '1', '-W', '15']);
    let out = '';
    sub.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('received SUBACK'), 10_000, 'mosquitto_sub to be subscribed');
    await run('mosquitto_pub', ['-h', hostname, '-p', port || '1883', '-q', '1', '-t', `${t.topicRoot}/bells/B-0301/event`, '-m', '{"seq": 17, "type": "press", "battery": 86}']);
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0301');
    const payload = () => out.split('\n').find((line) => line.startsWith('{'));
    await waitFor(() => payload(), 10_000, 'mosquitto_sub to print the ack');
    expect(JSON.parse(payload()!)).toEqual({ seq: 17, incident: created.data.id, state: 'received' });
    stream.close();
    sub.kill();
  });
});
