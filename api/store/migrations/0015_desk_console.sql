ALTER TABLE "people" ADD COLUMN "counter_ids" jsonb DEFAULT '[]'::jsonb NOT NULL;
