ALTER TABLE "bells" ADD COLUMN "confirm" jsonb;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "unconfirmed" boolean DEFAULT false NOT NULL;