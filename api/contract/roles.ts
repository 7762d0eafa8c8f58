/**
 * The two questions every permission is made of, asked the same way by the server's policies and the console (which
 * only hides what the server would refuse): does the person hold one of these roles, and do they work at this site.
 */
import type { Role } from './index.ts';

export interface RoleHolder {
  roles: readonly Role[];
  siteIds: readonly string[];
}

export function hasRole(u: Pick<RoleHolder, 'roles'>, ...roles: readonly Role[]): boolean {
  return roles.some((r) => u.roles.includes(r));
}

export function atSite(u: Pick<RoleHolder, 'siteIds'>, siteId: string | null | undefined): boolean {
  return siteId != null && u.siteIds.includes(siteId);
}

/** Raising an alarm at a site: admins anywhere; staff, guards and managers at their own sites. */
export function canRaiseAlarmAt(u: RoleHolder, siteId: string): boolean {
  return hasRole(u, 'admin') || (hasRole(u, 'staff', 'guard', 'manager') && atSite(u, siteId));
}
