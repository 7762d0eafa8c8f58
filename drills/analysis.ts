/**
 * Pure computations over drills: pauses taken out of a timeline, the report facts, coverage per half-year in
 * each site's time zone, and trends per site. No I/O, no clock (time is an argument).
 */
import type { CoverageRow, DrillReportFacts, DrillScore, Pause, Scenario, TrendPoint } from '../api/contract/drills.ts';
import { halfYearOf } from '../api/domain/zoned-time.ts';
import { scoreDrill } from './scoring.ts';

/** Milliseconds of pause between `from` and `to` (an open pause runs until `end`). */
export function pausedMsBetween(pauses: readonly Pause[], from: Date, to: Date, end: Date): number {
  let ms = 0;
  for (const p of pauses) {
    const a = Math.max(from.getTime(), Date.parse(p.from));
    const b = Math.min(to.getTime(), p.to ? Date.parse(p.to) : end.getTime());
    if (b > a) ms += b - a;
  }
  return ms;
}

/** The timeline with each entry moved earlier by the pause before it: a drill is timed on its running time only. */
export function withoutPauses<T extends { at: Date }>(timeline: readonly T[], openedAt: Date, pauses: readonly Pause[], end: Date): T[] {
  return timeline.map((e) => ({ ...e, at: new Date(e.at.getTime() - pausedMsBetween(pauses, openedAt, e.at, end)) }));
}

export interface ReportNotification {
  personId: string | null;
  personName: string | null;
  to: string;
  channel: string;
  status: string;
  isPolice: boolean;
  stepId: string;
}

export function drillReportFacts(input: {
  scenario: Scenario;
  openedAt: Date;
  timeline: readonly { kind: string; at: Date }[];
  notifications: readonly ReportNotification[];
  participants: readonly string[];
  jointPolice: boolean;
  pauses: readonly Pause[];
  liaisonNumbers: readonly string[];
  end: Date;
}): DrillReportFacts {
  const timeline = withoutPauses(input.timeline, input.openedAt, input.pauses, input.end);
  const people = input.notifications.filter((n) => !n.isPolice);
  const score = scoreDrill(input.scenario, { openedAt: input.openedAt, timeline, notifications: people }, {
    ...(input.participants.length > 0 ? { participants: input.participants } : {}), jointPolice: input.jointPolice,
  });
  const police = input.notifications.filter((n) => n.isPolice);
  return {
    score,
    pausedSeconds: Math.round(pausedMsBetween(input.pauses, input.openedAt, input.end, input.end) / 1000),
    pauses: [...input.pauses],
    liaison: police.filter((n) => input.liaisonNumbers.includes(n.to)).map((n) => ({ to: n.to, status: n.status })),
    policeLeaks: police.filter((n) => !input.liaisonNumbers.includes(n.to)).map((n) => ({ to: n.to, status: n.status })),
  };
}

/** Which sites have drilled this half-year (in each site's own time zone), and which have not. */
export function coverage(
  sites: readonly { id: string; name: string; timezone: string }[],
  drills: readonly { siteId: string; status: string; startedAt: Date | null; scheduledAt: Date }[],
  now: Date,
): CoverageRow[] {
  return sites.map((s) => {
    const half = halfYearOf(now, s.timezone);
    const mine = drills.filter((d) => d.siteId === s.id);
    const done = mine.filter((d) => d.status === 'completed' && d.startedAt);
    const thisHalf = done.filter((d) => halfYearOf(d.startedAt!, s.timezone) === half);
    const last = done.map((d) => d.startedAt!.getTime()).sort((a, b) => b - a)[0];
    return {
      siteId: s.id, siteName: s.name, halfYear: half, drillsThisHalf: thisHalf.length,
      lastDrillAt: last === undefined ? null : new Date(last).toISOString(),
      scheduled: mine.filter((d) => d.status === 'scheduled' && d.scheduledAt.getTime() >= now.getTime()).length,
      covered: thisHalf.length > 0,
    };
  }).sort((a, b) => Number(a.covered) - Number(b.covered) || a.siteId.localeCompare(b.siteId));
}

/** A site's completed drills, oldest first (the last `limit`), with each milestone's time: is the team getting faster? */
export function trendOf(
  drills: readonly { id: string; siteId: string; status: string; startedAt: Date | null; scenarioId: string; result: Record<string, unknown> | null }[],
  siteId: string,
  limit = 10,
): TrendPoint[] {
  return drills
    .filter((d) => d.siteId === siteId && d.status === 'completed' && d.startedAt && d.result && (d.result as { score?: unknown }).score)
    .sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime())
    .slice(-limit)
    .map((d) => {
      const score = (d.result as unknown as { score: DrillScore }).score;
      return {
        drillId: d.id, startedAt: d.startedAt!.toISOString(), scenarioId: d.scenarioId, score: score.score, passed: score.passed,
        steps: Object.fromEntries(score.steps.map((s) => [s.milestone, s.atSeconds === null ? null : Math.round(s.atSeconds * 10) / 10])),
      };
    });
}
