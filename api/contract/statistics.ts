/** The JSON shape of GET /api/v1/statistics (api/areas/statistics/compute.ts computes it; the console draws it). */

export const RESPONSE_MEASURES = ['acknowledged', 'onScene', 'separated', 'policeHandover'] as const;
export type ResponseMeasure = (typeof RESPONSE_MEASURES)[number];

export interface DurationSummary {
  count: number;
  medianSeconds: number | null;
  p90Seconds: number | null;
  meanSeconds: number | null;
  maxSeconds: number | null;
}

export interface Count {
  key: string;
  label: string;
  count: number;
}

export interface Statistics {
  total: number;
  /** Incidents closed as `false_alarm`: counted here, apart, and not under any kind of abuse. */
  falseAlarms: number;
  byKind: Count[];
  bySite: Count[];
  /** `label` reads "site · counter"; a chart names the counter first (`counterName`), its site after. */
  byCounter: (Count & { siteId: string; siteName: string; counterName: string })[];
  byMonth: Count[];
  byMode: Count[];
  bySource: Count[];
  byStatus: Count[];
  /** From the press to each step, in seconds. */
  responseTimes: Record<ResponseMeasure, DurationSummary>;
}
