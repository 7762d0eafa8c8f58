/**
 * The composition root above everything: the alarm path (api/system.ts) with the areas this product runs beside it.
 * Start Guardbell from here; api/ never imports an area.
 */
import type { Area } from '../api/area.ts';
import type { Config } from '../api/config.ts';
import { startSystem, type StartOptions, type System } from '../api/system.ts';
import { drillsArea } from '../drills/area.ts';

export type { System };
export { StartError } from '../api/system.ts';

/** Every area, in the order they start (and stop in reverse). */
export const AREAS: readonly Area[] = [drillsArea];

export function startGuardbell(config: Config, opts: Omit<StartOptions, 'areas'> = {}): Promise<System> {
  return startSystem(config, { ...opts, areas: AREAS });
}
