/**
 * Demo accounts are public knowledge (printed at start, or fixed under GUARDBELL_DEMO=1): they must never open a
 * system that holds a real site. A real site is any site but the demo's own.
 */
import { DEMO_SITE_ID } from '../demo/demo-provisioning.ts';

export function holdsRealSite(siteIds: readonly string[]): boolean {
  return siteIds.some((id) => id !== DEMO_SITE_ID);
}
