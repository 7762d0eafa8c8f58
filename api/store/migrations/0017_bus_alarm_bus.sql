CREATE TABLE "bus_events" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"origin" text NOT NULL,
	"data" jsonb NOT NULL
);
--> statement-breakpoint
CREATE INDEX "bus_events_at_idx" ON "bus_events" USING btree ("at");--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "revision" integer DEFAULT 0 NOT NULL;
