/**
 * One RFLink line (DEVICES.md §5.1) → a device frame, a line to ignore, or a rejection with its reason. Pure.
 *
 * `20;<CC>;<Name>;ID=<hex>;SWITCH=<x>;CMD=<ON|OFF|ALLON|ALLOFF>;[LABEL=value;]…` is parsed with the tolerant
 * regex of DEVICES.md; the receiver's own lines (startup banner, `OK`, `DEBUG`, replies to commands) are
 * recognised first and ignored, never taken for devices.
 */
import { rflinkDeviceId } from './device-id.ts';

/** RFLink's device lines are well under 100 characters; a longer line is noise, or a DEBUG pulse dump. */
export const MAX_RFLINK_LINE_BYTES = 256;

export type RflinkProblem = 'garbage' | 'not_rflink' | 'line_too_long' | 'bad_field';
export const RFLINK_PROBLEMS: readonly RflinkProblem[] = ['garbage', 'not_rflink', 'line_too_long', 'bad_field'];

/** The receiver talking about itself: `startup` (banner), `debug` (pulse dumps), `reply` (answers to commands), `not_a_device` (a line without ID). */
export type RflinkChatter = 'startup' | 'debug' | 'reply' | 'not_a_device';

export interface RflinkFrame {
  /** The normalised `NAME/ID/SWITCH` (device-id.ts). */
  deviceId: string;
  /** The protocol name as printed, for logs. */
  name: string;
  /** `CMD=` in upper case (`ON`, `OFF`, `ALLON`, `ALLOFF`, …), when present. */
  cmd?: string | undefined;
  /** `BAT=` in upper case (`OK`, `LOW`), when present. */
  bat?: string | undefined;
  /** Every `LABEL=value` of the line, labels in upper case, values as printed. */
  fields: Readonly<Record<string, string>>;
}

export type RflinkLine =
  | { kind: 'device'; frame: RflinkFrame }
  | { kind: 'ignored'; detail: RflinkChatter; text: string }
  | { kind: 'rejected'; problem: RflinkProblem; detail: string };

/** DEVICES.md §5.1, verbatim. */
const RFLINK_LINE = /^20;([0-9A-F]{2});([^;=]+);((?:[A-Z_0-9]+=[^;]*;)*)\r?$/i;
/** Node 20 (RFLink → host) and a two-character counter; the counter is hex on the wire, `XX` in the reference's examples. */
const NODE_20 = /^20;[0-9A-Z]{2};/i;
/** Where a device line starts inside a longer one (see splitJoinedLines). */
const LINE_START = /20;[0-9A-F]{2};/gi;

const STARTUP = [/^Nodo RadioFrequencyLink\b/i, /^MySensors=/i];
/** Answers to commands from the host (`10;PING;` → `PONG`, `10;VERSION;` → `VER=…`, `10;RFDEBUG=ON;` → `RFDEBUG=ON`). */
const REPLIES = [/^OK;$/i, /^PONG;$/i, /^CMD UNKNOWN;$/i, /^VER=/i, /^[RQ]?RF[A-Z]*DEBUG=(?:ON|OFF);$/i];

/** Printable ASCII only: anything else is a wrong baud rate, a USB glitch or another device on the port. */
const PRINTABLE = /^[\x20-\x7e]*$/;
const EXCERPT = 48;
/** A bounded, one-line, printable excerpt of a line for a log detail. */
const excerpt = (line: string) => `"${printable(line.slice(0, EXCERPT))}${line.length > EXCERPT ? '…' : ''}"`;
const printable = (s: string) => s.replace(/[^\x20-\x7e]|\\/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * A line as read, decoded: one outcome, or several when a refused line has RFLink lines glued inside it
 * (noise, or a line cut off by a receiver reset, with no CR LF before the next line, must not take the good
 * line down with it). A line that decodes whole is never split.
 */
export function decodeRflinkLines(line: string): RflinkLine[] {
  const whole = decodeRflinkLine(line);
  if (whole.kind !== 'rejected') return [whole];
  const pieces = splitJoinedLines(line);
  return pieces.length === 1 ? [whole] : pieces.map(decodeRflinkLine);
}

/**
 * Splits a line where another RFLink line (`20;HH;`) starts inside it. `20;HH;` does not occur inside a valid
 * line (every field is `LABEL=value;`: after a `;` come a label and `=`). The part before the first start, if
 * any, comes first and is refused on its own.
 */
export function splitJoinedLines(line: string): string[] {
  const starts = [...line.matchAll(LINE_START)].map((m) => m.index).filter((i) => i > 0);
  if (starts.length === 0) return [line];
  const bounds = [0, ...starts, line.length];
  return bounds.slice(0, -1).map((from, i) => line.slice(from, bounds[i + 1])).filter((piece) => piece !== '');
}

export function decodeRflinkLine(raw: string): RflinkLine {
  const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw; // the regex's `\r?`: a CR left by an LF-only split
  if (line.length > MAX_RFLINK_LINE_BYTES) return overlongLine(line.slice(0, EXCERPT), line.length);
  if (!PRINTABLE.test(line)) return rejected('garbage', `bytes that are not printable ASCII: ${excerpt(line)}`);
  if (!NODE_20.test(line)) return rejected('not_rflink', `not an RFLink line (20;CC;…): ${excerpt(line)}`);
  const rest = line.slice(6);
  if (STARTUP.some((r) => r.test(rest))) return { kind: 'ignored', detail: 'startup', text: rest };
  if (/^DEBUG;/i.test(rest)) return { kind: 'ignored', detail: 'debug', text: rest.slice(0, EXCERPT) };
  if (REPLIES.some((r) => r.test(rest))) return { kind: 'ignored', detail: 'reply', text: rest };
  const m = RFLINK_LINE.exec(line);
  if (!m) return rejected('bad_field', `not NAME;LABEL=value;… with every field ending in ";": ${excerpt(line)}`);
  const name = m[2]!;
  const fields: Record<string, string> = {};
  for (const field of m[3]!.split(';')) {
    const at = field.indexOf('=');
    if (at < 0) continue; // the empty piece after the last `;`
    const label = field.slice(0, at).toUpperCase();
    fields[label] ??= field.slice(at + 1);
  }
  if (fields.ID === undefined) return { kind: 'ignored', detail: 'not_a_device', text: rest };
  const deviceId = rflinkDeviceId(name, fields.ID, fields.SWITCH);
  if (!deviceId) return rejected('bad_field', `${name}: ID=${fields.ID}${fields.SWITCH === undefined ? '' : ` SWITCH=${fields.SWITCH}`} is not a hex ID and a button: ${excerpt(line)}`);
  return { kind: 'device', frame: { deviceId, name, cmd: fields.CMD?.toUpperCase(), bat: fields.BAT?.toUpperCase(), fields } };
}

/**
 * A line longer than the limit, known by its first bytes: a DEBUG pulse dump (`20;XX;DEBUG;Pulses=…`, as long
 * as the signal) is chatter; anything else is refused.
 */
export function overlongLine(head: string, bytes: number): RflinkLine {
  if (NODE_20.test(head) && /^DEBUG;/i.test(head.slice(6))) return { kind: 'ignored', detail: 'debug', text: head };
  return rejected('line_too_long', `${bytes} bytes (at most ${MAX_RFLINK_LINE_BYTES}), starting ${excerpt(head)}`);
}

const rejected = (problem: RflinkProblem, detail: string): RflinkLine => ({ kind: 'rejected', problem, detail });
