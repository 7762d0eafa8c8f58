/**
 * Drill scenarios: scripted situations with the steps the response team is expected to take and the time
 * each should take from the press. A library of the situations offices rehearse; managers write their own
 * (validated by `scenarioSchema`). No I/O.
 */
import { z } from 'zod';
import { CLASSIFICATIONS } from '../api/contract/index.ts';
import { DRILL_MILESTONES, type DrillMilestone, type Scenario } from '../api/contract/drills.ts';

export { DRILL_MILESTONES, type DrillMilestone, type Scenario };

const text = z.string().trim().min(1).max(2_000);
const bilingual = z.strictObject({ ko: text, en: text });

export const scenarioSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, { error: 'must be 2 to 64 lower-case letters, digits or dashes' }),
  title: bilingual,
  /** What the scripted complainant does, step by step, for the actor and the observers. */
  script: z.array(bilingual).min(1),
  classification: z.array(z.enum(CLASSIFICATIONS)).min(1),
  /** A violence scenario is pressed as a hold (long_press): the police step of escalation applies. */
  violence: z.boolean(),
  steps: z.array(z.strictObject({
    milestone: z.enum(DRILL_MILESTONES),
    /** Seconds from the press by which the step should be on the timeline. */
    targetSeconds: z.number().int().min(1).max(3_600),
    /** A step that must happen for the drill to pass (police steps are optional unless a joint police drill). */
    required: z.boolean().default(true),
  })).min(1).superRefine((steps, ctx) => {
    const seen = new Set<string>();
    steps.forEach((s, i) => {
      if (seen.has(s.milestone)) ctx.addIssue({ code: 'custom', path: [i, 'milestone'], message: `${s.milestone} is listed twice`, params: { code: 'duplicate', value: s.milestone } });
      seen.add(s.milestone);
    });
  }),
});
/** The very same type (optional fields included): the schema and the contract's `Scenario` cannot drift apart. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
true satisfies Same<z.output<typeof scenarioSchema>, Scenario>;

const step = (milestone: DrillMilestone, targetSeconds: number, required = true) => ({ milestone, targetSeconds, required });

/** The scenarios every office starts with. */
export const SCENARIO_LIBRARY: readonly Scenario[] = [
  {
    id: 'divorce-application-assault',
    title: { ko: '이혼 신청 민원인의 폭행', en: 'Assault over a divorce application' },
    script: [
      { ko: '민원인이 이혼 신청 서류 처리에 항의하며 고성을 지른다.', en: 'A complainant shouts, protesting how a divorce application was handled.' },
      { ko: '민원인이 창구 직원을 밀치고 폭행한다. 직원이 비상벨을 길게 누른다.', en: 'The complainant shoves and strikes the counter officer, who holds the emergency bell.' },
      { ko: '대응팀이 개입해 피해 직원을 분리하고 보호장비를 사용한다.', en: 'The response team intervenes, separates the victim and uses protective equipment.' },
      { ko: '경찰 신고 시스템을 확인하고 민원인을 경찰에 인계한다.', en: 'The police reporting system is verified and the complainant is handed over to the police.' },
    ],
    classification: ['assault'],
    violence: true,
    steps: [
      step('acknowledged', 15), step('on_scene', 90), step('victim_separated', 120), step('protective_equipment_used', 150, false),
      step('police_called', 120), step('police_arrived', 600, false), step('police_handover', 900, false),
    ],
  },
  {
    id: 'verbal-abuse-threat',
    title: { ko: '폭언과 협박', en: 'Verbal abuse and threats' },
    script: [
      { ko: '민원인이 욕설을 하고 직원을 위협한다. 직원이 비상벨을 누른다.', en: 'A complainant swears at and threatens the officer, who presses the bell.' },
      { ko: '안전요원이 도착해 민원인을 진정시키고 직원을 분리한다.', en: 'A guard arrives, calms the complainant and separates the officer.' },
    ],
    classification: ['verbal_abuse', 'threat'],
    violence: false,
    steps: [step('acknowledged', 15), step('on_scene', 90), step('victim_separated', 180), step('contained', 600)],
  },
  {
    id: 'sexual-harassment',
    title: { ko: '성희롱', en: 'Sexual harassment' },
    script: [
      { ko: '민원인이 직원에게 성적인 발언을 반복한다. 직원이 비상벨을 누른다.', en: 'A complainant keeps making sexual remarks to the officer, who presses the bell.' },
      { ko: '대응팀이 직원을 분리하고 증거 보존을 시작한다.', en: 'The team separates the officer and starts preserving evidence.' },
    ],
    classification: ['sexual_harassment'],
    violence: false,
    steps: [step('acknowledged', 15), step('on_scene', 90), step('victim_separated', 120), step('contained', 600)],
  },
  {
    id: 'property-damage-obstruction',
    title: { ko: '기물 파손과 업무 방해', en: 'Property damage and obstruction of duty' },
    script: [
      { ko: '민원인이 창구 집기를 던지고 업무를 방해한다. 직원이 비상벨을 길게 누른다.', en: 'A complainant throws counter equipment and stops the work; the officer holds the bell.' },
      { ko: '대응팀이 현장을 통제하고 경찰에 신고한다.', en: 'The team takes control and calls the police.' },
    ],
    classification: ['property_damage', 'obstruction_of_duty'],
    violence: true,
    steps: [step('acknowledged', 15), step('on_scene', 90), step('victim_separated', 150), step('police_called', 120), step('contained', 900)],
  },
];
