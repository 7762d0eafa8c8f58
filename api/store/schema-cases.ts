/**
 * The cases tables (re-exported by schema.ts, so drizzle and drizzle-kit see one schema): the legal case
 * files, their evidence and legal actions, complainants, and the hash-chained audit log of every read and write
 * of case files, evidence and aftercare records (api/audit).
 */
import { bigint, bigserial, customType, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import { incidents } from './schema.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

/** Raw bytes (PostgreSQL bytea): Buffer from node-postgres, Uint8Array from PGlite. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/**
 * Append-only (a trigger refuses UPDATE and DELETE), hash-chained: `hash` is SHA-256 over the canonical
 * serialisation of the row with `prev_hash`, the previous row's hash (api/audit/chain.ts).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    seq: bigint('seq', { mode: 'number' }).primaryKey(),
    at: at('at').notNull(),
    actorId: text('actor_id').notNull(),
    action: text('action').notNull(),
    recordType: text('record_type').notNull(),
    recordId: text('record_id').notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_record_idx').on(t.recordType, t.recordId, t.seq)],
);

/** One row (id 1): the chain's head. Appends lock it (FOR UPDATE), so concurrent processes never fork the chain. */
export const auditHead = pgTable('audit_head', {
  id: integer('id').primaryKey(),
  seq: bigint('seq', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

/** A person who complained abusively: linked to incidents and cases across sites. */
export const complainants = pgTable('complainants', {
  id: text('id').primaryKey(),
  name: text('name'),
  description: text('description').notNull().default(''),
  /** Phone or ID fragments, vehicle numbers…: whatever identifies them again. */
  identifiers: jsonb('identifiers').$type<string[]>().notNull().default([]),
  createdBy: text('created_by').notNull(),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const complainantIncidents = pgTable(
  'complainant_incidents',
  {
    complainantId: text('complainant_id').notNull().references(() => complainants.id),
    incidentId: text('incident_id').notNull().references(() => incidents.id),
    linkedBy: text('linked_by').notNull(),
    linkedAt: at('linked_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.complainantId, t.incidentId] }), index('complainant_incidents_incident_idx').on(t.incidentId)],
);

export const cases = pgTable(
  'cases',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    status: text('status').notNull().default('open'),
    classification: jsonb('classification').$type<string[]>().notNull().default([]),
    complainantId: text('complainant_id').references(() => complainants.id),
    /** People (legal, auditor…) assigned to the case. */
    assignees: jsonb('assignee_ids').$type<string[]>().notNull().default([]),
    summary: text('summary').notNull().default(''),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('cases_complainant_idx').on(t.complainantId)],
);

export const caseIncidents = pgTable(
  'case_incidents',
  {
    caseId: text('case_id').notNull().references(() => cases.id),
    incidentId: text('incident_id').notNull().references(() => incidents.id),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.incidentId] }), index('case_incidents_incident_idx').on(t.incidentId)],
);

export const caseStatements = pgTable(
  'case_statements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: text('case_id').notNull().references(() => cases.id),
    /** Who gave the statement (a name and role as written, e.g. "Kim (victim)"). */
    givenBy: text('given_by').notNull(),
    takenOn: text('taken_on').notNull(),
    text: text('text').notNull(),
    recordedBy: text('recorded_by').notNull(),
    recordedAt: at('recorded_at').notNull().defaultNow(),
  },
  (t) => [index('case_statements_case_idx').on(t.caseId, t.id)],
);

/** Evidence is never changed or removed (a trigger refuses UPDATE and DELETE); its bytes live here. */
export const caseEvidence = pgTable(
  'case_evidence',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').notNull().references(() => cases.id),
    fileName: text('file_name').notNull(),
    mediaType: text('media_type').notNull(),
    size: bigint('size', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    description: text('description').notNull().default(''),
    addedBy: text('added_by').notNull(),
    addedAt: at('added_at').notNull().defaultNow(),
    content: bytea('content').notNull(),
  },
  (t) => [index('case_evidence_case_idx').on(t.caseId, t.addedAt)],
);

export const caseActions = pgTable(
  'case_actions',
  {
    id: text('id').primaryKey(),
    caseId: text('case_id').notNull().references(() => cases.id),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    /** Calendar dates YYYY-MM-DD. */
    filedOn: text('filed_on'),
    nextDate: text('next_date'),
    decidedOn: text('decided_on'),
    /** The court, police station or prosecutor's office, and its reference number. */
    authority: text('authority').notNull().default(''),
    reference: text('reference').notNull().default(''),
    outcome: text('outcome').notNull().default(''),
    createdBy: text('created_by').notNull(),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [index('case_actions_case_idx').on(t.caseId, t.createdAt)],
);
