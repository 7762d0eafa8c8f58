/**
 * The incident state machine of DESIGN.md as pure functions: no I/O, no clock (time is an argument).
 * Each accepted action returns the next state and the timeline entries it adds.
 */
import type { Classification, IncidentStatus, Mode, Severity } from '../contract/index.ts';

export interface IncidentState {
  status: IncidentStatus;
  severity: Severity;
  violence: boolean;
  mode: Mode;
  openedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  closedAt: Date | null;
  classification: Classification[];
  outcome: string | null;
}

export interface TimelineDraft {
  kind: string;
  at: Date;
  actorId: string | null;
  data: Record<string, unknown>;
}

/** Seconds after the press in which a `cancel` from the counter cancels the alarm (PROTOCOL.md §1). */
export const COUNTER_CANCEL_WINDOW_MS = 15_000;

export const ACTIVE_STATUSES = ['triggered', 'acknowledged', 'responding', 'on_scene', 'contained'] as const;
const PROGRESS: readonly IncidentStatus[] = ACTIVE_STATUSES;

/** Events that are timed on the timeline but do not change the status. */
export const SIDE_EVENTS = [
  'victim_separated', 'police_called', 'police_arrived', 'police_handover', 'protective_equipment_used',
] as const;
export type SideEvent = (typeof SIDE_EVENTS)[number];

export type IncidentAction =
  | { type: 'acknowledge'; by: string }
  | { type: 'advance'; to: 'responding' | 'on_scene' | 'contained'; by: string; note?: string | undefined }
  | { type: 'side_event'; event: SideEvent; by: string; note?: string | undefined; data?: Record<string, unknown> | undefined }
  | { type: 'note'; by: string | null; note: string }
  | { type: 'close'; by: string; outcome: string; classification: Classification[] }
  | { type: 'cancel'; by: string; reason: string }
  | { type: 'reopen'; by: string; reason: string }
  | { type: 'check_cancel'; by: string; note?: string | undefined }
  | { type: 'bell_cancel'; seq: number }
  | { type: 're_press'; seq: number | null; longPress: boolean };

export type DomainErrorCode = 'invalid_transition' | 'already_acknowledged' | 'incident_closed' | 'reason_required';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type TransitionResult = { state: IncidentState; entries: TimelineDraft[] };

export function isActive(status: IncidentStatus): boolean {
  return (ACTIVE_STATUSES as readonly string[]).includes(status);
}

export function severityFor(longPressOrViolence: boolean): Severity {
  return longPressOrViolence ? 'critical' : 'high';
}

function entry(kind: string, at: Date, actorId: string | null, data: Record<string, unknown> = {}): TimelineDraft {
  return { kind, at, actorId, data };
}

function requireActive(s: IncidentState, what: string): void {
  if (!isActive(s.status)) throw new DomainError('incident_closed', `cannot ${what}: the incident is ${s.status}`);
}

/** Moving on from `triggered` means somebody has taken the alarm: acknowledge implicitly. */
function acknowledged(s: IncidentState, by: string, now: Date, entries: TimelineDraft[]): IncidentState {
  if (s.status !== 'triggered') return s;
  entries.push(entry('acknowledged', now, by));
  return { ...s, status: 'acknowledged', acknowledgedAt: now, acknowledgedBy: by };
}

