import type { Bell, Incident, TimelineEntry } from '../contract/index.ts';
import type { BellRow, IncidentRecord, StoredTimelineEntry } from '../store/index.ts';
import type { Places } from './places.ts';

export function presentIncident(r: IncidentRecord, places: Pick<Places, 'site' | 'counter'>, stored = true): Incident {
  const site = places.site(r.siteId);
  const counter = places.counter(r.siteId, r.counterId);
  return {
    id: r.id,
    ...(r.reference ? { reference: r.reference } : {}),
    mode: r.mode,
    status: r.status,
    severity: r.severity,
    violence: r.violence,
    siteId: r.siteId,
    siteName: site?.name ?? r.siteId,
    counterId: r.counterId,
    counterName: counter?.name ?? r.counterId,
    floor: counter?.floor ?? null,
    bellId: r.bellId,
    source: r.source,
    openedAt: r.openedAt.toISOString(),
    acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
    closedAt: r.closedAt?.toISOString() ?? null,
    classification: r.classification,
    outcome: r.outcome,
    stored,
    unconfirmed: r.unconfirmed,
    revision: r.revision ?? 0,
  };
}

/** Another process's view of an incident, merged into the record this process holds in memory. */
export function mergeIncidentView(r: IncidentRecord, v: Incident): void {
  r.status = v.status;
  r.severity = v.severity;
  r.violence = v.violence;
  r.acknowledgedAt = v.acknowledgedAt ? new Date(v.acknowledgedAt) : null;
  r.closedAt = v.closedAt ? new Date(v.closedAt) : null;
  r.classification = v.classification;
  r.outcome = v.outcome;
  r.unconfirmed = v.unconfirmed ?? r.unconfirmed;
  r.revision = v.revision ?? r.revision;
  r.reference = v.reference ?? r.reference;
}

export function presentTimelineEntry(e: StoredTimelineEntry, names: ReadonlyMap<string, string>): TimelineEntry {
  return {
    id: String(e.id),
    at: e.at.toISOString(),
    kind: e.kind,
    actorId: e.actorId,
    actorName: e.actorId ? (names.get(e.actorId) ?? e.actorId) : null,
    data: e.data,
  };
}

export function presentBell(b: BellRow): Bell {
  return {
    id: b.id,
    siteId: b.siteId,
    counterId: b.counterId,
    adapter: b.adapter,
    online: b.online,
    lastSeenAt: b.lastSeenAt?.toISOString() ?? null,
    battery: b.battery,
    trouble: b.trouble,
    lastTestAt: b.lastTestAt?.toISOString() ?? null,
    heartbeatSeconds: b.heartbeatSeconds,
    rssi: b.rssi,
    fw: b.fw,
  };
}
