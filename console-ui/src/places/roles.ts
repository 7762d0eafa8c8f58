/** What the places views show to whom (the server refuses the same: api/areas/floor-plans/policy.ts, api/areas/managers/policy.ts). */
import type { Me } from '../../../api/contract/index.ts';

const has = (me: Me, ...roles: string[]) => roles.some((r) => (me.roles as string[]).includes(r));

export function canSeeFloorPlans(me: Me): boolean {
  return has(me, 'admin', 'legal', 'auditor', 'guard', 'manager');
}

export function canEditFloorPlans(me: Me, siteId: string): boolean {
  return has(me, 'admin') || (has(me, 'manager') && me.siteIds.includes(siteId));
}

export function canSeeManagerBoard(me: Me): boolean {
  return has(me, 'admin', 'manager');
}

export function canSeeBellHealth(me: Me): boolean {
  return has(me, 'admin', 'guard', 'manager');
}
