/**
 * Who may see and do what with aftercare records (DESIGN.md principle 4: need-to-know). Pure.
 *
 * - counsellors (`counselor`) read whole records, counselling notes included, and write the care;
 * - the staff member the record is about reads their own record (care, claims, allowance, transfer) but never
 *   the counsellor's notes, and adds statements;
 * - a manager of the record's site sees the status only (never notes, care or claims), and may open a record
 *   for a victim of their site (they separated them);
 * - auditors see the status only, everywhere (that the care happened, not what was said);
 * - admins, legal, guards and other staff: nothing. Admins administer but never read counselling records.
 */
import { atSite, hasRole, type Role } from '../../contract/index.ts';

export interface Viewer {
  id: string;
  roles: readonly Role[];
  siteIds: readonly string[];
}

export interface RecordScope {
  personId: string;
  siteId: string;
}

/** How much of a record a person sees: `full` (with notes), `self` (without notes), `status`, or nothing. */
export type AftercareView = 'full' | 'self' | 'status' | null;


export function aftercareView(u: Viewer, r: RecordScope): AftercareView {
  if (hasRole(u, 'counselor')) return 'full';
  if (u.id === r.personId) return 'self';
  if (hasRole(u, 'manager') && atSite(u, r.siteId)) return 'status';
  if (hasRole(u, 'auditor')) return 'status';
  return null;
}

/** Referrals, sessions, programmes, leave, transfer, claims, status: counsellors only. */
export function canWriteCare(u: Viewer): boolean {
  return hasRole(u, 'counselor');
}

/** Opening a record for a victim: counsellors anywhere, managers at the incident's site. */
export function canOpenRecord(u: Viewer, siteId: string): boolean {
  return hasRole(u, 'counselor') || (hasRole(u, 'manager') && atSite(u, siteId));
}

/** A statement is the staff member's own words. */
export function canAddStatement(u: Viewer, r: RecordScope): boolean {
  return u.id === r.personId;
}

/** The warning that one member of staff is targeted repeatedly: those who can act on it. */
export function canSeeRepeatTargeting(u: Viewer, siteId: string): boolean {
  return hasRole(u, 'counselor') || (hasRole(u, 'manager') && atSite(u, siteId));
}
