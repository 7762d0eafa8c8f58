import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  address: text('address').notNull(),
  timezone: text('timezone').notNull(),
  police: jsonb('police').$type<{ channel: string; to: string } | null>(),
  drillLiaison: jsonb('drill_liaison').$type<string[]>().notNull().default([]),
  updatedAt: at('updated_at').notNull().defaultNow(),
});

export const counters = pgTable(
  'counters',
  {
    siteId: text('site_id').notNull().references(() => sites.id),
    id: text('id').notNull(),
    name: text('name').notNull(),
    floor: text('floor'),
    managerIds: jsonb('manager_ids').$type<string[]>().notNull().default([]),
  },
  (t) => [primaryKey({ columns: [t.siteId, t.id] })],
);

export const bells = pgTable('bells', {
  id: text('id').primaryKey(),
  siteId: text('site_id').notNull().references(() => sites.id),
  counterId: text('counter_id').notNull(),
  adapter: text('adapter').notNull().default('native'),
  keyHex: text('key_hex'),
  heartbeatSeconds: integer('heartbeat_seconds').notNull().default(60),
  online: boolean('online').notNull().default(false),
  lastSeenAt: at('last_seen_at'),
  lastTestAt: at('last_test_at'),
  battery: integer('battery'),
  rssi: integer('rssi'),
  fw: text('fw'),
  trouble: jsonb('trouble').$type<string[]>().notNull().default([]),
});

export const people = pgTable('people', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  roles: jsonb('roles').$type<string[]>().notNull(),
  siteIds: jsonb('site_ids').$type<string[]>().notNull().default([]),
  phone: text('phone'),
  email: text('email'),
  language: text('language').notNull().default('ko'),
  username: text('username').unique(),
  passwordHash: text('password_hash'),
  active: boolean('active').notNull().default(true),
});

export const sessions = pgTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    personId: text('person_id').notNull().references(() => people.id),
    createdAt: at('created_at').notNull().defaultNow(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('sessions_person_idx').on(t.personId)],
);

export const incidents = pgTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    mode: text('mode').notNull(),
    status: text('status').notNull(),
    severity: text('severity').notNull(),
    violence: boolean('violence').notNull().default(false),
    siteId: text('site_id').notNull().references(() => sites.id),
    counterId: text('counter_id').notNull(),
    bellId: text('bell_id'),
    openingSeq: bigint('opening_seq', { mode: 'number' }),
    source: text('source').notNull(),
    raisedBy: text('raised_by'),
    openedAt: at('opened_at').notNull(),
    acknowledgedAt: at('acknowledged_at'),
    acknowledgedBy: text('acknowledged_by'),
    closedAt: at('closed_at'),
    classification: jsonb('classification').$type<string[]>().notNull().default([]),
    outcome: text('outcome'),
  },
  (t) => [
    // One open incident per bell and mode: a re-press joins it, also across several API processes.
    uniqueIndex('incidents_one_open_per_bell')
      .on(t.bellId, t.mode)
      .where(sql`${t.bellId} is not null and ${t.status} not in ('closed', 'cancelled')`),
    index('incidents_status_idx').on(t.status, t.openedAt),
    index('incidents_site_idx').on(t.siteId, t.openedAt),
  ],
);

/** Every event a bell sent that was answered `received`: the primary key makes "stored exactly once" a fact. */
export const bellEvents = pgTable(
  'bell_events',
  {
    bellId: text('bell_id').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    type: text('type').notNull(),
    receivedAt: at('received_at').notNull(),
    bellAt: text('bell_at'),
    battery: integer('battery'),
    transport: text('transport').notNull(),
    incidentId: text('incident_id'),
    storedAt: at('stored_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.bellId, t.seq] })],
);

/** Append-only: a trigger in the migrations refuses UPDATE and DELETE. */
export const timeline = pgTable(
  'timeline',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: text('incident_id').notNull().references(() => incidents.id),
    at: at('at').notNull(),
    kind: text('kind').notNull(),
    actorId: text('actor_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('timeline_incident_idx').on(t.incidentId, t.id)],
);

export const securityAlerts = pgTable(
  'security_alerts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    bellId: text('bell_id').notNull(),
    siteId: text('site_id'),
    reason: text('reason').notNull(),
    detail: text('detail').notNull(),
    at: at('at').notNull(),
  },
  (t) => [index('security_alerts_at_idx').on(t.at)],
);
