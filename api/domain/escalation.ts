/**
 * Escalation as data and pure functions (STYLE.md: Grafana OnCall's model). A policy is frozen into the
 * incident when it opens; `escalationDecision` says which steps fire or are skipped now, and when to look
 * again. No I/O and no clock: the engine passes the time.
 */
import { z } from 'zod';
import type { IncidentStatus, Mode } from '../contract/index.ts';

export const RECIPIENT_KINDS = ['guards_on_duty', 'counter_manager', 'site_managers', 'police', 'situation_room'] as const;
export const STEP_CHANNELS = ['console', 'sms', 'voice'] as const;

const recipient = z.union([z.enum(RECIPIENT_KINDS), z.strictObject({ person: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/) })]);
const condition = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('immediate') }),
  z.strictObject({ kind: z.literal('violence') }),
  z.strictObject({ kind: z.literal('unacknowledged'), afterSeconds: z.number().int().min(1).max(86_400) }),
  z.strictObject({
    kind: z.literal('no_one_on_scene'),
    afterSeconds: z.number().int().min(1).max(86_400),
    /** The time a guard is given to reach the counter after acknowledging (DEFAULT_TRAVEL_SECONDS when absent). */
    travelSeconds: z.number().int().min(0).max(3_600).optional(),
  }),
]);

export const escalationStepSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a step id is 1 to 64 of A-Z a-z 0-9 _ . -'),
  when: condition,
  recipients: z.array(recipient).min(1, 'a step needs at least one recipient'),
  /** How people are reached; the police and the situation room use their own configured channel. */
  channels: z.array(z.enum(STEP_CHANNELS)).min(1, 'a step needs at least one channel'),
});

export const escalationPolicySchema = z
  .strictObject({ steps: z.array(escalationStepSchema).min(1, 'a policy needs at least one step') })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.steps.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"`, params: { code: 'duplicate', value: s.id } });
      seen.add(s.id);
    });
  });

export type EscalationStep = z.infer<typeof escalationStepSchema>;
export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;
export type Recipient = z.infer<typeof recipient>;

/** DESIGN.md "Default escalation policy". */
export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  steps: [
    { id: 'alert', when: { kind: 'immediate' }, recipients: ['guards_on_duty', 'counter_manager'], channels: ['console', 'sms'] },
    { id: 'violence_police', when: { kind: 'violence' }, recipients: ['police'], channels: ['sms'] },
    { id: 'unacknowledged_30s', when: { kind: 'unacknowledged', afterSeconds: 30 }, recipients: ['guards_on_duty', 'counter_manager'], channels: ['voice'] },
    { id: 'unacknowledged_60s', when: { kind: 'unacknowledged', afterSeconds: 60 }, recipients: ['police', 'site_managers'], channels: ['sms', 'voice'] },
    { id: 'no_one_on_scene_120s', when: { kind: 'no_one_on_scene', afterSeconds: 120 }, recipients: ['guards_on_duty', 'counter_manager', 'situation_room'], channels: ['voice', 'sms'] },
  ],
};

/**
 * A guard who acknowledges late is on the way, not absent: the "nobody on scene" step waits this long after
 * the acknowledgement, so it does not call the guard who has just answered (nor the situation room) at once.
 */
export const DEFAULT_TRAVEL_SECONDS = 60;

/** What escalation needs to know of an incident; derived from the incident and its timeline. */
export interface EscalationView {
  status: IncidentStatus;
  mode: Mode;
  openedAt: Date;
  acknowledgedAt: Date | null;
  onSceneAt: Date | null;
  /** When violence in progress became known (a long press, a console violence alarm), or null. */
  violenceAt: Date | null;
  /** A first press awaiting confirmation (the bell's confirmation rule): only guards are reached. */
  unconfirmed: boolean;
  /** People who have taken the alarm: the one who acknowledged and whoever reported being on the way. */
  responders: string[];
}

/** Who an unconfirmed incident may reach: the guards, who go and check (never police, managers, the situation room). */
export const UNCONFIRMED_RECIPIENTS: readonly Recipient[] = ['guards_on_duty'];

/** The recipients a step reaches now: all of them, or only the guards while the incident is unconfirmed. */
export function reachableRecipients(recipients: readonly Recipient[], unconfirmed: boolean): Recipient[] {
  return unconfirmed ? recipients.filter((r) => typeof r === 'string' && UNCONFIRMED_RECIPIENTS.includes(r)) : [...recipients];
}

const ACTIVE: readonly IncidentStatus[] = ['triggered', 'acknowledged', 'responding', 'on_scene', 'contained'];

/** Derives the view from the incident's own fields and its timeline: time is data, never kept by hand. */
export function escalationView(
  incident: {
    status: IncidentStatus; mode: Mode; openedAt: Date; acknowledgedAt: Date | null; acknowledgedBy?: string | null | undefined;
    violence: boolean; unconfirmed?: boolean | undefined;
  },
  timeline: readonly { kind: string; at: Date; actorId?: string | null | undefined }[],
): EscalationView {
  const first = (...kinds: string[]) => timeline.find((e) => kinds.includes(e.kind))?.at ?? null;
  const onScene = first('on_scene');
  // Moving past on_scene (contained) without the entry still means someone was there.
  const contained = first('contained');
  return {
    status: incident.status,
    mode: incident.mode,
    openedAt: incident.openedAt,
    acknowledgedAt: incident.acknowledgedAt,
    onSceneAt: onScene ?? contained,
    violenceAt: incident.violence ? (first('severity_raised') ?? incident.openedAt) : null,
    unconfirmed: incident.unconfirmed ?? false,
    responders: respondersOf(incident.acknowledgedBy ?? null, timeline),
  };
}

