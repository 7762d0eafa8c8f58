/** The JSON shapes of /api/v1/aftercare (types only: the console imports this file). */
import type { Classification } from './index.ts';

export const AFTERCARE_STATUSES = ['open', 'in_care', 'closed'] as const;
export type AftercareStatus = (typeof AFTERCARE_STATUSES)[number];
/** Entries a counsellor writes; `statement` is the staff member's own, `status` is written by a status change. */
export const CARE_ENTRY_KINDS = ['referral', 'session', 'programme'] as const;
export type CareEntryKind = (typeof CARE_ENTRY_KINDS)[number];
export const CLAIM_KINDS = ['medical', 'treatment'] as const;
export const TRANSFER_OUTCOMES = ['pending', 'approved', 'refused'] as const;

export interface AllowanceView {
  year: number;
  allowanceKrw: number;
  approvedKrw: number;
  pendingKrw: number;
  remainingKrw: number;
}

export interface RepeatTargetingView {
  personId: string;
  count: number;
  incidentIds: string[];
  windowDays: number;
}

/** What a manager or an auditor sees: the status only. */
export interface AftercareStatusView {
  view: 'status' | 'self' | 'full';
  id: string;
  incidentId: string;
  personId: string;
  personName: string;
  siteId: string;
  status: AftercareStatus;
  updatedAt: string;
  /** Shown to counsellors and the site's managers. */
  repeatTargeting?: RepeatTargetingView | null;
}

export interface AftercareEntryView {
  id: string;
  kind: string;
  at: string;
  actorId: string;
  actorName: string;
  detail: Record<string, unknown>;
  /** The counsellor's confidential note: present for counsellors only. */
  note?: string | null;
}

export interface ClaimView {
  id: string;
  kind: string;
  claimDate: string;
  year: number;
  amountKrw: number;
  description: string;
  status: 'pending' | 'approved' | 'rejected';
  exceptionReason: string | null;
  decidedAt: string | null;
}

export interface TransferView {
  requestedAt: string;
  to: string;
  outcome: 'pending' | 'approved' | 'refused';
  decidedAt?: string | null;
}

/** What a counsellor (`full`) or the staff member themself (`self`, never the notes) sees. */
export interface AftercareDetailView extends AftercareStatusView {
  incident: { openedAt: string; siteName: string; counterName: string; classification: Classification[]; status: string };
  recoveryLeaveDays: number;
  transfer: TransferView | null;
  entries: AftercareEntryView[];
  claims: ClaimView[];
  /** The person's allowance this year (the site's time zone), always shown with the claims. */
  allowance: AllowanceView;
}

export interface MyIncidentView {
  incidentId: string;
  openedAt: string;
  siteName: string;
  counterName: string;
  status: string;
  classification: Classification[];
  separatedAt: string | null;
  separatedTo: string | null;
  aftercareId: string | null;
}
