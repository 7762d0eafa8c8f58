import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BellEventType } from './event.ts';

export interface MacFields {
  seq: number;
  type: BellEventType;
  at?: string | undefined;
  boot?: number | undefined;
}

/**
 * PROTOCOL.md §1: HMAC-SHA256 over `{bellId}|{seq}|{type}|{at}`, `at` empty when absent. An event that
 * carries the added `boot` is signed over `{bellId}|{seq}|{type}|{at}|{boot}`, so that nobody can add or
 * change a boot counter on a recorded event to make it new again.
 */
export function macInput(bellId: string, e: MacFields): string {
  const base = `${bellId}|${e.seq}|${e.type}|${e.at ?? ''}`;
  return e.boot === undefined ? base : `${base}|${e.boot}`;
}

export function computeMac(keyHex: string, bellId: string, e: MacFields): string {
  return createHmac('sha256', Buffer.from(keyHex, 'hex')).update(macInput(bellId, e), 'utf8').digest('hex');
}

export function verifyMac(keyHex: string, bellId: string, e: MacFields, mac: string): boolean {
  const expected = Buffer.from(computeMac(keyHex, bellId, e), 'hex');
  const given = Buffer.from(mac, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
