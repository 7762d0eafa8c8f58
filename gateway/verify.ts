import { verifyMac } from '../firmware-bridge/protocol/index.ts';
import type { BellEventSignal, Rejection } from './signal.ts';

export interface BellRecord {
  id: string;
  siteId: string;
  counterId: string;
  adapter: string;
  keyHex: string | null;
  /** The device's own address for adapters that name it (SIA DC-09: `ACCOUNT` or `ACCOUNT/zone`). */
  deviceId?: string | null | undefined;
  /** The confirmation rule: a first press opens an unconfirmed incident, a second within `within` s (or a hold) confirms it. */
  confirm?: { within: number } | null | undefined;
  /** The bell has its own broker credential: only it can publish in its name (gateway/broker/topic-rules.ts). */
  ownCredential?: boolean | undefined;
}

export interface BellDirectory {
  lookup(bellId: string): BellRecord | undefined;
}

/** Checks an event against the bell's record: known bell, MAC on keyed bells, no MAC-less transport for keyed bells. */
export function verifyEvent(s: BellEventSignal, bell: BellRecord | undefined): Pick<Rejection, 'reason' | 'detail'> | null {
  if (!bell) return { reason: 'unknown_bell', detail: `bell ${s.bellId} is not provisioned` };
  if (!bell.keyHex) return null;
  if (s.transport === 'serial') return { reason: 'missing_mac', detail: `bell ${s.bellId} has a key and is refused on a serial line` };
  if (!s.mac) return { reason: 'missing_mac', detail: `bell ${s.bellId} has a key but the event carries no mac` };
  if (!verifyMac(bell.keyHex, s.bellId, s, s.mac)) return { reason: 'bad_mac', detail: `mac of ${s.type} seq ${s.seq} does not verify` };
  return null;
}

/** Rejections that raise a security alert on the console instead of only a counter. */
export function isSecurityRejection(reason: Rejection['reason']): boolean {
  return reason === 'missing_mac' || reason === 'bad_mac' || reason === 'replay';
}
