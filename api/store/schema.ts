import { sql } from 'drizzle-orm';
import {
  bigint, bigserial, boolean, check, index, integer, jsonb, pgTable, primaryKey, smallint, text, timestamp, uniqueIndex,
} from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 });

export const sites = pgTable('sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  address: text('address').notNull(),
  timezone: text('timezone').notNull(),
  police: jsonb('police').$type<{ channel: string; to: string } | null>(),
  drillLiaison: jsonb('drill_liaison').$type<string[]>().notNull().default([]),
  /** Native serial lines of this site's bells, `path[@baud]` (provisioning `serialPorts`). */
  serialPorts: jsonb('serial_ports').$type<string[]>().notNull().default([]),
  /** The district situation room, reached by the "nobody on scene" step. */
  situationRoom: jsonb('situation_room').$type<{ channel: string; to: string } | null>(),
  /** The site's own escalation policy; null means DESIGN.md's default. */
  escalationPolicy: jsonb('escalation_policy').$type<unknown>(),
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
  /** scrypt hash of the bell's MQTT password (per-bell broker credentials); null: the bell logs in anonymously. */
  mqttPasswordHash: text('mqtt_password_hash'),
  /**
   * The bell's counting epoch (api/domain/bell-sequence.ts): raised when its counting restarts; an
   * administrator's "reset sequence" raises it so that the next event is heard whatever its seq.
   */
  seqEpoch: integer('seq_epoch').notNull().default(0),
  /** The device's own address for adapters that name it (SIA DC-09: `account` or `account/zone`). */
  deviceId: text('device_id'),
  heartbeatSeconds: integer('heartbeat_seconds').notNull().default(60),
  /** The confirmation rule (`{"within": seconds}`): a first press opens an unconfirmed incident; null: off. */
  confirm: jsonb('confirm').$type<{ within: number } | null>(),
  online: boolean('online').notNull().default(false),
  lastSeenAt: at('last_seen_at'),
  lastTestAt: at('last_test_at'),
  battery: integer('battery'),
  rssi: integer('rssi'),
  fw: text('fw'),
  trouble: jsonb('trouble').$type<string[]>().notNull().default([]),
  /** The troubles the site's admins were last told of (maintenance alerts): one process wins each change. */
  notifiedTrouble: jsonb('notified_trouble').$type<string[]>().notNull().default([]),
  tamperAt: at('tamper_at'),
  clockSkewMs: integer('clock_skew_ms'),
  createdAt: at('created_at').notNull().defaultNow(),
});

export const people = pgTable('people', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  roles: jsonb('roles').$type<string[]>().notNull(),
  siteIds: jsonb('site_ids').$type<string[]>().notNull().default([]),
  /** The counters a person works at (the panic button's choice); empty: the device remembers or asks. */
  counterIds: jsonb('counter_ids').$type<string[]>().notNull().default([]),
  phone: text('phone'),
  email: text('email'),
  language: text('language').notNull().default('ko'),
  username: text('username').unique(),
  passwordHash: text('password_hash'),
  active: boolean('active').notNull().default(true),
  /** Made by the demo seed: refused once a real site exists (api/auth/demo-accounts.ts). */
  demo: boolean('demo').notNull().default(false),
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
    /** The escalation policy frozen when the incident opened: later edits do not change a running escalation. */
    escalationPolicy: jsonb('escalation_policy').$type<unknown>(),
    /** A joint police drill reaches the site's drill liaison numbers (and never the live police number). */
    jointPoliceDrill: boolean('joint_police_drill').notNull().default(false),
    /** Opened by a first press of a bell with a confirmation rule, not confirmed yet: only guards are told. */
    unconfirmed: boolean('unconfirmed').notNull().default(false),
    /** Raised by every stored change: consoles on several processes keep the newest view of an incident. */
    revision: integer('revision').notNull().default(0),
    /** What a person says on the phone: 2026-0042 (drills 2026-D0007), set by the insert trigger (migration 0001). */
    reference: text('reference'),
    /**
     * What statistics count, kept by triggers (migration 0003) so the board reads one row per incident and no
     * timeline: the month it opened in its site's time zone (YYYY-MM), and the milliseconds from the press to the
     * first timeline entry of each response measure (negative when that entry is timed before the press).
     */
    openedMonth: text('opened_month'),
    acknowledgedMs: bigint('acknowledged_ms', { mode: 'number' }),
    onSceneMs: bigint('on_scene_ms', { mode: 'number' }),
    separatedMs: bigint('separated_ms', { mode: 'number' }),
    policeHandoverMs: bigint('police_handover_ms', { mode: 'number' }),
    /**
     * The transaction that last wrote the row (its 64-bit id, set by a trigger, migration 0004): statistics keep the
     * incidents' figures in memory and read again only the rows written since their last read.
     */
    writtenXid: bigint('written_xid', { mode: 'number' }),
  },
  (t) => [
    // One open incident per bell and mode: a re-press joins it, also across several API processes.
    uniqueIndex('incidents_one_open_per_bell')
      .on(t.bellId, t.mode)
      .where(sql`${t.bellId} is not null and ${t.status} not in ('closed', 'cancelled')`),
    index('incidents_status_idx').on(t.status, t.openedAt),
    index('incidents_site_idx').on(t.siteId, t.openedAt),
    index('incidents_opened_idx').on(t.openedAt),
    index('incidents_site_counter_idx').on(t.siteId, t.counterId, t.openedAt),
    uniqueIndex('incidents_site_reference').on(t.siteId, t.reference),
    index('incidents_written_idx').on(t.writtenXid),
  ],
);

