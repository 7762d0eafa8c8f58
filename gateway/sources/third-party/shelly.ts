/**
 * Shelly button events over MQTT (DEVICES.md §2.2 Gen2+, §2.3 Gen1) → device signals. Pure.
 * Device ids are compared in lower case: Gen1 spells the MAC in upper case (`shellybutton1-A4CF12F45D3C`),
 * Gen2 in lower case (`shellyplusi4-a8032ab12345`).
 */
import type { BellEventType } from '../../../firmware-bridge/protocol/index.ts';
import { batteryOf, ignore, isObject, parseJsonPayload, reject, type DeviceDecoded, type DeviceSignal } from './decoded.ts';

export const SHELLY_GEN1_DEFAULT_PREFIX = 'shellies';

/**
 * Gen1 `input_event` `event` values (DEVICES.md §2.3, Shelly Gen1 API docs): `S` short, `SS` double,
 * `SSS` triple, `L` long, `SL`/`LS` short+long. Any sequence with a long press counts as a hold.
 */
export const SHELLY_GEN1_EVENTS: Readonly<Record<string, BellEventType>> = {
  S: 'press',
  SS: 'press',
  SSS: 'press',
  L: 'long_press',
  SL: 'long_press',
  LS: 'long_press',
};

/**
 * Gen2+ `NotifyEvent` `event` values of button inputs (DEVICES.md §2.2, shelly-api-docs gen2 Notifications
 * and the virtual Button component). `btn_down`/`btn_up` accompany every push and would triple-count it;
 * `toggle` is a switch input: both are ignored (not_a_press).
 */
export const SHELLY_GEN2_EVENTS: Readonly<Record<string, BellEventType>> = {
  single_push: 'press',
  double_push: 'press',
  triple_push: 'press',
  long_push: 'long_press',
};
const GEN2_NOT_PRESSES = new Set(['btn_down', 'btn_up', 'toggle']);

/** `shellies/<model>-<id>/input_event/<n>`, `…/online`, `…/sensor/battery` (DEVICES.md §2.3). */
export function decodeShellyGen1(topic: string, payload: Uint8Array, prefix = SHELLY_GEN1_DEFAULT_PREFIX): DeviceDecoded {
  const parts = topic.split('/');
  if (parts[0] !== prefix || parts.length < 3 || !parts[1]) return reject('wrong_topic', `not ${prefix}/<device>/…`);
  const deviceId = parts[1].toLowerCase();
  const rest = parts.slice(2).join('/');
  const text = Buffer.from(payload).toString('utf8').trim();
  if (rest === 'online') {
    if (text === 'true' || text === 'false') return { ok: true, deviceId, signals: [{ kind: 'status', online: text === 'true' }] };
    if (text === '') return ignore('empty', `${topic}: empty payload`, deviceId);
    return reject('invalid_field', `${topic} is ${JSON.stringify(text.slice(0, 40))}: expected true/false`, deviceId);
  }
  if (rest === 'sensor/battery') {
    const battery = /^\d{1,3}(?:\.\d+)?$/.test(text) ? batteryOf(Number(text)) : undefined;
    if (battery === undefined) return reject('invalid_field', `${topic} is ${JSON.stringify(text.slice(0, 40))}: expected a percentage`, deviceId);
    return { ok: true, deviceId, signals: [{ kind: 'heartbeat', battery }] };
  }
  const input = /^input_event\/(\d{1,3})$/.exec(rest)?.[1];
  if (input === undefined) return ignore('not_a_press', `${topic}: not a button topic`, deviceId);
  if (text === '') return ignore('empty', `${topic}: empty payload`, deviceId);
  const parsed = parseJsonPayload(payload, deviceId);
  if (!parsed.ok) return parsed.decoded;
  const msg = parsed.value;
  if (!isObject(msg) || typeof msg.event !== 'string') return reject('invalid_field', `${topic}: expected {"event":"S","event_cnt":n}`, deviceId);
  const cnt = msg.event_cnt;
  if (cnt !== undefined && !(typeof cnt === 'number' && Number.isInteger(cnt) && cnt >= 0)) {
    return reject('invalid_field', `${topic}: event_cnt is ${JSON.stringify(cnt)}: expected a whole number`, deviceId);
  }
  // An empty event is what a Button1 reports before its first press.
  if (msg.event === '') return { ok: true, deviceId, input, signals: [{ kind: 'heartbeat' }] };
  const type = SHELLY_GEN1_EVENTS[msg.event];
  if (!type) return { ok: true, deviceId, input, signals: [], ignored: { detail: 'unknown_action', text: `${topic}: event ${JSON.stringify(msg.event)} is not a bell event` } };
  // event_cnt tells two single presses apart (both read "S"): it is the dedupe key (DEVICES.md §2.3).
  return { ok: true, deviceId, input, signals: [{ kind: 'event', type, action: msg.event, dedupeKey: `${input}|${msg.event}|${cnt ?? ''}` }] };
}

