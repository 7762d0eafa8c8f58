/**
 * Tasmota button actions over MQTT (DEVICES.md §2.1) → device signals. Pure.
 * The FullTopic pattern is configurable (`%prefix%/%topic%/` by default, `%topic%/%prefix%/` on some installs).
 */
import type { BellEventType } from '../../../firmware-bridge/protocol/index.ts';
import { ignore, isObject, parseJsonPayload, reject, type DeviceDecoded, type DeviceSignal } from './decoded.ts';

export const TASMOTA_DEFAULT_FULL_TOPIC = '%prefix%/%topic%/';

/**
 * `Action` values with `SetOption73 1` (DEVICES.md §2.1: arendst/Tasmota support_button.ino `kMultiPress`
 * `|SINGLE|DOUBLE|TRIPLE|QUAD|PENTA|CLEAR|` and xdrv_12_home_assistant.ino `…|HOLD|` → button_long_press).
 * `CLEAR` is not a press: ignored.
 */
export const TASMOTA_ACTIONS: Readonly<Record<string, BellEventType>> = {
  SINGLE: 'press',
  DOUBLE: 'press',
  TRIPLE: 'press',
  QUAD: 'press',
  PENTA: 'press',
  HOLD: 'long_press',
};

export interface TasmotaTopics {
  /** MQTT filters to subscribe to: `stat/+/RESULT` and `tele/+/LWT` for the default FullTopic. */
  filters: string[];
  /** The device topic and the message kind of a topic, or undefined when it is not one of ours. */
  parse(topic: string): { deviceId: string; what: 'RESULT' | 'LWT' } | undefined;
}

export function tasmotaTopics(fullTopic = TASMOTA_DEFAULT_FULL_TOPIC): TasmotaTopics {
  const pattern = fullTopic.endsWith('/') ? fullTopic : `${fullTopic}/`;
  const filter = (prefix: string, what: string) => `${pattern.replace('%prefix%', prefix).replace('%topic%', '+')}${what}`;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const regex = (prefix: string, what: string) =>
    new RegExp(`^${escape(pattern).replace('%prefix%', escape(prefix)).replace('%topic%', '([^/]+)')}${what}$`);
  const result = regex('stat', 'RESULT');
  const lwt = regex('tele', 'LWT');
  return {
    filters: [filter('stat', 'RESULT'), filter('tele', 'LWT')],
    parse(topic) {
      const r = result.exec(topic);
      if (r) return { deviceId: r[1]!, what: 'RESULT' };
      const l = lwt.exec(topic);
      return l ? { deviceId: l[1]!, what: 'LWT' } : undefined;
    },
  };
}

const DEFAULT_TOPICS = tasmotaTopics();

export function decodeTasmota(topic: string, payload: Uint8Array, topics: TasmotaTopics = DEFAULT_TOPICS): DeviceDecoded {
  const parsedTopic = topics.parse(topic);
  if (!parsedTopic) return reject('wrong_topic', `${topic} is not a Tasmota stat/…/RESULT or tele/…/LWT topic`);
  const { deviceId } = parsedTopic;
  const text = Buffer.from(payload).toString('utf8').trim();
  if (text === '') return ignore('empty', `${topic}: empty payload`, deviceId);
  if (parsedTopic.what === 'LWT') {
    // Retained `Online` / `Offline` (DEVICES.md §2.1).
    if (text === 'Online' || text === 'Offline') return { ok: true, deviceId, signals: [{ kind: 'status', online: text === 'Online' }] };
    return reject('invalid_field', `${topic} is ${JSON.stringify(text.slice(0, 40))}: expected Online/Offline`, deviceId);
  }
  const parsed = parseJsonPayload(payload, deviceId);
  if (!parsed.ok) return parsed.decoded;
  const msg = parsed.value;
  if (!isObject(msg)) return reject('invalid_field', `${topic}: not a JSON object`, deviceId);
  // Look for /^Button\d+$/ keys rather than matching strings: extra keys can appear (DEVICES.md §2.1).
  const buttons: [string, unknown][] = Object.entries(msg).filter(([k]) => /^Button\d+$/.test(k)).map(([k, v]) => [k, isObject(v) ? v.Action : undefined]);
  // Firmware before 9.1 sent `{"ACTION":"SINGLE"}` (Tasmota changelog v9.1): accept both.
  if (buttons.length === 0 && 'ACTION' in msg) buttons.push(['Button1', msg.ACTION]);
  // `{"POWER":"ON"}` and other command results: the device is alive, nothing was pressed.
  if (buttons.length === 0) return { ok: true, deviceId, signals: [{ kind: 'heartbeat' }] };
  const signals: DeviceSignal[] = [];
  let ignored: { detail: 'unknown_action'; text: string } | undefined;
  for (const [button, action] of buttons) {
    if (typeof action !== 'string') return reject('invalid_field', `${topic}: ${button}.Action is ${JSON.stringify(action)}: expected text`, deviceId);
    const type = TASMOTA_ACTIONS[action.toUpperCase()];
    if (type) signals.push({ kind: 'event', type, action, dedupeKey: `${button}|${action.toUpperCase()}` });
    else ignored = { detail: 'unknown_action', text: `${topic}: ${button} action ${JSON.stringify(action)} is not a bell event` };
  }
  return { ok: true, deviceId, signals, ignored: signals.length === 0 ? ignored : undefined };
}
