/**
 * Pure helpers for an incident's escalation: which notifications count as not delivered, how live
 * `notification.status` messages are merged into the detail, and how a timeline `escalation_step`
 * entry reads.
 */
import { DELIVERED_STATUSES, FAILED_STATUSES, type EscalationStepView, type IncidentDetail, type NotificationView } from '../../api/contract/index.ts';

export { DELIVERED_STATUSES, FAILED_STATUSES };

/** A notification still in flight this long after it was created is shown as not delivered. */
export const NOT_DELIVERED_AFTER_MS = 60_000;

/** Statuses still on the way: fine for a while, not delivered once they are old. */
export const IN_FLIGHT_STATUSES: readonly string[] = ['queued', 'sending', 'sent'];

export type DeliveryState = 'delivered' | 'in_flight' | 'not_delivered';

export function deliveryState(n: NotificationView, now: number): DeliveryState {
  if (n.delivered || DELIVERED_STATUSES.includes(n.status)) return 'delivered';
  if (FAILED_STATUSES.includes(n.status)) return 'not_delivered';
  if (IN_FLIGHT_STATUSES.includes(n.status)) {
    const created = Date.parse(n.createdAt);
    if (!Number.isNaN(created) && now - created > NOT_DELIVERED_AFTER_MS) return 'not_delivered';
    return 'in_flight';
  }
  // A status this console does not know: never claim it arrived.
  return 'not_delivered';
}

/** True when the in-flight notification is shown as not delivered only because it is old. */
export function isStale(n: NotificationView, now: number): boolean {
  return IN_FLIGHT_STATUSES.includes(n.status) && deliveryState(n, now) === 'not_delivered';
}

function newer(a: NotificationView, b: NotificationView): NotificationView {
  const ta = Date.parse(a.updatedAt);
  const tb = Date.parse(b.updatedAt);
  return tb > ta ? b : a;
}

/**
 * Upserts one notification by id. The newer `updatedAt` wins (a late reply from a refetch never
 * moves a row back); the person's name, which live messages do not carry, is kept or borrowed from
 * another row of the same person.
 */
export function upsertNotification(list: readonly NotificationView[], incoming: NotificationView): NotificationView[] {
  const index = list.findIndex((n) => n.id === incoming.id);
  const existing = index === -1 ? undefined : list[index];
  const winner = existing ? newer(existing, incoming) : incoming;
  const personName = winner.personName
    ?? existing?.personName
    ?? incoming.personName
    ?? (incoming.personId ? list.find((n) => n.personId === incoming.personId && n.personName)?.personName : undefined)
    ?? null;
  const merged: NotificationView = { ...winner, personName };
  if (index === -1) return [...list, merged];
  const next = list.slice();
  next[index] = merged;
  return next;
}

/**
 * A step with a notification has fired: the engine writes the notifications and the step's firedAt
 * with the same time, so a live message is enough to show it fired without refetching.
 */
export function markStepsFired(steps: readonly EscalationStepView[], notifications: readonly NotificationView[]): EscalationStepView[] {
  let changed = false;
  const next = steps.map((step) => {
    if (step.status !== 'pending') return step;
    const first = notifications
      .filter((n) => n.stepId === step.stepId && !n.fallbackOf)
      .sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt))[0];
    if (!first) return step;
    changed = true;
    return { ...step, status: 'fired', firedAt: first.createdAt };
  });
  return changed ? next : (steps as EscalationStepView[]);
}

/** Applies live notifications to a loaded detail (also replays them over a fresh fetch). */
export function applyNotifications(detail: IncidentDetail, incoming: Iterable<NotificationView>): IncidentDetail {
  let notifications = detail.notifications ?? [];
  let any = false;
  for (const n of incoming) {
    if (n.incidentId !== detail.id) continue;
    notifications = upsertNotification(notifications, n);
    any = true;
  }
  if (!any) return detail;
  return { ...detail, notifications, escalation: markStepsFired(detail.escalation ?? [], notifications) };
}

export interface NotificationRowItem {
  notification: NotificationView;
  /** 0 for a first attempt, 1 and more for fallbacks (a call after a failed SMS). */
  depth: number;
}

/** Oldest first; each fallback right under the attempt it replaces. */
export function orderNotifications(list: readonly NotificationView[]): NotificationRowItem[] {
  const byTime = [...list].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id.localeCompare(b.id));
  const ids = new Set(byTime.map((n) => n.id));
  const children = new Map<string, NotificationView[]>();
  const roots: NotificationView[] = [];
  for (const n of byTime) {
    if (n.fallbackOf && ids.has(n.fallbackOf) && n.fallbackOf !== n.id) {
      children.set(n.fallbackOf, [...(children.get(n.fallbackOf) ?? []), n]);
    } else {
      roots.push(n);
    }
  }
  const out: NotificationRowItem[] = [];
  const seen = new Set<string>();
  const walk = (n: NotificationView, depth: number) => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    out.push({ notification: n, depth });
    for (const child of children.get(n.id) ?? []) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  // Anything left (a fallback cycle in bad data) is still shown.
  for (const n of byTime) walk(n, 0);
  return out;
}

/** Steps in policy order are what the server sends; pending ones with a due time first come first. */
export function nextDueAt(steps: readonly EscalationStepView[]): number | null {
  let next: number | null = null;
  for (const step of steps) {
    if (step.status !== 'pending' || !step.dueAt) continue;
    const due = Date.parse(step.dueAt);
    if (Number.isNaN(due)) continue;
    if (next === null || due < next) next = due;
  }
  return next;
}

export interface EscalationStepSummary {
  step: string;
  people: number;
  police: boolean;
  situationRoom: boolean;
  channels: string[];
  console: boolean;
}

/** Reads the data of a timeline `escalation_step` entry: `{step, when, recipients:[{key, channel, police}], console}`. */
export function summarizeEscalationStep(data: Record<string, unknown>): EscalationStepSummary {
  const step = typeof data.step === 'string' ? data.step : '?';
  const recipients = Array.isArray(data.recipients) ? data.recipients : [];
  const people = new Set<string>();
  const channels: string[] = [];
  let police = false;
  let situationRoom = false;
  for (const r of recipients) {
    if (typeof r !== 'object' || r === null) continue;
    const { key, channel, police: isPolice } = r as { key?: unknown; channel?: unknown; police?: unknown };
    if (typeof channel === 'string' && !channels.includes(channel)) channels.push(channel);
    if (isPolice === true) police = true;
    else if (typeof key === 'string' && key.startsWith('situation_room:')) situationRoom = true;
    else if (typeof key === 'string') people.add(key);
  }
  return { step, people: people.size, police, situationRoom, channels, console: data.console === true };
}

const STEP_RANK: Record<string, number> = { fired: 0, skipped: 1, pending: 2 };

/**
 * The server sends steps in no particular order: show them as they happened or will happen
 * (fired at, else due at); steps still waiting for a condition last.
 */
export function sortSteps(steps: readonly EscalationStepView[]): EscalationStepView[] {
  const key = (s: EscalationStepView) => {
    const at = Date.parse((s.status === 'fired' ? s.firedAt : s.dueAt) ?? '');
    return Number.isNaN(at) ? Number.POSITIVE_INFINITY : at;
  };
  return [...steps].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -1 : 1;
    const ra = STEP_RANK[a.status] ?? 3;
    const rb = STEP_RANK[b.status] ?? 3;
    return ra - rb || a.stepId.localeCompare(b.stepId);
  });
}
