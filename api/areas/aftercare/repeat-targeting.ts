/**
 * "One member of staff is targeted repeatedly". Pure.
 * Choice: a warning when the person was a victim of at least REPEAT_THRESHOLD earlier live incidents in the
 * REPEAT_WINDOW_DAYS before the incident at hand (i.e. this is at least their third in twelve months).
 */
export const REPEAT_WINDOW_DAYS = 365;
export const REPEAT_THRESHOLD = 2;

export interface VictimIncident {
  incidentId: string;
  openedAt: Date;
}

export interface RepeatTargeting {
  personId: string;
  /** Incidents of the person in the window ending at `asOf`, the one at hand included. */
  count: number;
  incidentIds: string[];
  windowDays: number;
}

/** The warning for `personId` at the incident opened at `asOf`, or null when there is nothing to warn of. */
export function repeatTargeting(personId: string, history: readonly VictimIncident[], asOf: Date, currentIncidentId?: string): RepeatTargeting | null {
  const from = asOf.getTime() - REPEAT_WINDOW_DAYS * 86_400_000;
  const seen = new Set<string>();
  const earlier: VictimIncident[] = [];
  for (const h of history) {
    if (seen.has(h.incidentId) || h.incidentId === currentIncidentId) continue;
    seen.add(h.incidentId);
    const t = h.openedAt.getTime();
    if (t >= from && t <= asOf.getTime()) earlier.push(h);
  }
  if (earlier.length < REPEAT_THRESHOLD) return null;
  const ids = earlier.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime()).map((h) => h.incidentId);
  if (currentIncidentId) ids.push(currentIncidentId);
  return { personId, count: ids.length, incidentIds: ids, windowDays: REPEAT_WINDOW_DAYS };
}
