/** The aftercare tables (re-exported by schema.ts, so drizzle and drizzle-kit see one schema). */
import { bigserial, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { incidents, people, sites } from './schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** One aftercare record per victim and incident: status, leave, transfer; the care itself is in entries and claims. */
export const aftercareRecords = pgTable(
  'aftercare_records',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull().references(() => incidents.id),
    personId: text('person_id').notNull().references(() => people.id),
    siteId: text('site_id').notNull().references(() => sites.id),
    /** open, in_care, closed */
    status: text('status').notNull().default('open'),
    recoveryLeaveDays: integer('recovery_leave_days').notNull().default(0),
    /** `{ requestedAt, to, outcome: pending|approved|refused, decidedAt? }` or null: no transfer asked for. */
    transfer: jsonb('transfer').$type<Record<string, unknown> | null>(),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('aftercare_records_victim').on(t.incidentId, t.personId),
    index('aftercare_records_person_idx').on(t.personId),
  ],
);

/**
 * The care given and said, oldest first: referrals, counselling sessions, programmes, statements, status changes.
 * `confidentialNote` is the counsellor's note: only counsellors ever read it.
 */
export const aftercareEntries = pgTable(
  'aftercare_entries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recordId: text('record_id').notNull().references(() => aftercareRecords.id),
    kind: text('kind').notNull(),
    at: at('at').notNull(),
    actorId: text('actor_id').notNull(),
    /** What the staff member may read (a programme's name, a session's date, their own statement). */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    confidentialNote: text('confidential_note'),
  },
  (t) => [index('aftercare_entries_record_idx').on(t.recordId, t.id)],
);

/** Medical and treatment-expense claims, counted against the person's annual allowance in the year of `claimDate`. */
export const aftercareClaims = pgTable(
  'aftercare_claims',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    recordId: text('record_id').notNull().references(() => aftercareRecords.id),
    personId: text('person_id').notNull().references(() => people.id),
    siteId: text('site_id').notNull().references(() => sites.id),
    kind: text('kind').notNull(),
    /** The calendar date of the expense (YYYY-MM-DD, the site's time zone). */
    claimDate: text('claim_date').notNull(),
    year: integer('year').notNull(),
    amountKrw: integer('amount_krw').notNull(),
    description: text('description').notNull().default(''),
    /** pending, approved, rejected */
    status: text('status').notNull().default('pending'),
    /** The stated exception when an approval goes over the remaining allowance. */
    exceptionReason: text('exception_reason'),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    decidedBy: text('decided_by'),
    decidedAt: at('decided_at'),
  },
  (t) => [index('aftercare_claims_person_year_idx').on(t.personId, t.year)],
);

/** A site's own annual aftercare allowance (provisioning `aftercareAllowanceKrw`); no row: the default. */
export const aftercareSiteSettings = pgTable('aftercare_site_settings', {
  siteId: text('site_id').primaryKey().references(() => sites.id),
  allowanceKrw: integer('allowance_krw').notNull(),
});

/** One row per imported spreadsheet row: its idempotency key makes the same file twice import nothing twice. */
export const incidentImports = pgTable(
  'incident_imports',
  {
    rowKey: text('row_key').primaryKey(),
    incidentId: text('incident_id').notNull().references(() => incidents.id),
    fileSha256: text('file_sha256').notNull(),
    rowNumber: integer('row_number').notNull(),
    importedBy: text('imported_by').notNull(),
    importedAt: at('imported_at').notNull().defaultNow(),
  },
  (t) => [index('incident_imports_incident_idx').on(t.incidentId)],
);
