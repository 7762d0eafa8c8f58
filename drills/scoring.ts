/**
 * Scoring a drill from its incident's timeline and notifications, never by hand (DESIGN.md principle 3):
 * each milestone's time from the press against the scenario's target, the milestones missed, who was
 * reached and who was not, and how the notifications were delivered. A pure function.
 */
import type { DrillMilestone, DrillScore, Scenario, ScoredStep } from '../api/contract/drills.ts';
import { DELIVERED_STATUSES as DELIVERED, FAILED_STATUSES as FAILED } from '../api/contract/index.ts';
import { firstAt, secondsFromPress } from '../api/domain/measures.ts';

export interface DrillRecord {
  openedAt: Date;
  timeline: readonly { kind: string; at: Date }[];
  notifications: readonly { personId: string | null; status: string; isPolice: boolean }[];
}

/** Police milestones are required only in a joint police drill: otherwise the police are not part of it. */
const POLICE_MILESTONES: readonly DrillMilestone[] = ['police_called', 'police_arrived', 'police_handover'];
/** A later milestone implies the earlier ones of the status ladder (nobody records "on my way" once on scene). */
const IMPLIED_BY: Partial<Record<DrillMilestone, string[]>> = {
  acknowledged: ['responding', 'on_scene', 'contained'],
  responding: ['on_scene', 'contained'],
  on_scene: ['contained'],
};

export function scoreDrill(scenario: Scenario, drill: DrillRecord, opts: { participants?: readonly string[]; jointPolice?: boolean } = {}): DrillScore {
  const steps = scenario.steps.map((s): ScoredStep => {
    const required = s.required || (opts.jointPolice === true && POLICE_MILESTONES.includes(s.milestone));
    const atSeconds = secondsFromPress(drill.openedAt, firstAt(drill.timeline, [s.milestone, ...(IMPLIED_BY[s.milestone] ?? [])]));
    const onTime = atSeconds !== null && atSeconds <= s.targetSeconds;
    return { milestone: s.milestone, targetSeconds: s.targetSeconds, required, atSeconds, onTime, lateBySeconds: atSeconds !== null && !onTime ? atSeconds - s.targetSeconds : null };
  });
  const required = steps.filter((s) => s.required);
  const reachedSet = new Set(drill.notifications.filter((n) => n.personId && DELIVERED.includes(n.status)).map((n) => n.personId!));
  const participants = opts.participants ?? [...new Set(drill.notifications.filter((n) => n.personId).map((n) => n.personId!))];
  const delivered = drill.notifications.filter((n) => DELIVERED.includes(n.status)).length;
  const failed = drill.notifications.filter((n) => FAILED.includes(n.status)).length;
  return {
    steps,
    missed: required.filter((s) => s.atSeconds === null).map((s) => s.milestone),
    late: steps.filter((s) => s.atSeconds !== null && !s.onTime).map((s) => s.milestone),
    reached: participants.filter((p) => reachedSet.has(p)),
    notReached: participants.filter((p) => !reachedSet.has(p)),
    delivery: { total: drill.notifications.length, delivered, failed, notDelivered: drill.notifications.length - delivered },
    score: required.length === 0 ? 100 : Math.round((100 * required.filter((s) => s.onTime).length) / required.length),
    passed: required.every((s) => s.atSeconds !== null),
  };
}
