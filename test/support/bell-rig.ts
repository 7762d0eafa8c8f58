// The virtual bell's tests: an embedded broker and a tiny stand-in for the gateway (kept in test/: firmware-bridge never imports the gateway).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../gateway/broker/embedded-broker.ts';
import { encodeAck, type Ack } from '../../firmware-bridge/protocol/index.ts';

/** The virtual bell's own tests start brokers through here: firmware-bridge/ never imports gateway/ itself. */
export { startEmbeddedBroker };

export interface Heard {
  bellId: string;
  payload: string;
  event: { seq: number; type: string; at?: string; boot?: number; battery?: number; mac?: string };
}

export interface Responder {
  client: MqttClient;
  heard: Heard[];
  ack(bellId: string, ack: Ack): Promise<void>;
}

export interface ResponderOptions {
  /** Copies of each (bell, seq) to leave unanswered, as if the gateway had not stored them yet. */
  ignoreFirst?: number;
  /** false: record only, never answer. */
  answer?: boolean;
  /** The incident an event lands in (default inc_T{seq}). */
  incidentFor?: (bellId: string, seq: number) => string;
}

/** Collects what must be closed, and closes it last-opened first. */
export class Cleanup {
  private readonly tasks: (() => Promise<unknown>)[] = [];
  add(task: () => Promise<unknown>): void {
    this.tasks.push(task);
  }
  async run(): Promise<void> {
    for (const task of this.tasks.splice(0).reverse()) await task().catch(() => undefined);
  }
}

export async function tempDir(cleanup: Cleanup): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'guardbell-vbell-'));
  cleanup.add(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function broker(cleanup: Cleanup): Promise<EmbeddedBroker> {
  const b = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
  cleanup.add(() => b.close());
  return b;
}

export async function connect(url: string, cleanup: Cleanup): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
  (client.stream as Socket).setNoDelay?.(true);
  cleanup.add(() => client.endAsync(true));
  return client;
}

/** Plays the gateway: hears every bell event and answers `received` (after `ignoreFirst` silent copies). */
export async function startResponder(url: string, cleanup: Cleanup, opts: ResponderOptions = {}): Promise<Responder> {
  const client = await connect(url, cleanup);
  const heard: Heard[] = [];
  const copies = new Map<string, number>();
  const ack = async (bellId: string, a: Ack) => {
    await client.publishAsync(`guardbell/v1/bells/${bellId}/ack`, encodeAck(a), { qos: 1 });
  };
  client.on('message', (topic, payload) => {
    const bellId = topic.split('/')[3] ?? '';
    const text = payload.toString('utf8');
    const event = JSON.parse(text) as Heard['event'];
    heard.push({ bellId, payload: text, event });
    const key = `${bellId}|${event.seq}`;
    const n = (copies.get(key) ?? 0) + 1;
    copies.set(key, n);
    if (opts.answer === false || n <= (opts.ignoreFirst ?? 0)) return;
    const incident = opts.incidentFor?.(bellId, event.seq) ?? `inc_T${event.seq}`;
    void ack(bellId, { seq: event.seq, incident, state: 'received' }).catch(() => undefined);
  });
  await client.subscribeAsync('guardbell/v1/bells/+/event', { qos: 1 });
  return { client, heard, ack };
}

/** Resolves with the next message on `topic` (subscribing first), or rejects after ms. */
export function nextMessage(client: MqttClient, topic: string, ms = 3_000): Promise<{ payload: string; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.removeListener('message', onMessage);
      reject(new Error(`nothing on ${topic} within ${ms} ms`));
    }, ms);
    const onMessage = (t: string, payload: Buffer, packet: { retain: boolean }) => {
      if (t !== topic) return;
      clearTimeout(timer);
      client.removeListener('message', onMessage);
      resolve({ payload: payload.toString('utf8'), retain: packet.retain });
    };
    client.on('message', onMessage);
    client.subscribe(topic, { qos: 1 });
  });
}

/** Subscribes once and collects every message on `topic`. */
export async function collect(client: MqttClient, topic: string): Promise<{ payload: string; retain: boolean }[]> {
  const got: { payload: string; retain: boolean }[] = [];
  client.on('message', (t, payload, packet) => {
    if (t === topic) got.push({ payload: payload.toString('utf8'), retain: packet.retain });
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return got;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until check() is true, or fails naming what was awaited. */
export async function until(check: () => boolean, what: string, ms = 3_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** A TCP port free a moment ago, for a broker that a test starts late. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}
