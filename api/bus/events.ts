/**
 * The alarm bus's event map: what can happen to an incident, a bell, a notification, a drill, the directory or a
 * session, with the version each process speaks. Events are compact (ids and small views, well under
 * PostgreSQL's 8,000-byte NOTIFY limit); anything bigger is read from the database by whoever needs it.
 */
import { z } from 'zod';
import type { Bell, Incident, NotificationView, SecurityAlert } from '../contract/index.ts';
import type { SessionEnded } from '../auth/sessions.ts';

/** The fields of a view a subscriber relies on; the rest passes through untouched. */
const incidentView = z.looseObject({ id: z.string(), siteId: z.string(), status: z.string(), mode: z.string() });
const incidentEvent = z.object({
  incident: incidentView,
  /** Who raised it from a console (staff see their own incidents). */
  raisedBy: z.string().nullable(),
  /** The incident's escalation inputs changed (status, violence, confirmation): the engine re-reads it. */
  escalation: z.boolean().optional(),
});

export const BUS_EVENTS = {
  'incident.opened': { version: 1, schema: incidentEvent },
  'incident.changed': { version: 1, schema: incidentEvent },
  'incident.closed': { version: 1, schema: incidentEvent },
  /** Steps of an incident were stored with their due times: every engine's clock looks then. */
  'escalation.armed': { version: 1, schema: z.object({ incidentId: z.string(), due: z.array(z.iso.datetime()) }) },
  /** A step fired: the outbox has notifications to send. */
  'escalation.fired': { version: 1, schema: z.object({ incidentId: z.string(), siteId: z.string() }) },
  /** An incident's escalation was held or released (a drill paused or resumed): re-read it. */
  'escalation.changed': { version: 1, schema: z.object({ incidentId: z.string() }) },
  'notification.changed': { version: 1, schema: z.object({ notification: z.looseObject({ id: z.string(), incidentId: z.string() }), siteId: z.string().nullable() }) },
  'bell.health': { version: 1, schema: z.object({ bell: z.looseObject({ id: z.string(), siteId: z.string() }), troubleChanged: z.boolean() }) },
  /** A bell's sequence was changed by this process (an administrator's reset): the others read it again. */
  'bell.sequence': { version: 1, schema: z.object({ bellId: z.string(), epoch: z.number().int().nonnegative(), why: z.string() }) },
  'security.alert': { version: 1, schema: z.object({ alert: z.looseObject({ bellId: z.string(), siteId: z.string().nullable() }) }) },
  /** Sites, counters, bells, people, rosters or credentials changed (provisioning, administration, drills' bells). */
  'directory.changed': { version: 1, schema: z.object({ reason: z.string() }) },
  /** A drill was planned, started, paused, resumed or ended: every process re-reads the running drills. */
  'drill.changed': { version: 1, schema: z.object({ drillId: z.string(), siteId: z.string().nullable() }) },
  /** A real bell's press was taken by a running drill (decided in memory at the edge). */
  'drill.pressTaken': { version: 1, schema: z.object({ drillId: z.string(), incidentId: z.string() }) },
  /** Logout, expiry, deactivation, password change: every process closes the session's live streams. */
  'session.ended': { version: 1, schema: z.object({ sessionId: z.string().optional(), personId: z.string().optional(), reason: z.string() }) },
} as const;

export type BusEventType = keyof typeof BUS_EVENTS;

interface IncidentEvent {
  incident: Incident;
  raisedBy: string | null;
  escalation?: boolean | undefined;
}

/** The typed payloads (the zod schemas above check what arrives from other processes). */
export interface BusEvents {
  'incident.opened': IncidentEvent;
  'incident.changed': IncidentEvent;
  'incident.closed': IncidentEvent;
  'escalation.armed': { incidentId: string; due: string[] };
  'escalation.fired': { incidentId: string; siteId: string };
  'escalation.changed': { incidentId: string };
  'notification.changed': { notification: NotificationView; siteId: string | null };
  'bell.health': { bell: Bell; troubleChanged: boolean };
  /** `why`: `reset` (an administrator's); a reason this version does not know still forgets the bell's memory. */
  'bell.sequence': { bellId: string; epoch: number; why: string };
  'security.alert': { alert: SecurityAlert };
  'directory.changed': { reason: string };
  'drill.changed': { drillId: string; siteId: string | null };
  'drill.pressTaken': { drillId: string; incidentId: string };
  /** The shape Sessions tells (api/auth/sessions.ts); a reason this version does not know still ends the session. */
  'session.ended': SessionEnded;
}

export const INCIDENT_EVENTS = ['incident.opened', 'incident.changed', 'incident.closed'] as const;

/** What travels between processes: seq (from the bus table), type, version, origin process, data. */
export const envelopeSchema = z.object({
  s: z.number().int().positive(),
  t: z.string().min(1).max(64),
  v: z.number().int().positive(),
  o: z.string().min(1).max(64),
  d: z.unknown(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/**
 * What travels on the ring lane (api/bus/ring-lane.ts): an envelope without a bus-table sequence, with the time it
 * was sent (a late copy is dropped). The lane signs it.
 */
export const ringEnvelopeSchema = z.object({
  t: z.string().min(1).max(64),
  v: z.number().int().positive(),
  o: z.string().min(1).max(64),
  at: z.number().int().positive(),
  d: z.unknown(),
});

/** An event as a transport hands it to the bus: the bus-table sequence where it has one. */
export type Delivered = Omit<Envelope, 's'> & { s: number | null };

export function isBusEventType(t: string): t is BusEventType {
  return Object.hasOwn(BUS_EVENTS, t);
}
