CREATE TABLE "bell_events" (
	"bell_id" text NOT NULL,
	"epoch" integer DEFAULT 0 NOT NULL,
	"seq" bigint NOT NULL,
	"boot" bigint,
	"type" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"bell_at" text,
	"battery" integer,
	"transport" text NOT NULL,
	"incident_id" text,
	"stored_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bell_events_bell_id_epoch_seq_pk" PRIMARY KEY("bell_id","epoch","seq")
);
--> statement-breakpoint
CREATE TABLE "bells" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"counter_id" text NOT NULL,
	"adapter" text DEFAULT 'native' NOT NULL,
	"key_hex" text,
	"mqtt_password_hash" text,
	"seq_epoch" integer DEFAULT 0 NOT NULL,
	"device_id" text,
	"heartbeat_seconds" integer DEFAULT 60 NOT NULL,
	"confirm" jsonb,
	"online" boolean DEFAULT false NOT NULL,
	"last_seen_at" timestamp (3) with time zone,
	"last_test_at" timestamp (3) with time zone,
	"battery" integer,
	"rssi" integer,
	"fw" text,
	"trouble" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"notified_trouble" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"tamper_at" timestamp (3) with time zone,
	"clock_skew_ms" integer,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bus_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"origin" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "counters" (
	"site_id" text NOT NULL,
	"id" text NOT NULL,
	"name" text NOT NULL,
	"floor" text,
	"manager_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	CONSTRAINT "counters_site_id_id_pk" PRIMARY KEY("site_id","id")
);
--> statement-breakpoint
CREATE TABLE "escalation_steps" (
	"incident_id" text NOT NULL,
	"step_id" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"due_at" timestamp (3) with time zone,
	"fired_at" timestamp (3) with time zone,
	"reason" text,
	CONSTRAINT "escalation_steps_incident_id_step_id_pk" PRIMARY KEY("incident_id","step_id")
);
--> statement-breakpoint
CREATE TABLE "incident_reference_counters" (
	"site_id" text NOT NULL,
	"year" integer NOT NULL,
	"mode" text NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "incident_reference_counters_pk" PRIMARY KEY("site_id","year","mode")
);
--> statement-breakpoint
CREATE TABLE "incidents" (
	"id" text PRIMARY KEY NOT NULL,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"severity" text NOT NULL,
	"violence" boolean DEFAULT false NOT NULL,
	"site_id" text NOT NULL,
	"counter_id" text NOT NULL,
	"bell_id" text,
	"opening_seq" bigint,
	"source" text NOT NULL,
	"raised_by" text,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"acknowledged_at" timestamp (3) with time zone,
	"acknowledged_by" text,
	"closed_at" timestamp (3) with time zone,
	"classification" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"outcome" text,
	"escalation_policy" jsonb,
	"joint_police_drill" boolean DEFAULT false NOT NULL,
	"unconfirmed" boolean DEFAULT false NOT NULL,
	"revision" integer DEFAULT 0 NOT NULL,
	"reference" text
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"step_id" text NOT NULL,
	"recipient_key" text NOT NULL,
	"person_id" text,
	"channel" text NOT NULL,
	"to" text NOT NULL,
	"language" text DEFAULT 'ko' NOT NULL,
	"is_police" boolean DEFAULT false NOT NULL,
	"mode" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"provider_id" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"fallback_of" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"roles" jsonb NOT NULL,
	"site_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"counter_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"phone" text,
	"email" text,
	"language" text DEFAULT 'ko' NOT NULL,
	"username" text,
	"password_hash" text,
	"active" boolean DEFAULT true NOT NULL,
	"demo" boolean DEFAULT false NOT NULL,
	CONSTRAINT "people_username_unique" UNIQUE("username")
);
--> statement-breakpoint
CREATE TABLE "security_alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"bell_id" text NOT NULL,
	"site_id" text,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"token_hash" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shifts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"person_id" text NOT NULL,
	"starts_at" timestamp (3) with time zone NOT NULL,
	"ends_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sites" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"timezone" text NOT NULL,
	"police" jsonb,
	"drill_liaison" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"serial_ports" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"situation_room" jsonb,
	"escalation_policy" jsonb,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "timeline" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"kind" text NOT NULL,
	"actor_id" text,
	"data" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drill_scenarios" (
	"id" text PRIMARY KEY NOT NULL,
	"definition" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "drills" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"counter_id" text NOT NULL,
	"scenario_id" text NOT NULL,
	"scenario" jsonb NOT NULL,
	"scheduled_at" timestamp (3) with time zone NOT NULL,
	"participants" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"announced" boolean DEFAULT true NOT NULL,
	"joint_police" boolean DEFAULT false NOT NULL,
	"trigger" text DEFAULT 'virtual_bell' NOT NULL,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"note" text,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"started_by" text,
	"armed_until" timestamp (3) with time zone,
	"virtual_bell_id" text,
	"incident_id" text,
	"pauses" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ended_at" timestamp (3) with time zone,
	"ended_by" text,
	"result" jsonb
);
--> statement-breakpoint
CREATE TABLE "floor_plan_counters" (
	"site_id" text NOT NULL,
	"counter_id" text NOT NULL,
	"floor" text NOT NULL,
	"x" double precision NOT NULL,
	"y" double precision NOT NULL,
	"placed_by" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "floor_plan_counters_site_id_counter_id_pk" PRIMARY KEY("site_id","counter_id"),
	CONSTRAINT "floor_plan_counters_x_range" CHECK ("floor_plan_counters"."x" >= 0 and "floor_plan_counters"."x" <= 1),
	CONSTRAINT "floor_plan_counters_y_range" CHECK ("floor_plan_counters"."y" >= 0 and "floor_plan_counters"."y" <= 1)
);
--> statement-breakpoint
CREATE TABLE "floor_plans" (
	"site_id" text NOT NULL,
	"floor" text NOT NULL,
	"content_type" text NOT NULL,
	"image" "bytea" NOT NULL,
	"byte_size" integer NOT NULL,
	"sha256" text NOT NULL,
	"uploaded_by" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "floor_plans_site_id_floor_pk" PRIMARY KEY("site_id","floor")
);
--> statement-breakpoint
CREATE TABLE "audit_head" (
	"id" integer PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"action" text NOT NULL,
	"record_type" text NOT NULL,
	"record_id" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"filed_on" text,
	"next_date" text,
	"decided_on" text,
	"authority" text DEFAULT '' NOT NULL,
	"reference" text DEFAULT '' NOT NULL,
	"outcome" text DEFAULT '' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_evidence" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"file_name" text NOT NULL,
	"media_type" text NOT NULL,
	"size" bigint NOT NULL,
	"sha256" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"added_by" text NOT NULL,
	"added_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"content" "bytea" NOT NULL
);
--> statement-breakpoint
CREATE TABLE "case_incidents" (
	"case_id" text NOT NULL,
	"incident_id" text NOT NULL,
	CONSTRAINT "case_incidents_case_id_incident_id_pk" PRIMARY KEY("case_id","incident_id")
);
--> statement-breakpoint
CREATE TABLE "case_statements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"given_by" text NOT NULL,
	"taken_on" text NOT NULL,
	"text" text NOT NULL,
	"recorded_by" text NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"classification" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"complainant_id" text,
	"assignee_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"summary" text DEFAULT '' NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "complainant_incidents" (
	"complainant_id" text NOT NULL,
	"incident_id" text NOT NULL,
	"linked_by" text NOT NULL,
	"linked_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "complainant_incidents_complainant_id_incident_id_pk" PRIMARY KEY("complainant_id","incident_id")
);
--> statement-breakpoint
CREATE TABLE "complainants" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"description" text DEFAULT '' NOT NULL,
	"identifiers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aftercare_claims" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"record_id" text NOT NULL,
	"person_id" text NOT NULL,
	"site_id" text NOT NULL,
	"kind" text NOT NULL,
	"claim_date" text NOT NULL,
	"year" integer NOT NULL,
	"amount_krw" integer NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"exception_reason" text,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decided_by" text,
	"decided_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "aftercare_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"record_id" text NOT NULL,
	"kind" text NOT NULL,
	"at" timestamp (3) with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"confidential_note" text
);
--> statement-breakpoint
CREATE TABLE "aftercare_records" (
	"id" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"person_id" text NOT NULL,
	"site_id" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"recovery_leave_days" integer DEFAULT 0 NOT NULL,
	"transfer" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "aftercare_site_settings" (
	"site_id" text PRIMARY KEY NOT NULL,
	"allowance_krw" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "incident_imports" (
	"row_key" text PRIMARY KEY NOT NULL,
	"incident_id" text NOT NULL,
	"file_sha256" text NOT NULL,
	"row_number" integer NOT NULL,
	"imported_by" text NOT NULL,
	"imported_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "bell_retirements" (
	"bell_id" text PRIMARY KEY NOT NULL,
	"retired_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"retired_by" text,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "mqtt_bridges" (
	"username" text PRIMARY KEY NOT NULL,
	"password_hash" text NOT NULL,
	"adapter" text NOT NULL,
	"topic_prefix" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bells" ADD CONSTRAINT "bells_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counters" ADD CONSTRAINT "counters_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "escalation_steps" ADD CONSTRAINT "escalation_steps_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shifts" ADD CONSTRAINT "shifts_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline" ADD CONSTRAINT "timeline_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drill_scenarios" ADD CONSTRAINT "drill_scenarios_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drills" ADD CONSTRAINT "drills_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "floor_plan_counters" ADD CONSTRAINT "floor_plan_counters_plan_fk" FOREIGN KEY ("site_id","floor") REFERENCES "public"."floor_plans"("site_id","floor") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "floor_plans" ADD CONSTRAINT "floor_plans_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_actions" ADD CONSTRAINT "case_actions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_evidence" ADD CONSTRAINT "case_evidence_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_incidents" ADD CONSTRAINT "case_incidents_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_incidents" ADD CONSTRAINT "case_incidents_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_statements" ADD CONSTRAINT "case_statements_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_complainant_id_complainants_id_fk" FOREIGN KEY ("complainant_id") REFERENCES "public"."complainants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complainant_incidents" ADD CONSTRAINT "complainant_incidents_complainant_id_complainants_id_fk" FOREIGN KEY ("complainant_id") REFERENCES "public"."complainants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complainant_incidents" ADD CONSTRAINT "complainant_incidents_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_claims" ADD CONSTRAINT "aftercare_claims_record_id_aftercare_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."aftercare_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_claims" ADD CONSTRAINT "aftercare_claims_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_claims" ADD CONSTRAINT "aftercare_claims_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_entries" ADD CONSTRAINT "aftercare_entries_record_id_aftercare_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."aftercare_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_records" ADD CONSTRAINT "aftercare_records_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_records" ADD CONSTRAINT "aftercare_records_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_records" ADD CONSTRAINT "aftercare_records_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_site_settings" ADD CONSTRAINT "aftercare_site_settings_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_imports" ADD CONSTRAINT "incident_imports_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bell_retirements" ADD CONSTRAINT "bell_retirements_bell_id_bells_id_fk" FOREIGN KEY ("bell_id") REFERENCES "public"."bells"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bell_retirements" ADD CONSTRAINT "bell_retirements_retired_by_people_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bus_events_at_idx" ON "bus_events" USING btree ("at");--> statement-breakpoint
CREATE INDEX "escalation_steps_due_idx" ON "escalation_steps" USING btree ("status","due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_one_open_per_bell" ON "incidents" USING btree ("bell_id","mode") WHERE "incidents"."bell_id" is not null and "incidents"."status" not in ('closed', 'cancelled');--> statement-breakpoint
CREATE INDEX "incidents_status_idx" ON "incidents" USING btree ("status","opened_at");--> statement-breakpoint
CREATE INDEX "incidents_site_idx" ON "incidents" USING btree ("site_id","opened_at");--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_site_reference" ON "incidents" USING btree ("site_id","reference");--> statement-breakpoint
CREATE UNIQUE INDEX "notifications_once_per_step" ON "notifications" USING btree ("incident_id","step_id","recipient_key","channel");--> statement-breakpoint
CREATE INDEX "notifications_outbox_idx" ON "notifications" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "notifications_provider_idx" ON "notifications" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "notifications_incident_idx" ON "notifications" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "security_alerts_at_idx" ON "security_alerts" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sessions_person_idx" ON "sessions" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "shifts_site_idx" ON "shifts" USING btree ("site_id","starts_at");--> statement-breakpoint
CREATE INDEX "timeline_incident_idx" ON "timeline" USING btree ("incident_id","id");--> statement-breakpoint
CREATE INDEX "drills_site_idx" ON "drills" USING btree ("site_id","scheduled_at");--> statement-breakpoint
CREATE INDEX "drills_status_idx" ON "drills" USING btree ("status");--> statement-breakpoint
CREATE INDEX "audit_log_record_idx" ON "audit_log" USING btree ("record_type","record_id","seq");--> statement-breakpoint
CREATE INDEX "case_actions_case_idx" ON "case_actions" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "case_evidence_case_idx" ON "case_evidence" USING btree ("case_id","added_at");--> statement-breakpoint
CREATE INDEX "case_incidents_incident_idx" ON "case_incidents" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "case_statements_case_idx" ON "case_statements" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "cases_complainant_idx" ON "cases" USING btree ("complainant_id");--> statement-breakpoint
CREATE INDEX "complainant_incidents_incident_idx" ON "complainant_incidents" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "aftercare_claims_person_year_idx" ON "aftercare_claims" USING btree ("person_id","year");--> statement-breakpoint
CREATE INDEX "aftercare_entries_record_idx" ON "aftercare_entries" USING btree ("record_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "aftercare_records_victim" ON "aftercare_records" USING btree ("incident_id","person_id");--> statement-breakpoint
CREATE INDEX "aftercare_records_person_idx" ON "aftercare_records" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "incident_imports_incident_idx" ON "incident_imports" USING btree ("incident_id");