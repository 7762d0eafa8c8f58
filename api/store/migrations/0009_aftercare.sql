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
ALTER TABLE "aftercare_claims" ADD CONSTRAINT "aftercare_claims_record_id_aftercare_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."aftercare_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_claims" ADD CONSTRAINT "aftercare_claims_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_claims" ADD CONSTRAINT "aftercare_claims_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_entries" ADD CONSTRAINT "aftercare_entries_record_id_aftercare_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."aftercare_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_records" ADD CONSTRAINT "aftercare_records_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_records" ADD CONSTRAINT "aftercare_records_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_records" ADD CONSTRAINT "aftercare_records_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "aftercare_site_settings" ADD CONSTRAINT "aftercare_site_settings_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "incident_imports" ADD CONSTRAINT "incident_imports_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "aftercare_claims_person_year_idx" ON "aftercare_claims" USING btree ("person_id","year");--> statement-breakpoint
CREATE INDEX "aftercare_entries_record_idx" ON "aftercare_entries" USING btree ("record_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "aftercare_records_victim" ON "aftercare_records" USING btree ("incident_id","person_id");--> statement-breakpoint
CREATE INDEX "aftercare_records_person_idx" ON "aftercare_records" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "incident_imports_incident_idx" ON "incident_imports" USING btree ("incident_id");