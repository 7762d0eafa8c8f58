import { describe, expect, it } from 'vitest';
import { clockFace, halfYearOf, localDate, localMinute, localMonth, zonedInstant } from './zoned-time.ts';

describe("a site's clocks", () => {
  // 2026-12-31 15:30 UTC is already New Year's Day in Seoul.
  const at = new Date('2026-12-31T15:30:45Z');

  it('reads the date, minute, month and half-year on the site\'s clocks, not UTC\'s', () => {
    expect(localDate(at, 'Asia/Seoul')).toBe('2027-01-01');
    expect(localMinute(at, 'Asia/Seoul')).toBe('2027-01-01 00:30');
    expect(localMonth(at, 'Asia/Seoul')).toBe('2027-01');
    expect(halfYearOf(at, 'Asia/Seoul')).toBe('2027-H1');
    expect(localDate(at, 'UTC')).toBe('2026-12-31');
    expect(halfYearOf(at, 'UTC')).toBe('2026-H2');
  });

  it('gives midnight as 00, never 24, and the zone\'s short name', () => {
    const face = clockFace(new Date('2026-06-30T15:00:00Z'), 'Asia/Seoul');
    expect(face).toMatchObject({ year: '2026', month: '07', day: '01', hour: '00', minute: '00', second: '00' });
    expect(face.zoneName).toMatch(/GMT\+9|KST/);
  });

  it('follows daylight saving time, and goes back from a wall time to the instant', () => {
    expect(localMinute(new Date('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01 08:00');
    expect(localMinute(new Date('2026-01-01T12:00:00Z'), 'America/New_York')).toBe('2026-01-01 07:00');
    const wall = { year: 2026, month: 7, day: 1, hour: 8, minute: 0, second: 0 };
    expect(zonedInstant(wall, 'America/New_York').toISOString()).toBe('2026-07-01T12:00:00.000Z');
  });

  it('refuses a zone Intl does not know (callers on the alarm path fall back to UTC and say so)', () => {
    expect(() => localMinute(at, 'Mars/Olympus')).toThrow(RangeError);
  });
});
