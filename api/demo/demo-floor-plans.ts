/**
 * The demo site's floor plans: a drawn plan for each of its floors with its counters placed, so that a
 * newcomer's first alarm shows where the counter is (the console's "where" panel), as a real site would.
 */
import { FloorPlanStore } from '../areas/floor-plans/store.ts';
import type { Db } from '../store/database.ts';
import { DEMO_SITE_ID } from './demo-provisioning.ts';
import { floorPlanPng } from './floor-plan-png.ts';

/** Where each demo counter stands on its floor's plan (fractions of the image: rooms along a corridor). */
export const DEMO_PLACEMENTS: readonly { counterId: string; floor: string; x: number; y: number }[] = [
  { counterId: 'passport-1', floor: '1F', x: 0.1, y: 0.25 },
  { counterId: 'civil-1', floor: '1F', x: 0.5, y: 0.25 },
  { counterId: 'welfare-1', floor: '2F', x: 0.3, y: 0.75 },
  { counterId: 'tax-1', floor: '2F', x: 0.7, y: 0.75 },
];

/** Saves the plans and places the counters; run once, when the demo is seeded on an empty database. */
export async function seedDemoFloorPlans(db: Db, by = 'admin-1'): Promise<void> {
  const store = new FloorPlanStore(db);
  for (const floor of new Set(DEMO_PLACEMENTS.map((p) => p.floor))) await store.savePlan(DEMO_SITE_ID, floor, 'image/png', floorPlanPng(), by);
  for (const p of DEMO_PLACEMENTS) await store.place({ siteId: DEMO_SITE_ID, ...p, placedBy: by });
}
