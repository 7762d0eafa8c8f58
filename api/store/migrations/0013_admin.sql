CREATE TABLE "bell_retirements" (
	"bell_id" text PRIMARY KEY NOT NULL,
	"retired_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"retired_by" text,
	"reason" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "bell_retirements" ADD CONSTRAINT "bell_retirements_bell_id_bells_id_fk" FOREIGN KEY ("bell_id") REFERENCES "public"."bells"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bell_retirements" ADD CONSTRAINT "bell_retirements_retired_by_people_id_fk" FOREIGN KEY ("retired_by") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;