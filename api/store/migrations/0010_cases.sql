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
ALTER TABLE "case_actions" ADD CONSTRAINT "case_actions_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_evidence" ADD CONSTRAINT "case_evidence_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_incidents" ADD CONSTRAINT "case_incidents_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_incidents" ADD CONSTRAINT "case_incidents_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "case_statements" ADD CONSTRAINT "case_statements_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_complainant_id_complainants_id_fk" FOREIGN KEY ("complainant_id") REFERENCES "public"."complainants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complainant_incidents" ADD CONSTRAINT "complainant_incidents_complainant_id_complainants_id_fk" FOREIGN KEY ("complainant_id") REFERENCES "public"."complainants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "complainant_incidents" ADD CONSTRAINT "complainant_incidents_incident_id_incidents_id_fk" FOREIGN KEY ("incident_id") REFERENCES "public"."incidents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_record_idx" ON "audit_log" USING btree ("record_type","record_id","seq");--> statement-breakpoint
CREATE INDEX "case_actions_case_idx" ON "case_actions" USING btree ("case_id","created_at");--> statement-breakpoint
CREATE INDEX "case_evidence_case_idx" ON "case_evidence" USING btree ("case_id","added_at");--> statement-breakpoint
CREATE INDEX "case_incidents_incident_idx" ON "case_incidents" USING btree ("incident_id");--> statement-breakpoint
CREATE INDEX "case_statements_case_idx" ON "case_statements" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "cases_complainant_idx" ON "cases" USING btree ("complainant_id");--> statement-breakpoint
CREATE INDEX "complainant_incidents_incident_idx" ON "complainant_incidents" USING btree ("incident_id");--> statement-breakpoint
-- The audit chain's head row (api/audit): every append locks it, so the chain never forks.
INSERT INTO "audit_head" ("id", "seq", "hash") VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint
-- The audit log and evidence are append-only (DESIGN.md principle 4); guardbell audit verify still detects a change
-- made by someone who bypasses these triggers.
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
CREATE TRIGGER case_evidence_append_only BEFORE UPDATE OR DELETE ON case_evidence
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
