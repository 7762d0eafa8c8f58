/** The drills tables (re-exported by schema.ts, so drizzle and drizzle-kit see one schema). */
import { index, jsonb, pgTable, text, timestamp, boolean } from 'drizzle-orm/pg-core';
import { people, sites } from './schema.ts';
import type { DrillStatus, DrillTrigger } from '../contract/drills.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** Scenarios written by managers (the built-in library is code: drills/scenarios.ts). `definition` passed `scenarioSchema`. */
export const drillScenarios = pgTable('drill_scenarios', {
  id: text('id').primaryKey(),
  definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
  createdBy: text('created_by').notNull().references(() => people.id),
  createdAt: at('created_at').notNull().defaultNow(),
});

/**
 * One drill at one counter of one site: planned (`scheduled`), `running` or `paused` (a live alarm at the site
 * wins), then `completed` with its score frozen, or `cancelled` before it started.
 */
export const drills = pgTable(
  'drills',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id').notNull().references(() => sites.id),
    counterId: text('counter_id').notNull(),
    /** The scenario as it was when the drill was planned: later edits do not change a drill's targets. */
    scenarioId: text('scenario_id').notNull(),
    scenario: jsonb('scenario').$type<Record<string, unknown>>().notNull(),
    scheduledAt: at('scheduled_at').notNull(),
    participants: jsonb('participants').$type<string[]>().notNull().default([]),
    announced: boolean('announced').notNull().default(true),
    jointPolice: boolean('joint_police').notNull().default(false),
    /** `virtual_bell`: the drill presses a bell of its own; `real_bell`: it waits for a person to press the counter's bell. */
    trigger: text('trigger').$type<DrillTrigger>().notNull().default('virtual_bell'),
    status: text('status').$type<DrillStatus>().notNull().default('scheduled'),
    note: text('note'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    startedAt: at('started_at'),
    startedBy: text('started_by'),
    /** A real-bell drill takes the first short press of the counter's bells until then; any press after is live. */
    armedUntil: at('armed_until'),
    virtualBellId: text('virtual_bell_id'),
    incidentId: text('incident_id'),
    /** `[{ from, to, liveIncidentId }]`: the drill was paused for a live alarm. */
    pauses: jsonb('pauses').$type<{ from: string; to: string | null; liveIncidentId: string | null }[]>().notNull().default([]),
    endedAt: at('ended_at'),
    endedBy: text('ended_by'),
    /** The score and report facts, computed from the timeline when the drill ended. */
    result: jsonb('result').$type<Record<string, unknown> | null>(),
  },
  (t) => [index('drills_site_idx').on(t.siteId, t.scheduledAt), index('drills_status_idx').on(t.status)],
);
