/**
 * Zigbee2MQTT, Shelly (Gen1 and Gen2+) and Tasmota buttons over MQTT (DEVICES.md §1–2), on the broker the
 * native bells use. A thin mqtt.js client around the pure decoders: it resolves the device to its bell,
 * gives events a sequence number (these devices carry none of ours) and hands on BellSignals.
 */
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { Ack } from '../../../firmware-bridge/protocol/index.ts';
import type { BellSignal, BellSource, Rejection } from '../../signal.ts';
import { SeqAssigner } from '../sia-dc09/seq-assigner.ts';
import { connectSubscriber } from '../subscriber-client.ts';
import type { DeviceDecoded, DeviceFamily, IgnoreDetail } from './decoded.ts';
import type { ThirdPartyMetrics } from './metrics.ts';
import { decodeShellyGen1, decodeShellyGen2, SHELLY_GEN1_DEFAULT_PREFIX } from './shelly.ts';
import { decodeTasmota, TASMOTA_DEFAULT_FULL_TOPIC, tasmotaTopics, type TasmotaTopics } from './tasmota.ts';
import { decodeZigbee2mqtt, Z2M_DEFAULT_BASE_TOPIC } from './zigbee2mqtt.ts';

type Handlers = { signal(s: BellSignal): void; rejected(r: Rejection): void };

/**
 * Repeats of one transmission arrive within milliseconds (Z2M: "some devices send the command more than once",
 * DEVICES.md §1.1 suggests ~1 s). Kept short so that a person's deliberate second press (the confirmation
 * rule) is not taken for a repeat.
 */
export const THIRD_PARTY_DEDUPE_WINDOW_MS = 1_000;

export interface ThirdPartyMqttOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  clientId?: string | undefined;
  /** The bell provisioned with this adapter and device id (Places.bellByDeviceId). */
  resolve(adapter: DeviceFamily, deviceId: string): string | undefined;
  /** Zigbee2MQTT's `mqtt.base_topic` (its default: `zigbee2mqtt`). */
  z2mBaseTopic?: string;
  /** Shelly Gen1's fixed prefix (`shellies`). */
  shellyGen1Prefix?: string;
  /** Shelly Gen2+ notifications: `<topic_prefix>/events/rpc`; `topic_prefix` defaults to the device id. */
  shellyGen2Filter?: string;
  /** Tasmota's FullTopic (`%prefix%/%topic%/`). */
  tasmotaFullTopic?: string;
  dedupeWindowMs?: number;
  /**
   * MQTT shared-subscription group, as for the native source: several gateways on one broker then hear each
   * device message once (each would otherwise assign its own seq and open its own press).
   */
  sharedGroup?: string | undefined;
  metrics?: ThirdPartyMetrics | undefined;
  logger?: Pick<Logger, 'debug' | 'info' | 'warn'> | undefined;
  now?: () => Date;
  startTimeoutMs?: number;
}

const SHELLY_GEN2_DEFAULT_FILTER = '+/events/rpc';

export class ThirdPartyMqttSource implements BellSource {
  readonly name = 'third-party-mqtt';
  private client: MqttClient | undefined;
  private readonly seqs: SeqAssigner;
  /** `family|deviceId|flag` → the state-style flag's last value (Z2M `sos`, `tamper`…). */
  private readonly latches = new Map<string, boolean>();
  private readonly z2mBase: string;
  private readonly shellyPrefix: string;
  private readonly tasmota: TasmotaTopics;
  private readonly now: () => Date;
  /** Whether the first connection succeeded within the start timeout. */
  startedConnected = false;

