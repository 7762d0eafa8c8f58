import { describe, expect, it } from 'vitest';
import { localDate } from '../../domain/zoned-time.ts';
import { allowanceSummary, checkApproval, DEFAULT_ALLOWANCE_KRW, isCalendarDate, yearOfDate } from './allowance.ts';

describe('allowance arithmetic', () => {
  it('counts only approved claims of the year against the allowance, pending beside it', () => {
    const s = allowanceSummary([
      { year: 2026, amountKrw: 120_000, status: 'approved' },
      { year: 2026, amountKrw: 80_000, status: 'pending' },
      { year: 2026, amountKrw: 999_000, status: 'rejected' },
      { year: 2025, amountKrw: 400_000, status: 'approved' },
    ], 2026, DEFAULT_ALLOWANCE_KRW);
    expect(s).toEqual({ year: 2026, allowanceKrw: 500_000, approvedKrw: 120_000, pendingKrw: 80_000, remainingKrw: 380_000 });
  });

  it('starts afresh across the year boundary: December uses last year, 1 January the new one', () => {
    const claims = [
      { year: yearOfDate('2026-12-31'), amountKrw: 450_000, status: 'approved' },
      { year: yearOfDate('2027-01-01'), amountKrw: 30_000, status: 'approved' },
    ];
    expect(allowanceSummary(claims, 2026, 500_000).remainingKrw).toBe(50_000);
    expect(allowanceSummary(claims, 2027, 500_000).remainingKrw).toBe(470_000);
    // 100,000 more on 31 December goes over; on 1 January it does not.
    expect(checkApproval(allowanceSummary(claims, 2026, 500_000), 100_000)).toEqual({ ok: false, code: 'exception_required', remainingKrw: 50_000, overByKrw: 50_000 });
    expect(checkApproval(allowanceSummary(claims, 2027, 500_000), 100_000)).toEqual({ ok: true, overAllowance: false, remainingAfterKrw: 370_000 });
  });

  it('takes the year in the site time zone: 15:30 UTC on 31 December is already 1 January in Seoul', () => {
    const at = new Date('2026-12-31T15:30:00Z');
    expect(localDate(at, 'Asia/Seoul')).toBe('2027-01-01');
    expect(localDate(at, 'UTC')).toBe('2026-12-31');
    expect(localDate(new Date('2026-12-31T14:59:59Z'), 'Asia/Seoul')).toBe('2026-12-31');
  });

  it('allows exactly the remaining allowance; one won over needs a stated exception, blank does not count', () => {
    const s = allowanceSummary([{ year: 2026, amountKrw: 400_000, status: 'approved' }], 2026, 500_000);
    expect(checkApproval(s, 100_000)).toMatchObject({ ok: true, overAllowance: false, remainingAfterKrw: 0 });
    expect(checkApproval(s, 100_001)).toMatchObject({ ok: false, overByKrw: 1 });
    expect(checkApproval(s, 100_001, '   ')).toMatchObject({ ok: false });
    expect(checkApproval(s, 300_000, 'surgery after the assault')).toEqual({ ok: true, overAllowance: true, remainingAfterKrw: -200_000 });
  });

  it('follows a site allowance other than the default', () => {
    expect(allowanceSummary([], 2026, 1_000_000).remainingKrw).toBe(1_000_000);
    expect(checkApproval(allowanceSummary([], 2026, 0), 1)).toMatchObject({ ok: false });
  });

  it('knows real calendar dates', () => {
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2027-02-29')).toBe(false);
    expect(isCalendarDate('2027-13-01')).toBe(false);
    expect(isCalendarDate('27-01-01')).toBe(false);
    expect(() => yearOfDate('2027/01/01')).toThrow();
  });
});