/**
 * The transaction that last deleted or truncated incidents (one row, by a statement trigger, migration 0004): the
 * statistics' copy in memory is read whole again after it, since a deleted row leaves nothing to read.
 */
export const incidentsRemoved = pgTable('incidents_removed', {
  id: smallint('id').primaryKey().default(1),
  xid: bigint('xid', { mode: 'number' }).notNull(),
}, (t) => [check('incidents_removed_one_row', sql`${t.id} = 1`)]);

/** The last incident reference given per site, year (the site's) and mode: locked by the insert that takes the next. */
export const incidentReferenceCounters = pgTable(
  'incident_reference_counters',
  {
    siteId: text('site_id').notNull(),
    year: integer('year').notNull(),
    mode: text('mode').notNull(),
    last: integer('last').notNull(),
  },
  (t) => [primaryKey({ name: 'incident_reference_counters_pk', columns: [t.siteId, t.year, t.mode] })],
);

/** Every event a bell sent that was answered `received`: the primary key makes "stored exactly once" a fact. */
export const bellEvents = pgTable(
  'bell_events',
  {
    bellId: text('bell_id').notNull(),
    /** The bell's counting epoch when the event came: a bell that restarts its counting reuses seqs. */
    epoch: integer('epoch').notNull().default(0),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    /** The bell's boot counter (PROTOCOL.md §1 `boot`), when it sends one. */
    boot: bigint('boot', { mode: 'number' }),
    type: text('type').notNull(),
    receivedAt: at('received_at').notNull(),
    bellAt: text('bell_at'),
    battery: integer('battery'),
    transport: text('transport').notNull(),
    incidentId: text('incident_id'),
    storedAt: at('stored_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.bellId, t.epoch, t.seq] })],
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
  (t) => [
    index('timeline_incident_idx').on(t.incidentId, t.id),
    index('timeline_timed_idx').on(t.incidentId, t.kind, t.at).where(sql`${t.kind} in ('acknowledged', 'on_scene', 'victim_separated', 'police_handover')`),
  ],
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

/** One row per step of an incident's frozen policy: the timers live here, so a restart resumes them. */
export const escalationSteps = pgTable(
  'escalation_steps',
  {
    incidentId: text('incident_id').notNull().references(() => incidents.id),
    stepId: text('step_id').notNull(),
    status: text('status').notNull().default('pending'),
    /** Null while the step's condition cannot be met yet (e.g. "nobody on scene" before an acknowledgement). */
    dueAt: at('due_at'),
    firedAt: at('fired_at'),
    reason: text('reason'),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.stepId] }), index('escalation_steps_due_idx').on(t.status, t.dueAt)],
);

/** Every attempt to reach someone, with its delivery status: the outbox of the notifiers. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id').notNull().references(() => incidents.id),
    stepId: text('step_id').notNull(),
    /** A person id, or `police:<number>` / `situation_room:<number>` for channels that are not people. */
    recipientKey: text('recipient_key').notNull(),
    personId: text('person_id'),
    channel: text('channel').notNull(),
    to: text('to').notNull(),
    language: text('language').notNull().default('ko'),
    isPolice: boolean('is_police').notNull().default(false),
    mode: text('mode').notNull(),
    status: text('status').notNull().default('queued'),
    providerId: text('provider_id'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull().defaultNow(),
    lastError: text('last_error'),
    fallbackOf: text('fallback_of'),
    createdAt: at('created_at').notNull().defaultNow(),
    updatedAt: at('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // A person never gets the same step twice on the same channel, however often the bell is pressed.
    uniqueIndex('notifications_once_per_step').on(t.incidentId, t.stepId, t.recipientKey, t.channel),
    index('notifications_outbox_idx').on(t.status, t.nextAttemptAt),
    index('notifications_provider_idx').on(t.providerId),
    index('notifications_incident_idx').on(t.incidentId),
  ],
);

/** Guard shifts: who is on duty at a site, and when. A site without shifts has every guard on duty. */
export const shifts = pgTable(
  'shifts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    siteId: text('site_id').notNull().references(() => sites.id),
    personId: text('person_id').notNull().references(() => people.id),
    startsAt: at('starts_at').notNull(),
    endsAt: at('ends_at').notNull(),
  },
  (t) => [index('shifts_site_idx').on(t.siteId, t.startsAt)],
);

/** The alarm bus between processes (api/bus/pg-transport.ts): appended, announced by NOTIFY, pruned after minutes. */
export const busEvents = pgTable(
  'bus_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    at: at('at').notNull().defaultNow(),
    type: text('type').notNull(),
    version: integer('version').notNull(),
    origin: text('origin').notNull(),
    data: jsonb('data').notNull(),
  },
  (t) => [index('bus_events_at_idx').on(t.at)],
);

// Each later area keeps its tables in its own file; re-exported here so that the store, drizzle-kit and the
// migrations see one schema. Those files may refer to the tables above only inside `references(() => …)`.
export * from './schema-drills.ts';
export * from './schema-floor-plans.ts';
export * from './schema-cases.ts';
export * from './schema-aftercare.ts';
export * from './schema-admin.ts';
export * from './schema-devices.ts';
