/**
 * The composition root above everything: the alarm path (api/system.ts) with the areas this product runs beside it.
 * Start Guardbell from here; api/ never imports an area.
 */
import type { Area } from '../api/area.ts';
import type { Config } from '../api/config.ts';
import { startSystem, type StartOptions, type System } from '../api/system.ts';
import { adminArea } from '../api/areas/admin/area.ts';
import { aftercareArea } from '../api/areas/aftercare/area.ts';
import { auditArea } from '../api/areas/audit/area.ts';
import { casesArea } from '../api/areas/cases/area.ts';
import { floorPlansArea } from '../api/areas/floor-plans/area.ts';
import { managersArea } from '../api/areas/managers/area.ts';
import { statisticsArea } from '../api/areas/statistics/area.ts';
import { drillsArea } from '../drills/area.ts';

export type { System };
export { StartError } from '../api/system.ts';

/** Every area beside the alarm path, in the order their routes are mounted and they start (they stop in reverse). */
export const AREAS: readonly Area[] = [aftercareArea, statisticsArea, casesArea, auditArea, adminArea, floorPlansArea, managersArea, drillsArea];

export function startGuardbell(config: Config, opts: Omit<StartOptions, 'areas'> = {}): Promise<System> {
  return startSystem(config, { ...opts, areas: AREAS });
}
