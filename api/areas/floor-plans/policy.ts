/** Who may see and edit floor plans (pure; the routes ask, and the console hides what they would refuse). */
import { atSite, hasRole, type Me } from '../../contract/index.ts';

type Viewer = Pick<Me, 'roles' | 'siteIds'>;


/** The people who may see the site's incidents: its guards and managers, and admins, legal and audit everywhere. */
export function canSeeFloorPlans(u: Viewer, siteId: string): boolean {
  return hasRole(u, 'admin', 'legal', 'auditor') || (hasRole(u, 'guard', 'manager') && atSite(u, siteId));
}

/** Admins, and the managers of the site. */
export function canEditFloorPlans(u: Viewer, siteId: string): boolean {
  return hasRole(u, 'admin') || (hasRole(u, 'manager') && atSite(u, siteId));
}
