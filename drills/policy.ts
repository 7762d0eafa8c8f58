/** Who may do what with drills. Pure: the routes ask, and the console hides what they would refuse. */
import { canCloseOrCancel, type User } from '../api/auth/policy.ts';
import { hasRole } from '../api/contract/index.ts';


/** Admins everywhere; managers at their own sites: the people who close incidents there. */
export const canPlanDrills: (u: User, siteId: string) => boolean = canCloseOrCancel;

/** Planning, running and reports: the same people who plan. Guards see a drill only as its DRILL incident. */
export const canSeeDrills = canPlanDrills;

/** Managers and admins write scenarios of their own (shared by every site: a scenario names no site). */
export function canWriteScenarios(u: User): boolean {
  return hasRole(u, 'admin') || hasRole(u, 'manager');
}

/** The sites whose drills a user sees in lists, coverage and trends; undefined: every site. */
export function drillSiteScope(u: User): string[] | undefined {
  if (hasRole(u, 'admin')) return undefined;
  return hasRole(u, 'manager') ? [...u.siteIds] : [];
}
