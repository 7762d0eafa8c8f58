/**
 * The JSON shapes of /api/v1/drills, shared by the server (drills/) and the console. Types and constants only:
 * the scenario's zod schema stays in drills/scenarios.ts and is checked there to produce exactly `Scenario`.
 */
import type { Classification, Incident } from './index.ts';

/**
 * Milestones a drill is timed on: timeline entry kinds of the response (api/domain/incident.ts), so that the
 * console's scenario form offers the same list the server validates against.
 */
export const DRILL_MILESTONES = [
  'acknowledged', 'responding', 'on_scene', 'victim_separated', 'protective_equipment_used', 'police_called', 'police_arrived',
  'police_handover', 'contained',
] as const;
export type DrillMilestone = (typeof DRILL_MILESTONES)[number];

export const DRILL_STATUSES = ['scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type DrillStatus = (typeof DRILL_STATUSES)[number];
/** `virtual_bell`: the drill presses a bell of its own; `real_bell`: it waits for a person to press the counter's bell. */
export const DRILL_TRIGGERS = ['virtual_bell', 'real_bell'] as const;
export type DrillTrigger = (typeof DRILL_TRIGGERS)[number];

export interface Bilingual { ko: string; en: string }

export interface Scenario {
  id: string;
  title: Bilingual;
  /** What the scripted complainant does, step by step, for the actor and the observers. */
  script: Bilingual[];
  classification: Classification[];
  /** A violence scenario is pressed as a hold (long_press): the police step of escalation applies. */
  violence: boolean;
  steps: {
    milestone: DrillMilestone;
    /** Seconds from the press by which the step should be on the timeline. */
    targetSeconds: number;
    /** A step that must happen for the drill to pass (police steps are optional unless a joint police drill). */
    required: boolean;
  }[];
}

/** GET /drills/scenarios: the library's scenarios (`builtIn`) and the managers' own. */
export type ScenarioView = Scenario & { builtIn: boolean };

export interface Pause { from: string; to: string | null; liveIncidentId: string | null }

export interface DrillView {
  id: string;
  siteId: string;
  counterId: string;
  scenarioId: string;
  scenarioTitle: Bilingual | null;
  scheduledAt: string;
  participants: string[];
  announced: boolean;
  jointPolice: boolean;
  trigger: DrillTrigger;
  status: DrillStatus;
  note: string | null;
  createdBy: string;
  startedAt: string | null;
  armedUntil: string | null;
  virtualBellId: string | null;
  incidentId: string | null;
  pauses: Pause[];
  endedAt: string | null;
  /** The score and report facts, frozen when the drill ended (null until then). */
  result: Record<string, unknown> | null;
}

export interface ScoredStep {
  milestone: DrillMilestone;
  targetSeconds: number;
  required: boolean;
  /** Seconds from the press to the first timeline entry of the milestone (to a tenth), or null when it never came. */
  atSeconds: number | null;
  onTime: boolean;
  lateBySeconds: number | null;
}

export interface DrillScore {
  steps: ScoredStep[];
  /** Required milestones that never came. */
  missed: DrillMilestone[];
  /** Milestones that came after their target. */
  late: DrillMilestone[];
  /** Participants told by a delivered SMS or an answered call, and those who were not. */
  reached: string[];
  notReached: string[];
  delivery: { total: number; delivered: number; failed: number; notDelivered: number };
  /** Required milestones on time, as a percentage of the required milestones. */
  score: number;
  /** Every required milestone came (late ones count against the score, not the pass). */
  passed: boolean;
}

export interface DrillReportFacts {
  score: DrillScore;
  /** Seconds the drill was paused for live alarms, taken out of every milestone's time. */
  pausedSeconds: number;
  pauses: Pause[];
  /** Drill liaison numbers (joint police drills): who of the police side was contacted, and how it went. */
  liaison: { to: string; status: string }[];
  /** Anything sent to a number that is not a drill liaison on the police side: must always be empty. */
  policeLeaks: { to: string; status: string }[];
}

/** GET /drills/{id}/report. */
export interface DrillReport {
  drill: DrillView;
  siteName: string;
  counterName: string;
  incident: Incident | null;
  facts: DrillReportFacts | null;
  names: Record<string, string>;
  final: boolean;
  /** The site's time zone: the report is written in its local time. */
  timeZone?: string;
  /** Who was separated and where to, from the incident's timeline. */
  separations?: { at: string; text: string }[];
}

export interface CoverageRow {
  siteId: string;
  siteName: string;
  halfYear: string;
  /** Completed drills that started in the site's current half-year. */
  drillsThisHalf: number;
  lastDrillAt: string | null;
  /** Drills planned but not yet run, still ahead. */
  scheduled: number;
  covered: boolean;
}

export interface TrendPoint {
  drillId: string;
  startedAt: string;
  scenarioId: string;
  score: number;
  passed: boolean;
  /** Seconds from the press per milestone (pauses taken out); null: the milestone never came. */
  steps: Partial<Record<DrillMilestone, number | null>>;
}
