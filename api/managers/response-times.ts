/**
 * Response times of an incident, computed from its timeline (DESIGN.md: time is data, never kept by hand).
 * Each measure is the first entry of its kinds, in seconds from the press (the incident's `openedAt`).
 */
import { firstAt, secondsFromPress, summariseDurations, type DurationSummary, type TimedEntry } from '../domain/measures.ts';

export const MEASURES = ['acknowledged', 'responding', 'onScene', 'contained', 'separated', 'policeCalled', 'policeHandover', 'closed'] as const;
export type Measure = (typeof MEASURES)[number];

const KINDS: Record<Measure, readonly string[]> = {
  acknowledged: ['acknowledged'],
  responding: ['responding'],
  onScene: ['on_scene'],
  contained: ['contained'],
  separated: ['victim_separated'],
  policeCalled: ['police_called'],
  policeHandover: ['police_handover'],
  closed: ['closed', 'cancelled'],
};

export interface ResponseTimes {
  /** Seconds from the press to the first entry of each measure (null: never happened, or before the press). */
  fromPress: Record<Measure, number | null>;
  /** Seconds from the acknowledgement to the first guard on scene. */
  acknowledgedToOnScene: number | null;
}

export function responseTimes(openedAt: Date, entries: readonly TimedEntry[]): ResponseTimes {
  const first = new Map<Measure, Date | null>(MEASURES.map((m) => [m, firstAt(entries, KINDS[m])]));
  const fromPress = Object.fromEntries(MEASURES.map((m) => [m, secondsFromPress(openedAt, first.get(m))])) as Record<Measure, number | null>;
  const ack = first.get('acknowledged');
  return { fromPress, acknowledgedToOnScene: ack ? secondsFromPress(ack, first.get('onScene')) : null };
}

/** The board's summary of a measure over the incidents that have it (api/domain/measures.ts). */
export type MeasureSummary = DurationSummary;
