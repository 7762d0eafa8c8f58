/**
 * Response times of an incident, computed from its timeline (DESIGN.md: time is data, never kept by hand).
 * Each measure is the first entry of its kinds, in seconds from the press (the incident's `openedAt`).
 */
import { MEASURES, type Measure, type MeasureSummary, type ResponseTimes } from '../../contract/managers.ts';
import { firstAt, secondsFromPress, type TimedEntry } from '../../domain/measures.ts';

export { MEASURES, type Measure, type MeasureSummary, type ResponseTimes };

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

export function responseTimes(openedAt: Date, entries: readonly TimedEntry[]): ResponseTimes {
  const first = new Map<Measure, Date | null>(MEASURES.map((m) => [m, firstAt(entries, KINDS[m])]));
  const fromPress = Object.fromEntries(MEASURES.map((m) => [m, secondsFromPress(openedAt, first.get(m))])) as Record<Measure, number | null>;
  const ack = first.get('acknowledged');
  return { fromPress, acknowledgedToOnScene: ack ? secondsFromPress(ack, first.get('onScene')) : null };
}

