import { crc16CcittFalse, crcHex } from './crc.ts';
import { ACK_STATES, EVENT_TYPES, type AckState, type BellEventType, type Decoded } from './event.ts';
import { isValidId } from './ids.ts';

export const MAX_SERIAL_FRAME_BYTES = 256;

export type SerialEventType = BellEventType | 'hb';
export interface SerialEventFrame {
  bellId: string;
  seq: number;
  type: SerialEventType;
  battery?: number;
}

function withCrc(body: string): string {
  return `$${body}*${crcHex(crc16CcittFalse(body))}\r\n`;
}

export function encodeSerialEvent(f: SerialEventFrame): string {
  return withCrc(`GB1,${f.bellId},${f.seq},${f.type},${f.battery ?? ''}`);
}

export function encodeSerialAck(bellId: string, seq: number, state: AckState): string {
  return withCrc(`GBA,${bellId},${seq},${state}`);
}

/** The comma-separated fields of one `$…*CRC` line (with or without its CRLF), its length and CRC checked. */
function frameFields(line: string): { ok: true; value: string[] } | { ok: false; reason: 'serial_frame'; detail: string } {
  const bad = (detail: string) => ({ ok: false as const, reason: 'serial_frame' as const, detail });
  const text = line.replace(/\r?\n$/, '').replace(/\r$/, '');
  if (Buffer.byteLength(text, 'latin1') > MAX_SERIAL_FRAME_BYTES) return bad('frame_too_long');
  const m = /^\$([^*]*)\*([0-9A-F]{4})$/.exec(text);
  if (!m) return bad('no_frame');
  const [, body = '', crc = ''] = m;
  if (crcHex(crc16CcittFalse(body)) !== crc) return bad('bad_crc');
  return { ok: true, value: body.split(',') };
}

/** Decodes one line (with or without its CRLF) of PROTOCOL.md §2. */
export function decodeSerialEvent(line: string): Decoded<SerialEventFrame> {
  const bad = (detail: string): Decoded<SerialEventFrame> => ({ ok: false, reason: 'serial_frame', detail });
  const framed = frameFields(line);
  if (!framed.ok) return framed;
  const fields = framed.value;
  if (fields.length !== 5 || fields[0] !== 'GB1') return bad('bad_field');
  const [, bellId = '', seqText = '', type = '', batteryText = ''] = fields;
  if (!isValidId(bellId) || !/^\d{1,10}$/.test(seqText)) return bad('bad_field');
  const seq = Number(seqText);
  if (seq > 0xffffffff) return bad('bad_field');
  if (type !== 'hb' && !(EVENT_TYPES as readonly string[]).includes(type)) return bad('bad_field');
  if (batteryText !== '' && (!/^\d{1,3}$/.test(batteryText) || Number(batteryText) > 100)) return bad('bad_field');
  const frame: SerialEventFrame = { bellId, seq, type: type as SerialEventType };
  if (batteryText !== '') frame.battery = Number(batteryText);
  return { ok: true, value: frame };
}

export interface SerialAckFrame {
  bellId: string;
  seq: number;
  state: AckState;
}

/** Decodes one `$GBA` line (with or without its CRLF): what a serial bell or hub reads back from the gateway. */
export function decodeSerialAck(line: string): Decoded<SerialAckFrame> {
  const bad = (detail: string): Decoded<SerialAckFrame> => ({ ok: false, reason: 'serial_frame', detail });
  const framed = frameFields(line);
  if (!framed.ok) return framed;
  const fields = framed.value;
  if (fields.length !== 4 || fields[0] !== 'GBA') return bad('bad_field');
  const [, bellId = '', seqText = '', state = ''] = fields;
  if (!isValidId(bellId) || !/^\d{1,10}$/.test(seqText) || Number(seqText) > 0xffffffff) return bad('bad_field');
  if (!(ACK_STATES as readonly string[]).includes(state)) return bad('bad_field');
  return { ok: true, value: { bellId, seq: Number(seqText), state: state as AckState } };
}