/** Applies one action; throws DomainError when the action is not allowed in the current state. */
export function transition(s: IncidentState, action: IncidentAction, now: Date): TransitionResult {
  const entries: TimelineDraft[] = [];
  switch (action.type) {
    case 'acknowledge': {
      if (s.status !== 'triggered') {
        if (isActive(s.status)) throw new DomainError('already_acknowledged', 'the incident is already acknowledged');
        throw new DomainError('incident_closed', `cannot acknowledge: the incident is ${s.status}`);
      }
      return { state: acknowledged(s, action.by, now, entries), entries };
    }
    case 'advance': {
      requireActive(s, action.to);
      if (PROGRESS.indexOf(action.to) <= PROGRESS.indexOf(s.status)) {
        throw new DomainError('invalid_transition', `cannot go from ${s.status} back or again to ${action.to}`);
      }
      const next = acknowledged(s, action.by, now, entries);
      entries.push(entry(action.to, now, action.by, action.note ? { note: action.note } : {}));
      return { state: { ...next, status: action.to }, entries };
    }
    case 'side_event': {
      requireActive(s, `record ${action.event}`);
      const data = { ...(action.data ?? {}), ...(action.note ? { note: action.note } : {}) };
      return { state: s, entries: [entry(action.event, now, action.by, data)] };
    }
    case 'note':
      return { state: s, entries: [entry('note', now, action.by, { note: action.note })] };
    case 'close': {
      requireActive(s, 'close');
      if (s.status === 'triggered') {
        throw new DomainError('invalid_transition', 'an unacknowledged alarm cannot be closed: acknowledge it, or cancel it with a reason');
      }
      entries.push(entry('closed', now, action.by, { outcome: action.outcome, classification: action.classification }));
      return {
        state: { ...s, status: 'closed', closedAt: now, outcome: action.outcome, classification: action.classification },
        entries,
      };
    }
    case 'cancel': {
      if (s.status !== 'triggered') throw new DomainError('invalid_transition', `only a triggered alarm can be cancelled; it is ${s.status}`);
      if (!action.reason.trim()) throw new DomainError('reason_required', 'a cancellation needs a reason');
      entries.push(entry('cancelled', now, action.by, { reason: action.reason }));
      return { state: { ...s, status: 'cancelled', closedAt: now }, entries };
    }
    case 'reopen': {
      if (s.status !== 'closed') throw new DomainError('invalid_transition', `only a closed incident can be reopened; it is ${s.status}`);
      if (!action.reason.trim()) throw new DomainError('reason_required', 'reopening needs a reason');
      entries.push(entry('reopened', now, action.by, { reason: action.reason }));
      return { state: { ...s, status: 'contained', closedAt: null }, entries };
    }
    case 'check_cancel': {
      // A cancel may be forced: it stays on the consoles until a guard records that they checked in person.
      if (s.status !== 'cancelled') throw new DomainError('invalid_transition', `only a cancelled alarm is checked in person; it is ${s.status}`);
      return { state: s, entries: [entry('cancel_checked', now, action.by, action.note ? { note: action.note } : {})] };
    }
    case 'bell_cancel': {
      const inWindow = now.getTime() - s.openedAt.getTime() <= COUNTER_CANCEL_WINDOW_MS;
      if (s.status === 'triggered' && inWindow) {
        entries.push(entry('cancelled_at_counter', now, null, { seq: action.seq }));
        return { state: { ...s, status: 'cancelled', closedAt: now }, entries };
      }
      // Too late, or a person already took the alarm: responders verify in person.
      return { state: s, entries: [entry('cancel_pressed_late', now, null, { seq: action.seq })] };
    }
    case 're_press': {
      requireActive(s, 'join a press');
      entries.push(entry('re_press', now, null, { seq: action.seq, longPress: action.longPress }));
      if (action.longPress && !s.violence) {
        entries.push(entry('severity_raised', now, null, { from: s.severity, to: 'critical', reason: 'long_press' }));
        return { state: { ...s, violence: true, severity: 'critical' }, entries };
      }
      return { state: s, entries };
    }
    default: {
      const unreachable: never = action;
      throw new Error(`unknown action ${JSON.stringify(unreachable)}`);
    }
  }
}

/** The ack state a bell is told for its incident (PROTOCOL.md §1). */
export function ackStateFor(status: IncidentStatus): 'received' | 'acknowledged' | 'cancelled' | 'closed' {
  switch (status) {
    case 'triggered':
      return 'received';
    case 'acknowledged':
    case 'responding':
    case 'on_scene':
    case 'contained':
      return 'acknowledged';
    case 'cancelled':
      return 'cancelled';
    case 'closed':
      return 'closed';
    default: {
      const unreachable: never = status;
      throw new Error(`unknown status ${String(unreachable)}`);
    }
  }
}

export function newIncidentState(opts: { mode: Mode; violence: boolean; openedAt: Date }): IncidentState {
  return {
    status: 'triggered',
    severity: severityFor(opts.violence),
    violence: opts.violence,
    mode: opts.mode,
    openedAt: opts.openedAt,
    acknowledgedAt: null,
    acknowledgedBy: null,
    closedAt: null,
    classification: [],
    outcome: null,
  };
}
