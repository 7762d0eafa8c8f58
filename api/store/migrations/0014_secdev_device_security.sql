ALTER TABLE "bells" ADD COLUMN "seq_epoch" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "bell_events" ADD COLUMN "epoch" integer DEFAULT 0 NOT NULL;
--> statement-breakpoint
ALTER TABLE "bell_events" ADD COLUMN "boot" bigint;
--> statement-breakpoint
ALTER TABLE "bell_events" DROP CONSTRAINT "bell_events_bell_id_seq_pk";
--> statement-breakpoint
ALTER TABLE "bell_events" ADD CONSTRAINT "bell_events_bell_id_epoch_seq_pk" PRIMARY KEY("bell_id","epoch","seq");
--> statement-breakpoint
CREATE TABLE "mqtt_bridges" (
	"username" text PRIMARY KEY NOT NULL,
	"password_hash" text NOT NULL,
	"adapter" text NOT NULL,
	"topic_prefix" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
