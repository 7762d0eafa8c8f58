/**
 * What a third-party device decoder says about one MQTT message (DEVICES.md §1–2): pure data, no I/O.
 * The source turns it into BellSignals once it knows the bell (resolver) and a sequence number (SeqAssigner).
 */
import type { BellEventType, RejectReason } from '../../../firmware-bridge/protocol/index.ts';

export type DeviceFamily = 'zigbee2mqtt' | 'shelly' | 'tasmota';

export type DeviceSignal =
  | {
      kind: 'event';
      type: BellEventType;
      /** The device's own word for it (`emergency`, `S`, `single_push`, `SINGLE`), for logs. */
      action: string;
      /** What makes this transmission the same as a repeat of it inside the dedupe window (never a timestamp we set). */
      dedupeKey: string;
      /**
       * State-style flag (Feibit `{"sos":true}`): Z2M repeats cached state in every message, so the source
       * raises the event only when the flag turns true (see `flags`), not each time it is seen true.
       */
      latch?: string | undefined;
      battery?: number | undefined;
    }
  | { kind: 'heartbeat'; battery?: number | undefined }
  | { kind: 'status'; online: boolean };

/** Bounded label values for the ignored-messages counter. */
export const IGNORE_DETAILS = [
  'unknown_action', 'not_a_press', 'not_a_device', 'unknown_device', 'retained', 'empty',
] as const;
export type IgnoreDetail = (typeof IGNORE_DETAILS)[number];

export type DeviceDecoded =
  | {
      ok: true;
      deviceId: string;
      /** A sub-address (Shelly input index): the bell of `deviceId/input` is tried before the bell of `deviceId`. */
      input?: string | undefined;
      signals: DeviceSignal[];
      /** Set when the message says nothing we act on: counted, never an emergency. */
      ignored?: { detail: IgnoreDetail; text: string } | undefined;
      /** The state-style flags as the message states them (true and false), for the source's latches. */
      flags?: Record<string, boolean> | undefined;
    }
  | { ok: true; deviceId?: undefined; signals: []; ignored: { detail: IgnoreDetail; text: string } }
  | { ok: false; reason: RejectReason; detail: string; deviceId?: string | undefined };

export const ignore = (detail: IgnoreDetail, text: string, deviceId?: string): DeviceDecoded =>
  deviceId === undefined ? { ok: true, signals: [], ignored: { detail, text } } : { ok: true, deviceId, signals: [], ignored: { detail, text } };

export const reject = (reason: RejectReason, detail: string, deviceId?: string): DeviceDecoded => ({ ok: false, reason, detail, deviceId });

/** Largest payload we parse: device messages are a few hundred bytes; Z2M state objects stay well under this. */
export const MAX_DEVICE_PAYLOAD_BYTES = 8 * 1024;

/** JSON of a payload, or the rejection that says why not. */
export function parseJsonPayload(payload: Uint8Array, deviceId?: string): { ok: true; value: unknown } | { ok: false; decoded: DeviceDecoded } {
  if (payload.byteLength > MAX_DEVICE_PAYLOAD_BYTES) {
    return { ok: false, decoded: reject('payload_too_large', `${payload.byteLength} bytes (max ${MAX_DEVICE_PAYLOAD_BYTES})`, deviceId) };
  }
  const text = Buffer.from(payload).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, decoded: reject('malformed_json', `not JSON: ${JSON.stringify(text.slice(0, 40))}`, deviceId) };
  }
}

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A battery percentage 0–100 (rounded), or undefined when absent or out of range. */
export function batteryOf(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= 100 ? Math.round(v) : undefined;
}
