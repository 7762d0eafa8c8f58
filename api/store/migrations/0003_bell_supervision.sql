ALTER TABLE "bells" ADD COLUMN "tamper_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "bells" ADD COLUMN "clock_skew_ms" integer;--> statement-breakpoint
ALTER TABLE "bells" ADD COLUMN "created_at" timestamp (3) with time zone DEFAULT now() NOT NULL;