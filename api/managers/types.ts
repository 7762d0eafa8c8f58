/** The JSON shapes of /api/v1/managers (types only: the console imports this file). */
import type { Incident } from '../contract/index.ts';
import type { Measure, MeasureSummary, ResponseTimes } from './response-times.ts';

export type { Measure, MeasureSummary, ResponseTimes };
export { MEASURES } from './response-times.ts';

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
