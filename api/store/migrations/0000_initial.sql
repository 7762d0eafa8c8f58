CREATE TABLE "bell_events" (
	"bell_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"bell_at" text,
	"battery" integer,
	"transport" text NOT NULL,
	"incident_id" text,
	"stored_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bell_events_bell_id_seq_pk" PRIMARY KEY("bell_id","seq")
);
--> statement-breakpoint
CREATE TABLE "bells" (
	"id" text PRIMARY KEY NOT NULL,
	"site_id" text NOT NULL,
	"counter_id" text NOT NULL,
	"adapter" text DEFAULT 'native' NOT NULL,
	"key_hex" text,
	"heartbeat_seconds" integer DEFAULT 60 NOT NULL,
	"online" boolean DEFAULT false NOT NULL,
	"last_seen_at" timestamp (3) with time zone,
	"last_test_at" timestamp (3) with time zone,
	"battery" integer,
	"rssi" integer,
	"fw" text,
	"trouble" jsonb DEFAULT '[]'::jsonb NOT NULL
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
	"outcome" text
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"roles" jsonb NOT NULL,
	"site_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"phone" text,
	"email" text,
	"language" text DEFAULT 'ko' NOT NULL,
	"username" text,
	"password_hash" text,
	"active" boolean DEFAULT true NOT NULL,
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
CREATE TABLE "sites" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"address" text NOT NULL,
	"timezone" text NOT NULL,
	"police" jsonb,
	"drill_liaison" jsonb DEFAULT '[]'::jsonb NOT NULL,
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
ALTER TABLE "bells" ADD CONSTRAINT "bells_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "counters" ADD CONSTRAINT "counters_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "timeline" ADD CONSTRAINT "timeline_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_one_open_per_bell" ON "incidents" USING btree ("bell_id","mode") WHERE "incidents"."bell_id" is not null and "incidents"."status" not in ('closed', 'cancelled');--> statement-breakpoint
CREATE INDEX "incidents_status_idx" ON "incidents" USING btree ("status","opened_at");--> statement-breakpoint
CREATE INDEX "incidents_site_idx" ON "incidents" USING btree ("site_id","opened_at");--> statement-breakpoint
CREATE INDEX "security_alerts_at_idx" ON "security_alerts" USING btree ("at");--> statement-breakpoint
CREATE INDEX "sessions_person_idx" ON "sessions" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "timeline_incident_idx" ON "timeline" USING btree ("incident_id","id");