/**
 * The ring lane: rings from memory go to the other processes through the broker they already share, so their
 * consoles ring while the database is away too (principle 1). Through PostgreSQL alone a ring waited for an
 * insert and a NOTIFY, and did not leave at all while the database was down: only the console of the process that
 * took the press rang.
 *
 * The lane is a hint, never the truth: the bus's transport carries the same events, and the bus keeps whichever
 * copy comes first (api/bus/bus.ts). Messages are QoS 0 on `<root>/cluster/ring`, which only the gateway's login
 * may write (the generated ACL), and each is signed with a key derived from that login's password, so a client
 * without it cannot ring a console even on a broker that lets anyone publish. A copy older than {@link MAX_AGE_MS}
 * (a replay) is dropped. What is refused is counted and logged, and the good traffic around it goes on.
 */
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { clusterTopic } from '../../firmware-bridge/protocol/index.ts';
import { connectSubscriber } from '../../gateway/sources/subscriber-client.ts';
import type { BusCounters, BusTransport } from './bus.ts';
import { ringEnvelopeSchema, type BusEventType, type Delivered } from './events.ts';

/** A ring older than this is a replay or a broker that held it too long: the database's copy is on its way. */
const MAX_AGE_MS = 30_000;
/** Far above a ring's incident view (about 1 KB); a bigger message is not ours. */
const MAX_BYTES = 16 * 1024;
const MAC_HEX = 64;

export interface RingLaneOptions {
  url: string;
  topicRoot: string;
  /** The gateway's broker login: the only one the ACL lets write the lane, and the key's secret. */
  username: string;
  password: string;
  logger: Logger;
  counters?: BusCounters | undefined;
  /** Milliseconds since the epoch (injected in tests). */
  now?: () => number;
}

/** The lane's key: every process with the gateway's password derives the same one. */
export function ringLaneKey(password: string): Buffer {
  return Buffer.from(hkdfSync('sha256', password, 'guardbell', 'ring lane v1', 32));
}

/** `<hex HMAC of the body>.<body>`: the body is the JSON envelope, signed as sent. */
export function signRing(key: Buffer, body: string): string {
  return `${createHmac('sha256', key).update(body).digest('hex')}.${body}`;
}

export type RingCheck = { ok: true; envelope: Delivered } | { ok: false; reason: 'ring_size' | 'ring_signature' | 'ring_json' | 'ring_envelope' | 'ring_stale' };

/** Checks one message of the lane: size, signature, shape, age. */
export function checkRing(key: Buffer, message: Buffer, now: number): RingCheck {
  if (message.length > MAX_BYTES) return { ok: false, reason: 'ring_size' };
  const text = message.toString('utf8');
  const mac = text.slice(0, MAC_HEX);
  if (text[MAC_HEX] !== '.' || !/^[0-9a-f]{64}$/.test(mac)) return { ok: false, reason: 'ring_signature' };
  const body = text.slice(MAC_HEX + 1);
  const expected = createHmac('sha256', key).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) return { ok: false, reason: 'ring_signature' };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'ring_json' };
  }
  const parsed = ringEnvelopeSchema.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: 'ring_envelope' };
  if (Math.abs(now - parsed.data.at) > MAX_AGE_MS) return { ok: false, reason: 'ring_stale' };
  const { t, v, o, d } = parsed.data;
  return { ok: true, envelope: { s: null, t, v, o, d } };
}

export class MqttRingLane implements BusTransport {
  private client: MqttClient | undefined;
  private readonly key: Buffer;
  private readonly topic: string;
  private readonly now: () => number;

  constructor(private readonly opts: RingLaneOptions) {
    this.key = ringLaneKey(opts.password);
    this.topic = clusterTopic(opts.topicRoot, 'ring');
    this.now = opts.now ?? Date.now;
  }

  get state(): 'ok' | 'down' {
    return this.client?.connected ? 'ok' : 'down';
  }

  /** Connects in the background: a broker away at start delays no one (the transport carries every ring). */
  start(deliver: (e: Delivered) => void): Promise<void> {
    // Not shared ($share): every process must hear every ring.
    const { client } = connectSubscriber({
      url: this.opts.url, clientIdPrefix: 'guardbell-ring', username: this.opts.username, password: this.opts.password, filters: [this.topic],
      onSubscribeError: (err) => this.opts.logger.warn({ err: err.message }, 'ring lane: subscribe failed; rings go through the database only'),
    });
    client.on('message', (_topic, message) => {
      const checked = checkRing(this.key, message, this.now());
      if (checked.ok) return deliver(checked.envelope);
      this.opts.counters?.malformed(checked.reason);
      this.opts.logger.warn({ reason: checked.reason, bytes: message.length }, 'ring lane message refused');
    });
    this.client = client;
    return Promise.resolve();
  }

  publish(type: BusEventType, version: number, origin: string, data: unknown): void {
    const client = this.client;
    // Not queued while away: a ring held until the broker returns is late news the database brought already.
    if (!client?.connected) return;
    const body = JSON.stringify({ t: type, v: version, o: origin, at: this.now(), d: data });
    client.publish(this.topic, signRing(this.key, body), { qos: 0 });
  }

  async stop(): Promise<void> {
    await this.client?.endAsync(true).catch(() => undefined);
    this.client = undefined;
  }
}
