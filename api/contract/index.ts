/**
 * The JSON shapes of the HTTP and WebSocket API (PROTOCOL.md §4), shared by the server and console-ui.
 * Types only: the console imports this file without pulling in any server code.
 */

export const INCIDENT_STATUSES = ['triggered', 'acknowledged', 'responding', 'on_scene', 'contained', 'closed', 'cancelled'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** Incidents that are over (everything else is open). */
export const CLOSED_STATUSES: readonly IncidentStatus[] = ['closed', 'cancelled'];

/** A notification that reached its person: the one definition for the console, the managers' board and drill scores. */
export const DELIVERED_STATUSES: readonly string[] = ['delivered', 'answered', 'acknowledged'];
/** Final statuses of a notification that reached nobody. */
export const FAILED_STATUSES: readonly string[] = ['not_configured', 'failed', 'no_answer', 'busy', 'cancelled'];

export const CLASSIFICATIONS = [
  'verbal_abuse', 'threat', 'sexual_harassment', 'assault', 'defamation', 'obstruction_of_duty', 'property_damage', 'stalking', 'other',
  // A bell pressed by mistake or a faulty device: closed as such, and counted apart from the kinds of abuse.
  'false_alarm',
] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const ROLES = ['staff', 'guard', 'manager', 'legal', 'counselor', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

/** A site's time zone when it names none (PROTOCOL.md §5). */
export const DEFAULT_TIMEZONE = 'Asia/Seoul';

export type Mode = 'live' | 'drill';
export type Severity = 'high' | 'critical';
/** `import`: recorded before Guardbell or by another office, imported from the Excel template (never rings). */
export type IncidentSource = 'bell' | 'console' | 'drill' | 'import';

/** Response actions recorded through POST /incidents/{id}/events. */
export const RESPONSE_EVENT_TYPES = [
  'responding', 'guard_on_scene', 'contained', 'victim_separated', 'protective_equipment_used',
  'police_called', 'police_arrived', 'police_handover', 'note',
] as const;
export type ResponseEventType = (typeof RESPONSE_EVENT_TYPES)[number];

export interface Incident {
  id: string;
  /** A reference a person can say on the phone: per site and year, `2026-0042` (absent where not yet known). */
  reference?: string;
  mode: Mode;
  status: IncidentStatus;
  severity: Severity;
  /** Violence in progress: a long press or a console "violence" alarm. */
  violence: boolean;
  siteId: string;
  siteName: string;
  counterId: string;
  counterName: string;
  floor: string | null;
  bellId: string | null;
  source: IncidentSource;
  openedAt: string;
  acknowledgedAt: string | null;
  closedAt: string | null;
  classification: Classification[];
  outcome: string | null;
  /** false while the incident is known to consoles but not yet stored (database unreachable). */
  stored: boolean;
  /**
   * A first press of a bell with a confirmation rule, not confirmed by a second press or a hold: shown as
   * unconfirmed, and only guards are told until it is confirmed.
   */
  unconfirmed?: boolean;
  /**
   * Raised by every stored change of the incident. Messages may reach a console through several processes;
   * a message with a lower revision than one already shown is older news.
   */
  revision?: number;
}

/** GET /cancel-checks: a live alarm cancelled in the last day that no guard has yet checked in person. */
export interface CancelNotice extends Incident {
  cancelledAt: string;
  /** At the counter (the bell's cancel) or by a manager with a reason. */
  cancelledBy: 'counter' | 'manager';
}

export interface TimelineEntry {
  id: string;
  at: string;
  kind: string;
  actorId: string | null;
  actorName: string | null;
  data: Record<string, unknown>;
}

export interface NotificationView {
  id: string;
  incidentId: string;
  stepId: string;
  personId: string | null;
  personName?: string | null;
  channel: 'sms' | 'voice' | 'webhook';
  to: string;
  isPolice: boolean;
  mode: Mode;
  /** queued, not_configured, sending, sent, delivered, answered, acknowledged, failed, no_answer, busy, cancelled */
  status: string;
  delivered: boolean;
  attempts: number;
  lastError: string | null;
  fallbackOf: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EscalationStepView {
  stepId: string;
  status: 'pending' | 'fired' | 'skipped' | string;
  dueAt: string | null;
  firedAt: string | null;
  reason: string | null;
}

export interface IncidentDetail extends Incident {
  timeline: TimelineEntry[];
  /** Every attempt to reach someone, with its delivery status. */
  notifications?: NotificationView[];
  escalation?: EscalationStepView[];
}

export interface Bell {
  id: string;
  siteId: string;
  counterId: string;
  adapter: string;
  online: boolean;
  lastSeenAt: string | null;
  battery: number | null;
  trouble: string[];
  /** The last test press (bell health board). */
  lastTestAt?: string | null;
  /** Seconds between heartbeats the bell is expected to keep. */
  heartbeatSeconds?: number;
  rssi?: number | null;
  fw?: string | null;
}

export interface Counter {
  id: string;
  name: string;
  floor: string | null;
}

export interface Site {
  id: string;
  name: string;
  address: string;
  timezone: string;
  counters: Counter[];
}

export interface Me {
  id: string;
  name: string;
  username: string;
  roles: Role[];
  siteIds: string[];
  /** The counters this person works at (provisioning); the panic button offers these first. */
  counterIds?: string[];
  language: 'ko' | 'en';
}

export interface SecurityAlert {
  bellId: string;
  siteId: string | null;
  reason: string;
  detail: string;
  at: string;
}

/** Messages on WebSocket /api/v1/stream. New types may be added; clients ignore types they do not know. */
export type StreamMessage =
  | { type: 'incident.created'; data: Incident }
  | { type: 'incident.updated'; data: Incident }
  | { type: 'bell.status'; data: Bell }
  | { type: 'notification.status'; data: NotificationView }
  | { type: 'security.alert'; data: SecurityAlert };

export interface ApiError {
  error: { code: string; message: string; details?: unknown };
}

export * from './roles.ts';
