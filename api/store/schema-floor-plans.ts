/**
 * The floor-plans tables (re-exported by schema.ts, so drizzle and drizzle-kit see one schema): one plan image
 * per site and floor, kept in the database (so every API process and both databases serve it), and where each
 * counter stands on its plan, as fractions of the image's width and height.
 */
import { sql } from 'drizzle-orm';
import { check, customType, doublePrecision, foreignKey, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { sites } from './schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** Raw bytes (PostgreSQL bytea): Buffer from node-postgres, Uint8Array from PGlite. */
const planBytes = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

export const floorPlans = pgTable(
  'floor_plans',
  {
    siteId: text('site_id').notNull().references(() => sites.id),
    /** The floor as the site's counters name it (`1F`, `B1`…). */
    floor: text('floor').notNull(),
    /** image/png, image/jpeg or image/webp: decided from the bytes, never from the upload's header. */
    contentType: text('content_type').notNull(),
    image: planBytes('image').notNull(),
    byteSize: integer('byte_size').notNull(),
    /** SHA-256 of the image, hex: the ETag, and the console's cache key. */
    sha256: text('sha256').notNull(),
    uploadedBy: text('uploaded_by').notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.floor] })],
);

/** A counter is on at most one plan; removing the plan removes its placements. */
export const floorPlanCounters = pgTable(
  'floor_plan_counters',
  {
    siteId: text('site_id').notNull(),
    counterId: text('counter_id').notNull(),
    floor: text('floor').notNull(),
    x: doublePrecision('x').notNull(),
    y: doublePrecision('y').notNull(),
    placedBy: text('placed_by').notNull(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.siteId, t.counterId] }),
    foreignKey({ columns: [t.siteId, t.floor], foreignColumns: [floorPlans.siteId, floorPlans.floor], name: 'floor_plan_counters_plan_fk' }).onDelete('cascade'),
    check('floor_plan_counters_x_range', sql`${t.x} >= 0 and ${t.x} <= 1`),
    check('floor_plan_counters_y_range', sql`${t.y} >= 0 and ${t.y} <= 1`),
  ],
);
