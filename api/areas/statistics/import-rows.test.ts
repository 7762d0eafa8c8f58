import { describe, expect, it } from 'vitest';
import { checkImportRows, type RawRow } from './import-rows.ts';
import { parseWallTime, zonedInstant } from '../../domain/zoned-time.ts';

const places = {
  timezoneOf: (s: string) => ({ 'site-a': 'Asia/Seoul', 'site-b': 'Asia/Seoul' } as Record<string, string>)[s],
  hasCounter: (s: string, c: string) => s === 'site-a' && c === 'passport-3',
  mayImportAt: (s: string) => s === 'site-a',
};
const now = new Date('2026-11-23T00:00:00Z');
const good = (rowNumber: number, over: RawRow['cells'] = {}): RawRow => ({
  rowNumber,
  cells: { site: 'site-a', counter: 'passport-3', opened_at: '2025-03-02 14:05', kind: 'verbal_abuse, threat', acknowledged_at: '2025-03-02 14:05:40', ...over },
});

describe('import rows', () => {
  it('reads site wall-clock times in the site time zone, and Excel date cells the same way', () => {
    const r = checkImportRows([good(2), good(3, { reference: 'X-1', opened_at: new Date(Date.UTC(2025, 2, 2, 14, 5)) })], places, now);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.rows[0]!.openedAt.toISOString()).toBe('2025-03-02T05:05:00.000Z');
    expect(r.rows[1]!.openedAt.toISOString()).toBe('2025-03-02T05:05:00.000Z');
    expect(r.rows[0]!.times.acknowledged?.toISOString()).toBe('2025-03-02T05:05:40.000Z');
    expect(r.rows[0]!.closedAt.toISOString()).toBe('2025-03-02T05:05:40.000Z');
    expect(r.rows[0]!.classification).toEqual(['verbal_abuse', 'threat']);
  });

  it('names every bad cell by row, column and reason, and passes no row then', () => {
    const r = checkImportRows([
      good(2),
      good(3, { site: 'nowhere' }),
      good(4, { counter: 'welfare-9', kind: 'rudeness', opened_at: '2025-02-30 10:00' }),
      good(5, { site: 'site-b' }),
      good(6, { acknowledged_at: '2025-03-02 13:00', violence: 'maybe' }),
      good(7, { opened_at: '2027-01-01 00:00' }),
      good(8, { site: '', counter: null, opened_at: undefined, kind: '' }),
    ], places, now);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.row, p.column])).toEqual([
      [3, 'site'],
      [4, 'counter'], [4, 'opened_at'], [4, 'kind'],
      [5, 'site'], [5, 'counter'],
      [6, 'violence'], [6, 'acknowledged_at'],
      [7, 'opened_at'],
      [8, 'site'], [8, 'counter'], [8, 'opened_at'], [8, 'kind'],
    ]);
    expect(r.problems.find((p) => p.row === 4 && p.column === 'kind')!.reason).toContain('"rudeness"');
    expect(r.problems.find((p) => p.row === 5)!.reason).toContain('may not import');
  });

  it('refuses the same incident twice in one file (the idempotency key)', () => {
    const r = checkImportRows([good(2), good(3), good(4, { reference: 'R1' }), good(5, { reference: 'R1', opened_at: '2025-01-01 09:00' })], places, now);
    expect(r).toEqual({ ok: false, problems: [{ row: 3, column: null, reason: 'the same incident as row 2' }, { row: 5, column: 'reference', reason: 'the same incident as row 4' }] });
  });

  it('refuses an empty sheet', () => {
    expect(checkImportRows([], places, now)).toMatchObject({ ok: false, problems: [{ row: 0 }] });
  });

  it('turns wall times into instants across a DST change (New York)', () => {
    expect(zonedInstant(parseWallTime('2026-03-08 03:30')!, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
    expect(zonedInstant(parseWallTime('2026-01-08 03:30')!, 'America/New_York').toISOString()).toBe('2026-01-08T08:30:00.000Z');
    expect(parseWallTime('2026-13-01 00:00')).toBeNull();
    expect(parseWallTime('2026-01-01 24:00')).toBeNull();
  });
});