  constructor(private readonly opts: ThirdPartyMqttOptions) {
    this.seqs = new SeqAssigner(opts.dedupeWindowMs ?? THIRD_PARTY_DEDUPE_WINDOW_MS);
    this.z2mBase = opts.z2mBaseTopic ?? Z2M_DEFAULT_BASE_TOPIC;
    this.shellyPrefix = opts.shellyGen1Prefix ?? SHELLY_GEN1_DEFAULT_PREFIX;
    this.tasmota = tasmotaTopics(opts.tasmotaFullTopic ?? TASMOTA_DEFAULT_FULL_TOPIC);
    this.now = opts.now ?? (() => new Date());
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** The MQTT filters subscribed to. */
  get filters(): string[] {
    const share = this.opts.sharedGroup ? `$share/${this.opts.sharedGroup}/` : '';
    const own = [`${this.z2mBase}/#`, `${this.shellyPrefix}/#`, this.opts.shellyGen2Filter ?? SHELLY_GEN2_DEFAULT_FILTER, ...this.tasmota.filters];
    return own.map((f) => `${share}${f}`);
  }

  async start(handlers: Handlers): Promise<void> {
    const { client, connected } = connectSubscriber({
      ...this.opts,
      clientIdPrefix: 'guardbell-3p',
      filters: this.filters,
      onSubscribeError: (err) => this.opts.logger?.warn({ err: err.message, filters: this.filters }, 'third-party MQTT subscribe failed'),
    });
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      const receivedAt = this.now();
      try {
        this.onMessage(topic, payload, packet.retain, receivedAt, handlers);
      } catch (err) {
        handlers.rejected({ reason: 'invalid_field', detail: `internal: ${(err as Error).message}`, transport: this.familyOf(topic) ?? 'zigbee2mqtt', topic, at: receivedAt });
      }
    });
    this.startedConnected = await connected;
  }

  async stop(): Promise<void> {
    await this.client?.endAsync();
  }

  /** These devices cannot be told anything: a person's acknowledgement does not reach them. */
  sendAck(_bellId: string, _ack: Ack): void {}

  private familyOf(topic: string): DeviceFamily | undefined {
    if (topic.startsWith(`${this.z2mBase}/`)) return 'zigbee2mqtt';
    if (topic.startsWith(`${this.shellyPrefix}/`) || topic.endsWith('/events/rpc')) return 'shelly';
    return this.tasmota.parse(topic) ? 'tasmota' : undefined;
  }

  private decode(topic: string, payload: Buffer): { family: DeviceFamily; decoded: DeviceDecoded } | undefined {
    if (topic.startsWith(`${this.z2mBase}/`)) return { family: 'zigbee2mqtt', decoded: decodeZigbee2mqtt(topic, payload, this.z2mBase) };
    if (topic.startsWith(`${this.shellyPrefix}/`)) return { family: 'shelly', decoded: decodeShellyGen1(topic, payload, this.shellyPrefix) };
    if (topic.endsWith('/events/rpc')) return { family: 'shelly', decoded: decodeShellyGen2(topic, payload) };
    if (this.tasmota.parse(topic)) return { family: 'tasmota', decoded: decodeTasmota(topic, payload, this.tasmota) };
    return undefined;
  }

  private onMessage(topic: string, payload: Buffer, retained: boolean, receivedAt: Date, handlers: Handlers): void {
    const d = this.decode(topic, payload);
    if (!d) return; // a filter matched something none of the decoders owns (a custom filter): not ours
    const { family, decoded } = d;
    if (!decoded.ok) {
      const bellId = decoded.deviceId === undefined ? undefined : this.resolve(family, decoded.deviceId);
      handlers.rejected({ reason: decoded.reason, detail: `${family}: ${decoded.detail}`, transport: family, bellId, topic, at: receivedAt });
      return;
    }
    if (decoded.ignored) this.ignored(family, decoded.ignored.detail, topic, decoded.ignored.text);
    if (decoded.deviceId === undefined || decoded.signals.length === 0) return;
    const { deviceId } = decoded;
    const bellId = (decoded.input !== undefined ? this.resolve(family, `${deviceId}/${decoded.input}`) : undefined) ?? this.resolve(family, deviceId);
    const latchKey = (flag: string) => `${family}|${deviceId}|${flag}`;
    if (!bellId) {
      const press = decoded.signals.find((s) => s.kind === 'event' && (!s.latch || this.latches.get(latchKey(s.latch)) !== true));
      this.rememberFlags(decoded.flags, latchKey);
      // A press on a device nobody provisioned is worth a rejection; the chatter of every other device on the network is not.
      if (press && !retained) {
        handlers.rejected({ reason: 'unknown_bell', detail: `no ${family} bell is provisioned for device ${JSON.stringify(deviceId)}`, transport: family, topic, at: receivedAt });
      } else if (!decoded.ignored) this.ignored(family, 'unknown_device', topic, `${deviceId} is not a provisioned bell`);
      return;
    }
    const base = { bellId, receivedAt, transport: family };
    for (const s of decoded.signals) {
      switch (s.kind) {
        case 'status':
          handlers.signal({ ...base, kind: 'status', online: s.online });
          break;
        case 'heartbeat':
          handlers.signal({ ...base, kind: 'heartbeat', ...(s.battery !== undefined ? { battery: s.battery } : {}) });
          break;
        case 'event': {
          // A retained message is old news replayed by the broker on subscribe (DEVICES.md §1.1: never trigger on it).
          if (retained) {
            this.ignored(family, 'retained', topic, `retained ${s.action} from ${deviceId}`);
            break;
          }
          if (s.latch && this.latches.get(latchKey(s.latch)) === true) break; // still true: cached state, not a new press
          const seq = this.seqs.assign(bellId, `${family}|${deviceId}|${s.dedupeKey}`, receivedAt.getTime());
          const reply = (ack: Ack) => this.opts.logger?.debug({ bellId, seq, state: ack.state, family }, `${family} devices cannot be told: ack not sent`);
          this.opts.logger?.info({ bellId, deviceId, family, action: s.action, type: s.type, seq }, 'third-party bell event');
          handlers.signal({ ...base, kind: 'event', seq, type: s.type, ...(s.battery !== undefined ? { battery: s.battery } : {}), reply });
          break;
        }
      }
    }
    this.rememberFlags(decoded.flags, latchKey);
  }

  private rememberFlags(flags: Record<string, boolean> | undefined, latchKey: (flag: string) => string): void {
    for (const [flag, v] of Object.entries(flags ?? {})) this.latches.set(latchKey(flag), v);
  }

  private resolve(family: DeviceFamily, deviceId: string): string | undefined {
    return this.opts.resolve(family, deviceId);
  }

  private ignored(family: DeviceFamily, detail: IgnoreDetail, topic: string, text: string): void {
    this.opts.metrics?.ignored.inc({ family, detail });
    this.opts.logger?.debug({ family, detail, topic }, `third-party message ignored: ${text}`);
  }
}
