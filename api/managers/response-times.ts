/**
 * Response times of an incident, computed from its timeline (DESIGN.md: time is data, never kept by hand).
 * Each measure is the first entry of its kinds, in seconds from the press (the incident's `openedAt`).
 */
import { MEASURES, type Measure, type MeasureSummary, type ResponseTimes } from '../contract/managers.ts';

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

const seconds = (ms: number) => Math.round(ms / 100) / 10;

export function responseTimes(openedAt: Date, entries: readonly { kind: string; at: Date }[]): ResponseTimes {
  const first = new Map<Measure, Date>();
  for (const m of MEASURES) {
    for (const e of entries) {
      if (!KINDS[m].includes(e.kind)) continue;
      const seen = first.get(m);
      if (!seen || e.at < seen) first.set(m, e.at);
    }
  }
  const fromPress = {} as Record<Measure, number | null>;
  for (const m of MEASURES) {
    const at = first.get(m);
    // An entry before the press is a clock or an import error, not a negative response time.
    fromPress[m] = at && at >= openedAt ? seconds(at.getTime() - openedAt.getTime()) : null;
  }
  const ack = first.get('acknowledged');
  const scene = first.get('onScene');
  return { fromPress, acknowledgedToOnScene: ack && scene && scene >= ack ? seconds(scene.getTime() - ack.getTime()) : null };
}

/** Nearest-rank percentiles over the incidents that have the measure. */
export function summarise(values: readonly (number | null)[]): MeasureSummary {
  const sorted = values.filter((v): v is number => v !== null).sort((a, b) => a - b);
  if (!sorted.length) return { count: 0, medianSeconds: null, p90Seconds: null, maxSeconds: null };
  const rank = (p: number) => sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
  return { count: sorted.length, medianSeconds: rank(50), p90Seconds: rank(90), maxSeconds: sorted[sorted.length - 1]! };
}
