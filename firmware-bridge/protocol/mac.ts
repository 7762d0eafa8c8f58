import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BellEventType } from './event.ts';

export interface MacFields {
  seq: number;
  type: BellEventType;
  at?: string | undefined;
}

/** PROTOCOL.md §1: HMAC-SHA256 over `{bellId}|{seq}|{type}|{at}`, `at` empty when absent. */
export function macInput(bellId: string, e: MacFields): string {
  return `${bellId}|${e.seq}|${e.type}|${e.at ?? ''}`;
}

export function computeMac(keyHex: string, bellId: string, e: MacFields): string {
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(macInput(bellId, e), 'utf8').digest('hex');
}

export function verifyMac(keyHex: string, bellId: string, e: MacFields, mac: string): boolean {
  const expected = Buffer.from(computeMac(keyHex, bellId, e), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
