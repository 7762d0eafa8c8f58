/**
 * Milestones a drill is timed on: timeline entry kinds of the response (api/domain/incident.ts). Kept free of
 * zod so that the console's scenario form offers the same list the server validates against.
 */
export const DRILL_MILESTONES = [
  'acknowledged', 'responding', 'on_scene', 'victim_separated', 'protective_equipment_used', 'police_called', 'police_arrived',
  'police_handover', 'contained',
] as const;
export type DrillMilestone = (typeof DRILL_MILESTONES)[number];
