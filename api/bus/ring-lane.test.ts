import { describe, expect, it } from 'vitest';
import { checkRing, ringLaneKey, signRing } from './ring-lane.ts';

const key = ringLaneKey('the gateway password');
const NOW = 1_800_000_000_000;
const ring = (over: Record<string, unknown> = {}) =>
  JSON.stringify({ t: 'incident.opened', v: 1, o: 'host:1:abc', at: NOW, d: { incident: { id: 'i1' } }, ...over });

describe('the ring lane: each message checked before it reaches the bus', () => {
  it('a signed, fresh envelope is delivered without a bus-table sequence', () => {
    const checked = checkRing(key, Buffer.from(signRing(key, ring())), NOW + 1_000);
    expect(checked).toEqual({ ok: true, envelope: { s: null, t: 'incident.opened', v: 1, o: 'host:1:abc', d: { incident: { id: 'i1' } } } });
  });

  it('the same key from the same password in every process, another from another', () => {
    expect(ringLaneKey('the gateway password').equals(key)).toBe(true);
    expect(checkRing(ringLaneKey('another password'), Buffer.from(signRing(key, ring())), NOW).ok).toBe(false);
  });

  it.each([
    ['no signature', () => ring(), 'ring_signature'],
    ['a signature of another body', () => `${signRing(key, ring()).slice(0, 65)}${ring({ o: 'forged' })}`, 'ring_signature'],
    ['a signature that is not hex', () => `${'z'.repeat(64)}.${ring()}`, 'ring_signature'],
    ['signed, but not JSON', () => signRing(key, '{"t":'), 'ring_json'],
    ['signed, but not an envelope', () => signRing(key, JSON.stringify({ t: 'incident.opened', v: 0, o: 'x', at: NOW })), 'ring_envelope'],
    ['signed, but sent 31 s ago (a replay)', () => signRing(key, ring({ at: NOW - 31_000 })), 'ring_stale'],
    ['signed, but from 31 s ahead', () => signRing(key, ring({ at: NOW + 31_000 })), 'ring_stale'],
    ['larger than any ring', () => signRing(key, ring({ d: { pad: 'x'.repeat(20_000) } })), 'ring_size'],
  ] as const)('refuses %s, with its reason', (_name, message, reason) => {
    expect(checkRing(key, Buffer.from(message()), NOW)).toEqual({ ok: false, reason });
  });
});
