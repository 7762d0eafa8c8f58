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
ALTER TABLE "drill_scenarios" ADD CONSTRAINT "drill_scenarios_created_by_people_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drills" ADD CONSTRAINT "drills_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "drills_site_idx" ON "drills" USING btree ("site_id","scheduled_at");--> statement-breakpoint
CREATE INDEX "drills_status_idx" ON "drills" USING btree ("status");