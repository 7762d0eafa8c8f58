/**
 * Zigbee2MQTT messages (DEVICES.md §1) → device signals. Pure.
 *
 * The friendly name may contain `/` (`kitchen/panic_btn`), so the topic is never split on `/`: the base
 * topic is stripped and the known suffixes looked for (DEVICES.md §1.1).
 */
import type { BellEventType } from '../../../firmware-bridge/protocol/index.ts';
import { batteryOf, ignore, isObject, parseJsonPayload, reject, type DeviceDecoded, type DeviceSignal } from './decoded.ts';

export const Z2M_DEFAULT_BASE_TOPIC = 'zigbee2mqtt';

/**
 * `action` values that are a bell event. DEVICES.md §1.2 (zigbee-herdsman-converters @ df72005):
 * `emergency` (fz.command_emergency: Tuya TS0215A_sos/remote, TS0601_sos, Loginovo ZG-101Z), `sos` (ZG-101Z);
 * and, since a device provisioned as a zigbee2mqtt bell *is* configured as a panic button (§1.2 "Gateway
 * mapping recommendation", §6), the button actions `single`/`double` (Heiman HS1EB, ORVIBO SE20-O/SE21,
 * MultIR MIR-SO100, frient SBTZB-110, Aqara WXKG11LM/WXKG01LM/WXKG12LM) and the holds `hold` (same devices)
 * and `long` (fz.ewelink_action commandOff, frient SBTZB-110).
 * Everything else (`off`, `release`, `shake`, `many`, arm/disarm keys, …) is ignored and counted, never an emergency.
 */
export const Z2M_ACTIONS: Readonly<Record<string, BellEventType>> = {
  emergency: 'press',
  sos: 'press',
  single: 'press',
  double: 'press',
  triple: 'press',
  quadruple: 'press',
  hold: 'long_press',
  long: 'long_press',
};

/**
 * State-style flags (DEVICES.md §1.2: fz.ias_sos_alarm_2 for Feibit SEB01ZB; modernExtend.iasZoneAlarm bits
 * tamper/battery_low/test): an event when the flag turns true.
 */
export const Z2M_FLAGS: Readonly<Record<string, BellEventType>> = {
  sos: 'press',
  tamper: 'tamper',
  battery_low: 'low_battery',
  test: 'test',
};

/** Topics under a device that are not its state: commands to it and the optional bare-action side topic (§1.1, §7). */
const SKIPPED_SUFFIXES = ['/set', '/get', '/action'] as const;
/** Endpoint postfix (fz.command_emergency via postfixWithEndpointName: `emergency_l1`). */
const ENDPOINT_POSTFIX = /^(.+)_(?:l\d+|\d+)$/;

export function decodeZigbee2mqtt(topic: string, payload: Uint8Array, baseTopic = Z2M_DEFAULT_BASE_TOPIC): DeviceDecoded {
  const prefix = `${baseTopic}/`;
  if (!topic.startsWith(prefix)) return reject('wrong_topic', `not under ${prefix}`);
  let name = topic.slice(prefix.length);
  if (name === 'bridge' || name.startsWith('bridge/')) return ignore('not_a_device', `${topic}: bridge topic`);
  if (SKIPPED_SUFFIXES.some((s) => name.endsWith(s))) return ignore('not_a_device', `${topic}: not a state topic`);
  const availability = name.endsWith('/availability');
  if (availability) name = name.slice(0, -'/availability'.length);
  if (name === '') return reject('wrong_topic', `${topic}: no friendly name`);
  if (payload.byteLength === 0) return ignore('empty', `${topic}: empty payload (a cleared retained message)`, name);
  return availability ? availabilityOf(name, payload) : stateOf(name, payload);
}

/** Z2M ≥ 2.0 `{"state":"online"}`, Z2M 1.x legacy `online` (DEVICES.md §1.1: accept both). */
function availabilityOf(name: string, payload: Uint8Array): DeviceDecoded {
  const text = Buffer.from(payload).toString('utf8').trim();
  let state: unknown = text;
  if (text.startsWith('{')) {
    const parsed = parseJsonPayload(payload, name);
    if (!parsed.ok) return parsed.decoded;
    state = isObject(parsed.value) ? parsed.value.state : undefined;
  }
  if (state === 'online' || state === 'offline') return { ok: true, deviceId: name, signals: [{ kind: 'status', online: state === 'online' }] };
  return reject('invalid_field', `availability of ${name} is ${JSON.stringify(text.slice(0, 40))}: expected online/offline or {"state":"online"|"offline"}`, name);
}

function stateOf(name: string, payload: Uint8Array): DeviceDecoded {
  const parsed = parseJsonPayload(payload, name);
  if (!parsed.ok) return parsed.decoded;
  const msg = parsed.value;
  if (!isObject(msg)) return reject('invalid_field', `state of ${name} is not a JSON object`, name);
  const battery = batteryOf(msg.battery);
  if (msg.battery !== undefined && battery === undefined) return reject('invalid_field', `battery of ${name} is ${JSON.stringify(msg.battery)}: expected 0-100`, name);
  const signals: DeviceSignal[] = [];
  // Z2M repeats cached keys in every message (cache_state): linkquality varies between repeats, the rest is the message.
  const { linkquality: _lq, ...content } = msg;
  const key = JSON.stringify(content);
  let ignored: { detail: 'unknown_action' | 'not_a_press'; text: string } | undefined;
  if ('action' in msg) {
    // DEVICES.md §1.1: every message whose JSON contains `action` is one event.
    const action = msg.action;
    if (typeof action !== 'string') return reject('invalid_field', `action of ${name} is ${JSON.stringify(action)}: expected text`, name);
    const type = Z2M_ACTIONS[action] ?? Z2M_ACTIONS[ENDPOINT_POSTFIX.exec(action)?.[1] ?? ''];
    if (type) signals.push({ kind: 'event', type, action, dedupeKey: key, battery });
    // An empty action is Z2M clearing the previous one; not a press.
    else ignored = { detail: action === '' ? 'not_a_press' : 'unknown_action', text: `${name}: action ${JSON.stringify(action)} is not a bell event` };
  }
  const flags: Record<string, boolean> = {};
  for (const [flag, type] of Object.entries(Z2M_FLAGS)) {
    const v = msg[flag];
    if (typeof v !== 'boolean') continue;
    flags[flag] = v;
    if (v) signals.push({ kind: 'event', type, action: flag, dedupeKey: `${flag}|${key}`, latch: flag, battery });
  }
  // Whatever else it says, the device spoke: proof of life, with its battery (an event proves it too).
  if (signals.length === 0) signals.push({ kind: 'heartbeat', battery });
  return { ok: true, deviceId: name, signals, ignored, flags };
}
