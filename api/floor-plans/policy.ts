/** Who may see and edit floor plans (pure; the routes ask, and the console hides what they would refuse). */
import type { Me } from '../contract/index.ts';

type Viewer = Pick<Me, 'roles' | 'siteIds'>;

const has = (u: Viewer, ...roles: string[]) => roles.some((r) => (u.roles as string[]).includes(r));
const atSite = (u: Viewer, siteId: string) => u.siteIds.includes(siteId);

/** The people who may see the site's incidents: its guards and managers, and admins, legal and audit everywhere. */
export function canSeeFloorPlans(u: Viewer, siteId: string): boolean {
  return has(u, 'admin', 'legal', 'auditor') || (has(u, 'guard', 'manager') && atSite(u, siteId));
}

/** Admins, and the managers of the site. */
export function canEditFloorPlans(u: Viewer, siteId: string): boolean {
  return has(u, 'admin') || (has(u, 'manager') && atSite(u, siteId));
}
