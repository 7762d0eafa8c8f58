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
ALTER TABLE "floor_plan_counters" ADD CONSTRAINT "floor_plan_counters_plan_fk" FOREIGN KEY ("site_id","floor") REFERENCES "public"."floor_plans"("site_id","floor") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "floor_plans" ADD CONSTRAINT "floor_plans_site_id_sites_id_fk" FOREIGN KEY ("site_id") REFERENCES "public"."sites"("id") ON DELETE no action ON UPDATE no action;