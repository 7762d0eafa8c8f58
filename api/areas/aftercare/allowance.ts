/**
 * The annual treatment-expense allowance per person, as pure arithmetic.
 *
 * Year: a claim counts against the calendar year of its own date (the day of the expense, YYYY-MM-DD, in the
 * site's time zone); "today" for a claim without a date is the site's local date, so a claim entered at
 * 00:30 KST on 1 January counts in the new year although it is still 31 December in UTC.
 * Only approved claims use the allowance; pending ones are shown beside it. An approval that takes the year's
 * approved total above the allowance needs a stated exception (a reason), which is kept with the claim.
 */

export const DEFAULT_ALLOWANCE_KRW = 500_000;

export interface ClaimAmount {
  year: number;
  amountKrw: number;
  status: 'pending' | 'approved' | 'rejected' | string;
}

export interface AllowanceSummary {
  year: number;
  allowanceKrw: number;
  approvedKrw: number;
  pendingKrw: number;
  /** allowance − approved; negative when exceptions went over it. */
  remainingKrw: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written as YYYY-MM-DD. */
export function isCalendarDate(value: string): boolean {
  const m = DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function yearOfDate(claimDate: string): number {
  if (!isCalendarDate(claimDate)) throw new Error(`${claimDate} is not a YYYY-MM-DD date`);
  return Number(claimDate.slice(0, 4));
}

export function allowanceSummary(claims: readonly ClaimAmount[], year: number, allowanceKrw: number): AllowanceSummary {
  let approvedKrw = 0;
  let pendingKrw = 0;
  for (const c of claims) {
    if (c.year !== year) continue;
    if (c.status === 'approved') approvedKrw += c.amountKrw;
    else if (c.status === 'pending') pendingKrw += c.amountKrw;
  }
  return { year, allowanceKrw, approvedKrw, pendingKrw, remainingKrw: allowanceKrw - approvedKrw };
}

export type ApprovalCheck =
  | { ok: true; overAllowance: boolean; remainingAfterKrw: number }
  | { ok: false; code: 'exception_required'; remainingKrw: number; overByKrw: number };

/** May a claim of `amountKrw` be approved in a year whose allowance stands at `summary`? */
export function checkApproval(summary: AllowanceSummary, amountKrw: number, exceptionReason?: string | null): ApprovalCheck {
  const remainingAfterKrw = summary.remainingKrw - amountKrw;
  if (remainingAfterKrw >= 0) return { ok: true, overAllowance: false, remainingAfterKrw };
  if (exceptionReason && exceptionReason.trim()) return { ok: true, overAllowance: true, remainingAfterKrw };
  return { ok: false, code: 'exception_required', remainingKrw: summary.remainingKrw, overByKrw: -remainingAfterKrw };
}
