/** Who sees the managers' board (open incidents with their escalation, history with response times). Pure. */
import type { Me } from '../../contract/index.ts';

type Viewer = Pick<Me, 'roles' | 'siteIds'>;

/** `'all'` for admins, a manager's own sites, or null: not for this user. */
export function managerScope(u: Viewer): 'all' | readonly string[] | null {
  if (u.roles.includes('admin')) return 'all';
  if (u.roles.includes('manager')) return u.siteIds;
  return null;
}

export function inScope(scope: 'all' | readonly string[], siteId: string): boolean {
  return scope === 'all' || scope.includes(siteId);
}
