/**
 * Statistics from incidents and their timelines (DESIGN.md principle 3: computed from the timeline, never kept
 * by hand). Pure: the routes load the rows, this file counts. Months are the site's own (its time zone).
 */
import { firstAt, secondsFromPress, summariseDurations } from '../../domain/measures.ts';
import { localMonth } from '../../domain/zoned-time.ts';
import { RESPONSE_MEASURES, type Count, type DurationSummary, type ResponseMeasure, type Statistics } from '../../contract/statistics.ts';

export { RESPONSE_MEASURES, type Count, type DurationSummary, type ResponseMeasure, type Statistics };

export interface StatIncident {
  id: string;
  /** Per site and year (`2026-0042`) where known. */
  reference?: string | undefined;
  mode: string;
  status: string;
  source: string;
  siteId: string;
  siteName: string;
  counterId: string;
  counterName: string;
  timezone: string;
  openedAt: Date;
  classification: string[];
}

/** The first time of each timed step, from the timeline. */
export interface StatTimes {
  acknowledged?: Date | undefined;
  onScene?: Date | undefined;
  separated?: Date | undefined;
  policeHandover?: Date | undefined;
}

/** The timeline kinds that end each measure (the first one counts). */
export const MEASURE_KINDS: Record<ResponseMeasure, readonly string[]> = {
  acknowledged: ['acknowledged'],
  onScene: ['on_scene'],
  separated: ['victim_separated'],
  policeHandover: ['police_handover'],
};

export interface IncidentLine extends StatIncident {
  seconds: Record<ResponseMeasure, number | null>;
}

export function firstTimes(entries: readonly { kind: string; at: Date }[]): StatTimes {
  const times: StatTimes = {};
  for (const measure of RESPONSE_MEASURES) {
    const first = firstAt(entries, MEASURE_KINDS[measure]);
    if (first) times[measure] = first;
  }
  return times;
}

/** The first times a store row carries (one column per measure, null when never reached). */
export function firstTimesOf(row: Readonly<Record<ResponseMeasure, Date | null>>): StatTimes {
  const times: StatTimes = {};
  for (const measure of RESPONSE_MEASURES) {
    const at = row[measure];
    if (at) times[measure] = at;
  }
  return times;
}

function secondsOfSteps(i: StatIncident, times: StatTimes): Record<ResponseMeasure, number | null> {
  return Object.fromEntries(RESPONSE_MEASURES.map((m) => [m, secondsFromPress(i.openedAt, times[m])])) as Record<ResponseMeasure, number | null>;
}


function tally(counts: Map<string, Count>, key: string, label: string, n = 1): void {
  const c = counts.get(key);
  if (c) c.count += n;
  else counts.set(key, { key, label, count: n });
}

/**
 * An incident's classification counted (`n` incidents of it): an incident of two kinds once under each, a false
 * alarm under none of them, an empty one as unclassified. True for a false alarm.
 */
function tallyKinds(kinds: Map<string, Count>, classification: readonly string[], n = 1): boolean {
  const abuse = classification.filter((k) => k !== FALSE_ALARM);
  if (!classification.length) tally(kinds, 'unclassified', 'unclassified', n);
  for (const k of new Set(abuse)) tally(kinds, k, k, n);
  return abuse.length < classification.length;
}

const byCountDesc = (a: Count, b: Count) => b.count - a.count || a.key.localeCompare(b.key);

export function incidentLines(incidents: readonly StatIncident[], times: ReadonlyMap<string, StatTimes>): IncidentLine[] {
  return incidents.map((i) => ({ ...i, seconds: secondsOfSteps(i, times.get(i.id) ?? {}) }));
}

const FALSE_ALARM = 'false_alarm';

export function computeStatistics(lines: readonly IncidentLine[]): Statistics {
  const kinds = new Map<string, Count>();
  const sites = new Map<string, Count>();
  const counters = new Map<string, Count & { siteId: string; siteName: string; counterName: string }>();
  const months = new Map<string, Count>();
  const modes = new Map<string, Count>();
  const sources = new Map<string, Count>();
  const statuses = new Map<string, Count>();
  const durations: Record<ResponseMeasure, number[]> = { acknowledged: [], onScene: [], separated: [], policeHandover: [] };
  let falseAlarms = 0;
  for (const i of lines) {
    if (tallyKinds(kinds, i.classification)) falseAlarms++;
    tally(sites, i.siteId, i.siteName);
    const ck = `${i.siteId}/${i.counterId}`;
    const c = counters.get(ck);
    if (c) c.count++;
    else counters.set(ck, { key: ck, label: `${i.siteName} · ${i.counterName}`, count: 1, siteId: i.siteId, siteName: i.siteName, counterName: i.counterName });
    // 100,000 incidents built 100,000 formatters (seconds); one per time zone is kept instead.
    const month = localMonth(i.openedAt, i.timezone);
    tally(months, month, month);
    tally(modes, i.mode, i.mode);
    tally(sources, i.source, i.source);
    tally(statuses, i.status, i.status);
    for (const m of RESPONSE_MEASURES) if (i.seconds[m] !== null) durations[m].push(i.seconds[m]);
  }
  return {
    total: lines.length,
    falseAlarms,
    byKind: [...kinds.values()].sort(byCountDesc),
    bySite: [...sites.values()].sort(byCountDesc),
    byCounter: [...counters.values()].sort(byCountDesc),
    byMonth: [...months.values()].sort((a, b) => a.key.localeCompare(b.key)),
    byMode: [...modes.values()].sort(byCountDesc),
    bySource: [...sources.values()].sort(byCountDesc),
    byStatus: [...statuses.values()].sort(byCountDesc),
    responseTimes: {
      acknowledged: summariseDurations(durations.acknowledged), onScene: summariseDurations(durations.onScene),
      separated: summariseDurations(durations.separated), policeHandover: summariseDurations(durations.policeHandover),
    },
  };
}

