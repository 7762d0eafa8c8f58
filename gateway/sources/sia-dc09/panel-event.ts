/**
 * What a checked DC-09 frame means for Guardbell, pure: a bell event, a restore, a link test, or something
 * we refuse (with the answer DC-09 wants for it). Contact ID and SIA-DCS codes come from their tables.
 */
import type { BellEventType } from '../../../firmware-bridge/protocol/index.ts';
import { contactIdMeaning, parseContactIdData } from './contact-id.ts';
import type { Dc09Frame } from './frame.ts';
import { parseSiaDcsData, SIA_EVENTS, SIA_RESTORES } from './sia-codes.ts';

export type PanelEvent =
  | { kind: 'link_test' }
  | { kind: 'event'; type: BellEventType; code: string; name: string; zone: string | undefined }
  | { kind: 'restore'; type: BellEventType; code: string; name: string; zone: string | undefined }
  /** Well-formed, but not something we understand: answered DUH. */
  | { kind: 'unknown'; detail: string }
  /** The data block does not parse: answered NAK. */
  | { kind: 'malformed'; detail: string };

export function panelEvent(frame: Dc09Frame): PanelEvent {
  if (frame.id === 'NULL') return { kind: 'link_test' };
  if (frame.id === 'ADM-CID') {
    const p = parseContactIdData(frame.data);
    if (!p.ok) return { kind: 'malformed', detail: p.detail };
    const zone = p.message.zone === '000' ? undefined : p.message.zone;
    const meaning = contactIdMeaning(p.message);
    if (meaning.kind === 'unknown') return meaning;
    return { kind: meaning.kind, type: meaning.type, code: `CID ${p.message.qualifier}${p.message.code}`, name: meaning.name, zone };
  }
  const p = parseSiaDcsData(frame.data);
  if (!p.ok) return { kind: 'malformed', detail: p.detail };
  const zone = p.message.zone === '' || /^0+$/.test(p.message.zone) ? undefined : p.message.zone;
  const event = SIA_EVENTS[p.message.code];
  if (event) return { kind: 'event', ...event, code: `SIA ${p.message.code}`, zone };
  const restore = SIA_RESTORES[p.message.code];
  if (restore) return { kind: 'restore', ...restore, code: `SIA ${p.message.code}`, zone };
  return { kind: 'unknown', detail: `SIA event code ${p.message.code} is not one a bell sends (known: ${[...Object.keys(SIA_EVENTS), ...Object.keys(SIA_RESTORES)].join(', ')})` };
}
