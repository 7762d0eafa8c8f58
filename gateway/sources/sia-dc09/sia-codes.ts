/**
 * The SIA-DCS event codes (DEVICES.md §3.1, §6) a panel may send for a Guardbell bell, as data; and the
 * data block `[#acct|Nri1/PA501]` cut into its parts. Pure.
 */
import type { BellEventType } from '../../../firmware-bridge/protocol/index.ts';

export const SIA_EVENTS: Readonly<Record<string, { type: BellEventType; name: string }>> = {
  PA: { type: 'press', name: 'panic alarm' },
  HA: { type: 'long_press', name: 'hold-up / duress alarm' },
  TA: { type: 'tamper', name: 'tamper alarm' },
  YT: { type: 'low_battery', name: 'battery trouble' },
  RP: { type: 'test', name: 'automatic test' },
};

/** Restores of the codes above: acknowledged, recorded in the log, and they open or close nothing. */
export const SIA_RESTORES: Readonly<Record<string, { type: BellEventType; name: string }>> = {
  PH: { type: 'press', name: 'panic restore' },
  HH: { type: 'long_press', name: 'hold-up restore' },
  TR: { type: 'tamper', name: 'tamper restore' },
  YR: { type: 'low_battery', name: 'battery restore' },
};

export interface SiaDcsMessage {
  account?: string | undefined;
  area?: string | undefined;
  code: string;
  /** The number after the code: the zone (or user) it concerns, '' when absent. */
  zone: string;
}

// pysiaalarm's SIA_CONTENT_MATCHER in spirit: [#acct][|]N [ti..][id..][ri..] CODE rest
const DATA = /^(?:#([0-9A-Fa-f]{3,16}))?\|?N(?:ti\d{2}:\d{2}(?::\d{2})?\/?)?(?:id(\d*)\/?)?(?:ri(\d*)\/?)?([A-Z]{2})(.*)$/;

export function parseSiaDcsData(data: string): { ok: true; message: SiaDcsMessage } | { ok: false; detail: string } {
  const m = DATA.exec(data);
  if (!m) return { ok: false, detail: `${JSON.stringify(data.slice(0, 40))} is not SIA "#acct|N…CODE"` };
  const zone = /^\d{1,4}/.exec(m[5]!)?.[0] ?? '';
  return { ok: true, message: { account: m[1]?.toUpperCase(), area: m[3] || undefined, code: m[4]!, zone } };
}
