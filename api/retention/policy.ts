/**
 * How long each kind of data is kept, per deployment (RETENTION_*_DAYS), and what happens when the time is up.
 * The defaults and their reasons are in the README; records tied to an open case file are on legal hold and
 * kept whatever their age.
 */
import { z } from 'zod';
import { StartError } from '../start-error.ts';

export const RETENTION_KINDS = ['bellEvents', 'notifications', 'incidents', 'aftercare', 'caseFiles'] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

export type RetentionPolicy = Record<RetentionKind, number>;

const YEAR = 365;
/** Days after which each kind expires (counted from the moment named in retention-job.ts). */
export const DEFAULT_RETENTION: RetentionPolicy = Object.freeze({
  bellEvents: 400,
  notifications: 400,
  incidents: 5 * YEAR,
  aftercare: 5 * YEAR,
  caseFiles: 10 * YEAR,
});

const ENV: Record<RetentionKind, string> = {
  bellEvents: 'RETENTION_BELL_EVENTS_DAYS',
  notifications: 'RETENTION_NOTIFICATIONS_DAYS',
  incidents: 'RETENTION_INCIDENTS_DAYS',
  aftercare: 'RETENTION_AFTERCARE_DAYS',
  caseFiles: 'RETENTION_CASE_FILES_DAYS',
};

const days = z.coerce.number().int().min(30, 'must be at least 30 days').max(100 * YEAR);

/** A StartError: `guardbell start` prints its message alone. */
export class RetentionConfigError extends StartError {}

/** The policy from the environment; every bad value is named at once. */
export function retentionPolicyFromEnv(env: Record<string, string | undefined> = process.env): RetentionPolicy {
  const policy: RetentionPolicy = { ...DEFAULT_RETENTION };
  const problems: string[] = [];
  for (const kind of RETENTION_KINDS) {
    const raw = env[ENV[kind]];
    if (raw === undefined || raw === '') continue;
    const parsed = days.safeParse(raw);
    if (parsed.success) policy[kind] = parsed.data;
    else problems.push(`${ENV[kind]}=${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message ?? 'not a number of days'}`);
  }
  if (problems.length > 0) throw new RetentionConfigError(problems.join('; '));
  return Object.freeze(policy);
}

/** The instant before which a kind has expired at `now`. */
export function cutoff(policy: RetentionPolicy, kind: RetentionKind, now: Date): Date {
  return new Date(now.getTime() - policy[kind] * 86_400_000);
}