/**
 * One tally of the incidents counted (facts.ts `IncidentFacts.summary`): `dim` is total, counter (`a` the site, `b` the counter), month,
 * mode, source, status, classification (`a` the incident's classification as JSON), or `tenths:<measure>` (`a` a
 * duration in tenths of a second, null for incidents the measure never reached); `n` is how many.
 */
export interface SummaryRow {
  dim: string;
  a: string | null;
  b: string | null;
  n: number;
}

export interface PlaceNames {
  site(siteId: string): string;
  counter(siteId: string, counterId: string): string;
}

/** The same statistics as {@link computeStatistics}, from tallies instead of every incident. */
export function statisticsFromSummary(rows: readonly SummaryRow[], names: PlaceNames): Statistics {
  const of = (dim: string) => rows.filter((r) => r.dim === dim);
  const counts = (dim: string) => of(dim).map((r) => ({ key: r.a ?? '', label: r.a ?? '', count: r.n })).sort(byCountDesc);
  const kinds = new Map<string, Count>();
  const sites = new Map<string, Count>();
  let falseAlarms = 0;
  for (const r of of('classification')) {
    if (tallyKinds(kinds, JSON.parse(r.a ?? '[]') as string[], r.n)) falseAlarms += r.n;
  }
  const byCounter = of('counter').map((r) => {
    const siteName = names.site(r.a!);
    const counterName = names.counter(r.a!, r.b!);
    tally(sites, r.a!, siteName, r.n);
    return { key: `${r.a}/${r.b}`, label: `${siteName} · ${counterName}`, count: r.n, siteId: r.a!, siteName, counterName };
  });
  const durations = (m: ResponseMeasure): number[] => {
    const values: number[] = [];
    // The database rounded each to a tenth as secondsFromPress does.
    for (const r of of(`tenths:${m}`)) {
      if (r.a === null) continue;
      const seconds = Number(r.a) / 10;
      for (let k = 0; k < r.n; k++) values.push(seconds);
    }
    return values;
  };
  return {
    total: of('total')[0]?.n ?? 0,
    falseAlarms,
    byKind: [...kinds.values()].sort(byCountDesc),
    bySite: [...sites.values()].sort(byCountDesc),
    byCounter: byCounter.sort(byCountDesc),
    byMonth: counts('month').sort((a, b) => a.key.localeCompare(b.key)),
    byMode: counts('mode'),
    bySource: counts('source'),
    byStatus: counts('status'),
    responseTimes: {
      acknowledged: summariseDurations(durations('acknowledged')), onScene: summariseDurations(durations('onScene')),
      separated: summariseDurations(durations('separated')), policeHandover: summariseDurations(durations('policeHandover')),
    },
  };
}

export interface RepeatComplainant {
  complainantId: string;
  incidents: number;
  sites: number;
}

/**
 * Complainants linked to two or more of the incidents counted (the case files' complainant records). No names:
 * statistics are for managers and auditors too, who do not read case files.
 */
export function repeatComplainants(links: readonly { complainantId: string; incidentId: string; siteId: string }[]): { complainants: number; items: RepeatComplainant[] } {
  const by = new Map<string, { incidents: Set<string>; sites: Set<string> }>();
  for (const l of links) {
    const c = by.get(l.complainantId) ?? { incidents: new Set<string>(), sites: new Set<string>() };
    c.incidents.add(l.incidentId);
    c.sites.add(l.siteId);
    by.set(l.complainantId, c);
  }
  const items = [...by.entries()]
    .filter(([, c]) => c.incidents.size >= 2)
    .map(([complainantId, c]) => ({ complainantId, incidents: c.incidents.size, sites: c.sites.size }))
    .sort((a, b) => b.incidents - a.incidents || a.complainantId.localeCompare(b.complainantId));
  return { complainants: by.size, items };
}
