/** Who may do what (PROTOCOL.md roles). Pure: the routes and the live stream ask the same questions. */
import { atSite, canRaiseAlarmAt, hasRole, type Me, type Role } from '../contract/index.ts';

/** The logged-in person, as GET /me shows them. */
export type User = Me;

export interface IncidentScope {
  siteId: string | null;
  raisedBy?: string | null | undefined;
}


/** Legal and audit read incidents everywhere; guards and managers at their sites; others only their own. */
export function canReadIncident(u: User, s: IncidentScope): boolean {
  if (hasRole(u, 'admin', 'legal', 'auditor')) return true;
  if (hasRole(u, 'guard', 'manager') && atSite(u, s.siteId)) return true;
  return s.raisedBy != null && s.raisedBy === u.id;
}

export const canRaiseAlarm: (u: User, siteId: string) => boolean = canRaiseAlarmAt;

export function canRespond(u: User, siteId: string): boolean {
  return hasRole(u, 'admin') || (hasRole(u, 'guard', 'manager') && atSite(u, siteId));
}

export function canCloseOrCancel(u: User, siteId: string): boolean {
  return hasRole(u, 'admin') || (hasRole(u, 'manager') && atSite(u, siteId));
}

export function canSeeBells(u: User, siteId: string): boolean {
  return hasRole(u, 'admin') || (hasRole(u, 'guard', 'manager') && atSite(u, siteId));
}

export function canSeeAllSites(u: User): boolean {
  return hasRole(u, 'admin', 'legal', 'auditor');
}

export function canProvision(u: User): boolean {
  return hasRole(u, 'admin');
}

/** Roles that open secrets (counselling notes, case files, the audit log): nobody may grant them to themselves. */
export const NOT_SELF_GRANTED: readonly Role[] = ['counselor', 'legal', 'auditor'];

/**
 * Why `actor` may not give person `personId` these roles, or null. Another administrator must grant them, so
 * that reading a counselling note always takes two people (and both changes are in the audit log).
 */
export function selfGrantProblem(actorId: string, personId: string, currentRoles: readonly string[], newRoles: unknown): string | null {
  if (actorId !== personId || !Array.isArray(newRoles)) return null;
  const added = NOT_SELF_GRANTED.filter((r) => newRoles.includes(r) && !currentRoles.includes(r));
  return added.length > 0 ? `you cannot give yourself the role${added.length > 1 ? 's' : ''} ${added.join(', ')}: another administrator must` : null;
}

/** Phone numbers of the people reached for an incident: for its responders and the all-sites roles, not its raiser. */
export function canSeeContactNumbers(u: User, siteId: string): boolean {
  return canRespond(u, siteId) || canSeeAllSites(u);
}

/** A number shown to those who may not see it: enough to tell two apart, not to call. */
export function maskPhone(to: string): string {
  return to.length <= 4 ? '•'.repeat(to.length) : `${'•'.repeat(to.length - 2)}${to.slice(-2)}`;
}
