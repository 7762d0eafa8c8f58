/**
 * Ademco Contact ID (DEVICES.md §4), pure: the `QXYZ GG CCC` of a DC-09 `ADM-CID` message, the 16-digit DTMF
 * form with its checksum, and the event codes a Guardbell bell understands, kept as data.
 */
import type { BellEventType } from '../../../firmware-bridge/protocol/index.ts';

/** 1 new event, 3 restore, 6 previously reported condition still present. */
export type Qualifier = 1 | 3 | 6;

export interface ContactIdMessage {
  /** `#acct` inside the data block, when the panel repeats it there (upper case). */
  account?: string | undefined;
  qualifier: Qualifier;
  /** XYZ, 3 hex digits, upper case. */
  code: string;
  /** GG, `00` = none. */
  partition: string;
  /** CCC: the zone of an event or the user of an open/close; `000` = none. */
  zone: string;
}

/** The Contact ID codes a panel may send for a Guardbell bell (PROTOCOL.md §3); anything else is refused. */
export const CONTACT_ID_EVENTS: Readonly<Record<string, { type: BellEventType; name: string }>> = {
  '120': { type: 'press', name: 'panic' },
  '121': { type: 'long_press', name: 'duress' },
  '122': { type: 'press', name: 'silent panic' },
  '123': { type: 'long_press', name: 'audible panic' },
  '130': { type: 'tamper', name: 'burglary' },
  '131': { type: 'tamper', name: 'perimeter' },
  '132': { type: 'tamper', name: 'interior' },
  '133': { type: 'tamper', name: '24 hour' },
  '134': { type: 'tamper', name: 'entry/exit' },
  '135': { type: 'tamper', name: 'day/night' },
  '136': { type: 'tamper', name: 'outdoor' },
  '137': { type: 'tamper', name: 'tamper' },
  '302': { type: 'low_battery', name: 'low system battery' },
  '309': { type: 'low_battery', name: 'battery test failure' },
  '602': { type: 'test', name: 'periodic test' },
};

export type ContactIdResult = { ok: true; message: ContactIdMessage } | { ok: false; detail: string };

// `#acct|` is sometimes absent, and some panels leave out the spaces.
const DATA = /^(?:#([0-9A-Fa-f]{3,16}))?\|?([0-9A-Fa-f])([0-9A-Fa-f]{3}) ?([0-9A-Fa-f]{2}) ?([0-9A-Fa-f]{3})$/;

/** The data block of an `ADM-CID` message: `#1234|1120 01 015`. */
export function parseContactIdData(data: string): ContactIdResult {
  const m = DATA.exec(data);
  if (!m) return { ok: false, detail: `${JSON.stringify(data.slice(0, 40))} is not Contact ID "#acct|QXYZ GG CCC"` };
  const q = Number(m[2]);
  if (q !== 1 && q !== 3 && q !== 6) return { ok: false, detail: `qualifier ${m[2]} is not 1 (new), 3 (restore) or 6 (still present)` };
  return {
    ok: true,
    message: { account: m[1]?.toUpperCase(), qualifier: q, code: m[3]!.toUpperCase(), partition: m[4]!.toUpperCase(), zone: m[5]!.toUpperCase() },
  };
}

export type ContactIdMeaning =
  | { kind: 'event'; type: BellEventType; name: string }
  /** A restore (Q=3) opens nothing: the panic button was reset, the person may still be in danger. */
  | { kind: 'restore'; type: BellEventType; name: string }
  | { kind: 'unknown'; detail: string };

export function contactIdMeaning(m: ContactIdMessage): ContactIdMeaning {
  const known = CONTACT_ID_EVENTS[m.code];
  if (!known) return { kind: 'unknown', detail: `Contact ID event ${m.code} is not one a bell sends (known: ${Object.keys(CONTACT_ID_EVENTS).join(', ')})` };
  // Q=6 (still present) is the same alarm again: handled as the event, so it joins the open incident.
  return m.qualifier === 3 ? { kind: 'restore', ...known } : { kind: 'event', ...known };
}

/** Digit values of the checksum: 0 counts as 10, B–F as 11–15 (A is not a Contact ID digit). */
function digitValue(c: string): number {
  if (c === '0') return 10;
  const v = parseInt(c, 16);
  return Number.isNaN(v) || c.toUpperCase() === 'A' ? NaN : v;
}

/** The check digit S that makes Σ(all digits) a multiple of 15 (`F` when it already is). */
export function contactIdCheckDigit(first15: string): string {
  const sum = [...first15].reduce((acc, c) => acc + digitValue(c), 0);
  const s = 15 - (sum % 15);
  return s === 15 ? 'F' : s === 10 ? '0' : s.toString(16).toUpperCase();
}

/** The 16-digit DTMF form `ACCT MT Q XYZ GG CCC S`, with its checksum verified. */
export function parseContactIdDtmf(digits: string): ContactIdResult {
  const m = /^([0-9B-F]{4})(18|98)([0-9])([0-9B-F]{3})([0-9B-F]{2})([0-9B-F]{3})([0-9B-F])$/i.exec(digits);
  if (!m) return { ok: false, detail: `${JSON.stringify(digits)} is not ACCT MT Q XYZ GG CCC S` };
  const expected = contactIdCheckDigit(digits.slice(0, 15));
  if (expected !== m[7]!.toUpperCase()) return { ok: false, detail: `checksum ${m[7]} sent, ${expected} expected` };
  const parsed = parseContactIdData(`#${m[1]}|${m[3]}${m[4]} ${m[5]} ${m[6]}`);
  return parsed;
}
