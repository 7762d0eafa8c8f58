/** Who may do what (PROTOCOL.md roles). Pure: the routes and the live stream ask the same questions. */
import type { Me, Role } from '../contract/index.ts';

/** The logged-in person, as GET /me shows them. */
export type User = Me;

export interface IncidentScope {
  siteId: string | null;
  raisedBy?: string | null | undefined;
}

const has = (u: User, ...roles: Role[]) => roles.some((r) => u.roles.includes(r));
const atSite = (u: User, siteId: string | null) => siteId !== null && u.siteIds.includes(siteId);

/** Legal and audit read incidents everywhere; guards and managers at their sites; others only their own. */
export function canReadIncident(u: User, s: IncidentScope): boolean {
  if (has(u, 'admin', 'legal', 'auditor')) return true;
  if (has(u, 'guard', 'manager') && atSite(u, s.siteId)) return true;
  return s.raisedBy != null && s.raisedBy === u.id;
}

export function canRaiseAlarm(u: User, siteId: string): boolean {
  return has(u, 'admin') || (has(u, 'staff', 'guard', 'manager') && atSite(u, siteId));
}

export function canRespond(u: User, siteId: string): boolean {
  return has(u, 'admin') || (has(u, 'guard', 'manager') && atSite(u, siteId));
}

export function canCloseOrCancel(u: User, siteId: string): boolean {
  return has(u, 'admin') || (has(u, 'manager') && atSite(u, siteId));
}

export function canSeeBells(u: User, siteId: string): boolean {
  return has(u, 'admin') || (has(u, 'guard', 'manager') && atSite(u, siteId));
}

export function canSeeAllSites(u: User): boolean {
  return has(u, 'admin', 'legal', 'auditor');
}

export function canProvision(u: User): boolean {
  return has(u, 'admin');
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
