/**
 * Administration: bells taken out of service (re-exported by schema.ts). A bell is never deleted: its
 * incidents and events keep pointing at it. Out of service, it is left out of the directory the alarm path,
 * the broker's credentials and the health board read, so its presses are refused as an unknown bell.
 */
import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { bells, people } from './schema.ts';

export const bellRetirements = pgTable('bell_retirements', {
  bellId: text('bell_id').primaryKey().references(() => bells.id),
  retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  retiredBy: text('retired_by').references(() => people.id),
  reason: text('reason').notNull(),
});