/** Timeline entries whose actor has taken the alarm and is on the way to the counter. */
const RESPONDING_KINDS: readonly string[] = ['acknowledged', 'responding'];

function respondersOf(acknowledgedBy: string | null, timeline: readonly { kind: string; actorId?: string | null | undefined }[]): string[] {
  const ids = new Set<string>(acknowledgedBy ? [acknowledgedBy] : []);
  for (const e of timeline) if (e.actorId && RESPONDING_KINDS.includes(e.kind)) ids.add(e.actorId);
  return [...ids];
}

/**
 * The people a step must not call. A "nobody on scene" step asks for someone to go to the counter; the guard
 * who acknowledged (late or not) or reported being on the way is that someone, and a call to them while they
 * run is noise that costs them seconds. The step still reaches everyone else it names (other guards, the
 * counter's manager, the situation room). Other steps spare nobody.
 */
export function sparedFromStep(step: EscalationStep, v: Pick<EscalationView, 'responders'>): ReadonlySet<string> {
  return step.when.kind === 'no_one_on_scene' ? new Set(v.responders) : new Set();
}

/** When a step becomes due, or null while its condition cannot be met yet. */
export function stepDueAt(step: EscalationStep, v: EscalationView): Date | null {
  // A step that would reach nobody but police, managers or the situation room waits for the confirmation;
  // its due time is recomputed (and it fires if already due) once the incident is confirmed.
  if (v.unconfirmed && reachableRecipients(step.recipients, true).length === 0) return null;
  const after = (s: number) => new Date(v.openedAt.getTime() + s * 1000);
  switch (step.when.kind) {
    case 'immediate':
      return v.openedAt;
    case 'violence':
      return v.violenceAt;
    case 'unacknowledged':
      return after(step.when.afterSeconds);
    case 'no_one_on_scene': {
      // "Acknowledged but nobody on scene": measured from the press, armed only once acknowledged, and never
      // sooner than the travel time after the acknowledgement.
      if (!v.acknowledgedAt) return null;
      const due = after(step.when.afterSeconds);
      const travelled = new Date(v.acknowledgedAt.getTime() + (step.when.travelSeconds ?? DEFAULT_TRAVEL_SECONDS) * 1000);
      return due > travelled ? due : travelled;
    }
  }
}

/** Why a step will never fire for this incident, or null while it still may. */
export function stepStopped(step: EscalationStep, v: EscalationView): string | null {
  if (!ACTIVE.includes(v.status)) return `incident ${v.status}`;
  if (step.when.kind === 'unacknowledged' && v.acknowledgedAt) return 'acknowledged';
  if (step.when.kind === 'no_one_on_scene' && v.onSceneAt) return 'guard on scene';
  return null;
}

export interface EscalationDecision {
  fire: EscalationStep[];
  skip: { step: EscalationStep; reason: string }[];
  /** The earliest due time among steps still waiting, for the scheduler. */
  nextDueAt: Date | null;
}

/** Which of the policy's steps fire now, which are skipped for good, and when to look again. */
export function escalationDecision(v: EscalationView, policy: EscalationPolicy, done: ReadonlySet<string>, now: Date): EscalationDecision {
  const decision: EscalationDecision = { fire: [], skip: [], nextDueAt: null };
  for (const step of policy.steps) {
    if (done.has(step.id)) continue;
    const stopped = stepStopped(step, v);
    if (stopped) {
      decision.skip.push({ step, reason: stopped });
      continue;
    }
    const due = stepDueAt(step, v);
    if (due === null) continue;
    if (due.getTime() <= now.getTime()) decision.fire.push(step);
    else if (!decision.nextDueAt || due < decision.nextDueAt) decision.nextDueAt = due;
  }
  return decision;
}

/**
 * DESIGN.md principle 2, decided once: who of the police channel a step may reach. A live incident
 * reaches the site's police channel; a drill reaches nobody, except a joint police drill, which reaches
 * only the site's drill liaison numbers.
 */
export function policeTargets(
  mode: Mode,
  jointPoliceDrill: boolean,
  police: { channel: 'sms' | 'call' | 'webhook'; to: string } | null,
  drillLiaison: readonly string[],
): { channel: 'sms' | 'call' | 'webhook'; to: string; liaison: boolean }[] {
  if (mode === 'live') return police ? [{ ...police, liaison: false }] : [];
  if (!jointPoliceDrill) return [];
  const live = police?.to;
  // A liaison number that is the live police number is a misconfiguration: never dial it in a drill.
  return drillLiaison.filter((n) => n !== live).map((to) => ({ channel: 'sms' as const, to, liaison: true }));
}

/** The policy an incident froze when it opened; DESIGN.md's default when it has none (or an unreadable one). */
export function policyOf(incident: { escalationPolicy: unknown }): EscalationPolicy {
  const parsed = escalationPolicySchema.safeParse(incident.escalationPolicy);
  return parsed.success ? parsed.data : DEFAULT_ESCALATION_POLICY;
}
