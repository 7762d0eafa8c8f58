/** Pure helpers for the open-incident list kept by the console. */
import type { Incident, IncidentStatus, ResponseEventType } from '../../api/contract/index.ts';

export const FINISHED_STATUSES: readonly IncidentStatus[] = ['closed', 'cancelled'];

/** What a person says on the phone: the reference (2026-0042) once the incident is stored, its id before. */
export function incidentLabel(incident: Pick<Incident, 'id' | 'reference'>): string {
  return incident.reference ?? incident.id;
}

export function isOpen(incident: Incident): boolean {
  return !FINISHED_STATUSES.includes(incident.status);
}

export type IncidentMap = ReadonlyMap<string, Incident>;

/** Upsert by id; an incident that is no longer open leaves the open list. */
export function upsertOpen(map: IncidentMap, incident: Incident): Map<string, Incident> {
  const next = new Map(map);
  if (isOpen(incident)) next.set(incident.id, incident);
  else next.delete(incident.id);
  return next;
}

export function fromList(items: readonly Incident[]): Map<string, Incident> {
  let map = new Map<string, Incident>();
  for (const incident of items) map = upsertOpen(map, incident);
  return map;
}

/**
 * Unacknowledged alarms first: live before drill, violence first, then the longest waiting.
 * The rest newest first.
 */
export function sortIncidents(items: Iterable<Incident>): Incident[] {
  return [...items].sort((a, b) => {
    const at = a.status === 'triggered' ? 0 : 1;
    const bt = b.status === 'triggered' ? 0 : 1;
    if (at !== bt) return at - bt;
    if (at === 0) {
      if (a.mode !== b.mode) return a.mode === 'live' ? -1 : 1;
      if (a.violence !== b.violence) return a.violence ? -1 : 1;
      return Date.parse(a.openedAt) - Date.parse(b.openedAt);
    }
    return Date.parse(b.openedAt) - Date.parse(a.openedAt);
  });
}

export function triggeredAlarms(map: IncidentMap): Incident[] {
  return sortIncidents([...map.values()].filter((i) => i.status === 'triggered'));
}

/** The response buttons, in the order guards work through them. */
export const RESPONSE_ACTIONS = [
  'responding', 'guard_on_scene', 'victim_separated', 'protective_equipment_used',
  'police_called', 'police_arrived', 'police_handover', 'contained',
] as const satisfies readonly ResponseEventType[];
