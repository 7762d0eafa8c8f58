/**
 * Who may see and do what with case files, evidence and complainants (DESIGN.md principle 4: need-to-know). Pure.
 *
 * | role      | case content, statements, actions | evidence (list, download, custody) | export | write (open, edit, upload, actions) | complainants      | audit log |
 * | --------- | --------------------------------- | ---------------------------------- | ------ | ----------------------------------- | ----------------- | --------- |
 * | legal     | read                              | read                               | yes    | yes                                 | read, write, link | no        |
 * | auditor   | read                              | read                               | yes    | no                                  | read              | read      |
 * | manager   | only that a case exists for an incident of their site (id, status, date) | no | no | no      | the warning only, for their site's incidents | no |
 * | admin, counselor, guard, staff | nothing                      | nothing                            | no     | no                                  | nothing           | no        |
 *
 * Admins administer sites and people but never read case files. Roles add up: a person with `admin` and `legal`
 * has legal's rights.
 */
import { hasRole, type Role } from '../../contract/index.ts';
import type { CaseAccess } from '../../contract/cases.ts';

export interface Viewer {
  id: string;
  roles: readonly Role[];
  siteIds: readonly string[];
}

export interface CaseScope {
  /** The sites of the case's incidents. */
  siteIds: readonly string[];
}


export function caseAccess(u: Viewer, c: CaseScope): CaseAccess | null {
  if (hasRole(u, 'legal')) return 'write';
  if (hasRole(u, 'auditor')) return 'read';
  if (hasRole(u, 'manager') && c.siteIds.some((s) => u.siteIds.includes(s))) return 'exists';
  return null;
}

/** Reading the content of a case: its statements, evidence (and downloading it), actions, export. */
export function canReadCase(u: Viewer, c: CaseScope): boolean {
  const a = caseAccess(u, c);
  return a === 'write' || a === 'read';
}

/** Opening a case, editing it, adding statements, evidence and legal actions. */
export function canWriteCases(u: Viewer): boolean {
  return hasRole(u, 'legal');
}

/** Listing cases at all (managers see only those of their sites' incidents, as existence). */
export function canListCases(u: Viewer): boolean {
  return hasRole(u, 'legal') || hasRole(u, 'auditor') || hasRole(u, 'manager');
}

export function canReadComplainants(u: Viewer): boolean {
  return hasRole(u, 'legal') || hasRole(u, 'auditor');
}

export function canWriteComplainants(u: Viewer): boolean {
  return hasRole(u, 'legal');
}

/** The "known complainant" warning on an incident: those who act on it (legal, audit, the site's managers). */
export function canSeeComplainantWarning(u: Viewer, siteId: string): boolean {
  return hasRole(u, 'legal') || hasRole(u, 'auditor') || (hasRole(u, 'manager') && u.siteIds.includes(siteId));
}

/** The audit log of every read and write of case files, evidence and aftercare records. */
export function canReadAuditLog(u: Viewer): boolean {
  return hasRole(u, 'auditor');
}
