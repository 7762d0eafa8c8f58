/** The JSON shapes of /api/v1/managers (types only: the console imports this file). */
import type { Incident } from './index.ts';
import type { DurationSummary } from './statistics.ts';

/** Response times measured from the timeline (api/areas/managers/response-times.ts computes them). */
export const MEASURES = ['acknowledged', 'responding', 'onScene', 'contained', 'separated', 'policeCalled', 'policeHandover', 'closed'] as const;
export type Measure = (typeof MEASURES)[number];

export interface ResponseTimes {
  /** Seconds from the press to the first entry of each measure (null: never happened, or before the press). */
  fromPress: Record<Measure, number | null>;
  /** Seconds from the acknowledgement to the first guard on scene. */
  acknowledgedToOnScene: number | null;
}

/** The board sums a measure up as the statistics do (api/domain/measures.ts): one median, one percentile. */
export type MeasureSummary = DurationSummary;

/** Someone the escalation tried to reach, with the best outcome over every channel tried. */
export interface RecipientView {
  /** A person id, or null for the police reporting channel and the situation room. */
  personId: string | null;
  name: string | null;
  isPolice: boolean;
  /** The channels tried, in order (`sms`, `voice`, `webhook`). */
  channels: string[];
  /** The status of the attempt that decided the outcome. */
  status: string;
}

export interface EscalationSummary {
  /** The last step that fired (null: none yet), and when. */
  currentStep: string | null;
  currentStepAt: string | null;
  /** The next pending step with a due time. */
  nextStep: string | null;
  nextStepDueAt: string | null;
  stepsFired: number;
  stepsTotal: number;
  reached: RecipientView[];
  /** Every attempt failed, or is still in flight after a minute. */
  notReached: RecipientView[];
  /** Still on the way (less than a minute old). */
  pending: RecipientView[];
}

export interface ManagerOpenIncident extends Incident {
  escalation: EscalationSummary;
  responseTimes: ResponseTimes;
}

export interface ManagerHistoryItem extends Incident {
  responseTimes: ResponseTimes;
}

export interface ManagerHistory {
  items: ManagerHistoryItem[];
  /** More incidents matched than `limit`: narrow the filters. */
  truncated: boolean;
  summary: Record<Measure, MeasureSummary> & { acknowledgedToOnScene: MeasureSummary };
}
