import { describe, expect, it } from 'vitest';
import { decodeTime, isValid } from 'ulidx';
import { ulid } from './ids.ts';

describe('ulid', () => {
  it('makes valid, distinct ids stamped with the time, every character of the random part in use', () => {
    const before = Date.now();
    const ids = Array.from({ length: 5_000 }, () => ulid());
    expect(ids.every((id) => isValid(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(decodeTime(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect(decodeTime(ids.at(-1)!)).toBeLessThanOrEqual(Date.now());
    const chars = new Set(ids.flatMap((id) => [...id.slice(10)]));
    expect(chars.size).toBe(32);
  });
});
