import { z } from 'zod';

/** Payloads larger than this are refused before parsing (PROTOCOL.md bad-input rules). */
export const MAX_PAYLOAD_BYTES = 16 * 1024;

export const EVENT_TYPES = ['press', 'long_press', 'cancel', 'test', 'tamper', 'low_battery'] as const;
export type BellEventType = (typeof EVENT_TYPES)[number];

export const ACK_STATES = ['received', 'acknowledged', 'cancelled', 'closed'] as const;
export type AckState = (typeof ACK_STATES)[number];

const rfc3339 = z.iso.datetime({ offset: true, message: 'must be an RFC 3339 time' });
const seqSchema = z
  .number({ message: 'must be a number' })
  .int('must be an integer')
  .min(0, 'must not be negative')
  .max(0xffffffff, 'must fit in 32 bits');

// Unknown extra fields are accepted and ignored: the protocol grows by adding optional fields.
export const bellEventSchema = z.object({
  seq: seqSchema,
  type: z.enum(EVENT_TYPES, { message: `must be one of ${EVENT_TYPES.join(', ')}` }),
  at: rfc3339.optional(),
  battery: z.number().int().min(0).max(100).optional(),
  rssi: z.number().int().min(-200).max(50).optional(),
  fw: z.string().max(64).optional(),
  mac: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits').optional(),
  /**
   * Added to PROTOCOL.md §1 (optional): the bell's boot counter, raised each time it starts counting `seq`
   * again (a repair, a re-flash, a lost counter). Events are ordered by (boot, seq); the MAC covers it.
   */
  boot: seqSchema.optional(),
});
export type BellEvent = z.infer<typeof bellEventSchema>;

export const heartbeatSchema = z.object({
  battery: z.number().int().min(0).max(100).optional(),
  rssi: z.number().int().min(-200).max(50).optional(),
  fw: z.string().max(64).optional(),
  uptime: z.number().int().min(0).optional(),
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

export const statusSchema = z.object({ online: z.boolean() });
export type BellStatusMessage = z.infer<typeof statusSchema>;

export const ackSchema = z.object({
  seq: seqSchema,
  incident: z.string().optional(),
  state: z.enum(ACK_STATES),
});
export type Ack = z.infer<typeof ackSchema>;

export type RejectReason =
  | 'payload_too_large'
  | 'malformed_json'
  | 'unknown_type'
  | 'bad_seq'
  | 'invalid_field'
  | 'wrong_topic'
  | 'bad_bell_id'
  | 'unknown_bell'
  | 'missing_mac'
  | 'bad_mac'
  | 'replay'
  | 'serial_frame';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: RejectReason; detail: string };

function parseJson(payload: Uint8Array | string): Decoded<unknown> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > MAX_PAYLOAD_BYTES) {
    return { ok: false, reason: 'payload_too_large', detail: `payload of ${size} bytes exceeds ${MAX_PAYLOAD_BYTES}` };
  }
  // Read in place: Buffer.from(a Uint8Array) copies it first.
  const text = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (err) {
    return { ok: false, reason: 'malformed_json', detail: `not JSON: ${(err as Error).message}` };
  }
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(payload)'} ${i.message}`).join('; ');
}

function decodeWith<T>(schema: z.ZodType<T>, payload: Uint8Array | string): Decoded<T> {
  const json = parseJson(payload);
  if (!json.ok) return json;
  const parsed = schema.safeParse(json.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, reason: 'invalid_field', detail: describeIssues(parsed.error) };
}

/** Decodes a bell event, naming the most specific reason a broken one is refused. */
export function decodeEvent(payload: Uint8Array | string): Decoded<BellEvent> {
  const json = parseJson(payload);
  if (!json.ok) return json;
  const parsed = bellEventSchema.safeParse(json.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const first = parsed.error.issues[0];
  const field = first?.path[0];
  const reason: RejectReason = field === 'type' ? 'unknown_type' : field === 'seq' ? 'bad_seq' : 'invalid_field';
  return { ok: false, reason, detail: describeIssues(parsed.error) };
}

export const decodeHeartbeat = (p: Uint8Array | string): Decoded<Heartbeat> => decodeWith(heartbeatSchema, p);
export const decodeStatus = (p: Uint8Array | string): Decoded<BellStatusMessage> => decodeWith(statusSchema, p);
export const decodeAck = (p: Uint8Array | string): Decoded<Ack> => decodeWith(ackSchema, p);

export function encodeAck(ack: Ack): string {
  return JSON.stringify(ack);
}

export function encodeEvent(event: BellEvent): string {
  return JSON.stringify(event);
}