/** `<topic_prefix>/events/rpc` JSON-RPC notifications (DEVICES.md §2.2): `NotifyEvent` events, `NotifyStatus` as proof of life. */
export function decodeShellyGen2(topic: string, payload: Uint8Array): DeviceDecoded {
  const m = /^(.+)\/events\/rpc$/.exec(topic);
  if (!m) return reject('wrong_topic', `${topic} is not <prefix>/events/rpc`);
  const parsed = parseJsonPayload(payload);
  if (!parsed.ok) return parsed.decoded;
  const msg = parsed.value;
  if (!isObject(msg) || typeof msg.method !== 'string') return reject('invalid_field', `${topic}: not a JSON-RPC notification (no method)`);
  // `src` is the device id whatever topic_prefix was configured; the prefix defaults to it.
  const deviceId = (typeof msg.src === 'string' && msg.src !== '' ? msg.src : m[1]!).toLowerCase();
  const params = msg.params;
  if (msg.method === 'NotifyStatus' || msg.method === 'NotifyFullStatus') {
    return { ok: true, deviceId, signals: [{ kind: 'heartbeat', battery: isObject(params) ? gen2Battery(params) : undefined }] };
  }
  if (msg.method !== 'NotifyEvent') return ignore('not_a_press', `${topic}: method ${msg.method}`, deviceId);
  if (!isObject(params) || !Array.isArray(params.events)) return reject('invalid_field', `${topic}: NotifyEvent without params.events[]`, deviceId);
  const signals: DeviceSignal[] = [];
  let input: string | undefined;
  let ignored: { detail: 'unknown_action' | 'not_a_press'; text: string } | undefined;
  for (const ev of params.events) {
    if (!isObject(ev) || typeof ev.event !== 'string' || typeof ev.component !== 'string') {
      return reject('invalid_field', `${topic}: an event without component/event`, deviceId);
    }
    const type = SHELLY_GEN2_EVENTS[ev.event];
    if (!type) {
      ignored = { detail: GEN2_NOT_PRESSES.has(ev.event) ? 'not_a_press' : 'unknown_action', text: `${topic}: ${ev.component} event ${JSON.stringify(ev.event)} is not a bell event` };
      continue;
    }
    // `input:0` → input 0; other components (virtual button, BLU via gateway) address the device as a whole.
    input = /^input:(\d{1,3})$/.exec(ev.component)?.[1];
    // The device's event time tells a repeat of one push from the next push of the same kind.
    const ts = typeof ev.ts === 'number' ? ev.ts : isObject(params) && typeof params.ts === 'number' ? params.ts : '';
    signals.push({ kind: 'event', type, action: ev.event, dedupeKey: `${ev.component}|${String(ev.idx ?? '')}|${ev.event}|${ts}` });
  }
  return { ok: true, deviceId, input, signals, ignored: signals.length === 0 ? ignored : undefined };
}

/** `devicepower:0.battery.percent` in a status notification (battery-powered Gen2 devices). */
function gen2Battery(params: Record<string, unknown>): number | undefined {
  const power = params['devicepower:0'];
  return isObject(power) && isObject(power.battery) ? batteryOf(power.battery.percent) : undefined;
}
