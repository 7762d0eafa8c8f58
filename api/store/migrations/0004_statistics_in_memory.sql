-- Statistics keep every incident's figures in memory (api/areas/statistics/facts.ts) and, at each request, read
-- again only the rows written since their last read: each row carries the transaction that last wrote it, and a
-- reader's snapshot says from which transaction on it may not have seen a write (pg_snapshot_xmin).
CREATE TABLE "incidents_removed" (
	"id" smallint PRIMARY KEY DEFAULT 1 NOT NULL,
	"xid" bigint NOT NULL,
	CONSTRAINT "incidents_removed_one_row" CHECK ("incidents_removed"."id" = 1)
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "written_xid" bigint;--> statement-breakpoint
CREATE INDEX "incidents_written_idx" ON "incidents" USING btree ("written_xid");
--> statement-breakpoint
CREATE OR REPLACE FUNCTION guardbell_incident_written() RETURNS trigger AS $$
BEGIN
  NEW.written_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incidents_written BEFORE INSERT OR UPDATE ON incidents
  FOR EACH ROW EXECUTE FUNCTION guardbell_incident_written();
--> statement-breakpoint
-- A deleted incident leaves no row to read again: the copy in memory is read whole after any delete or truncate.
CREATE OR REPLACE FUNCTION guardbell_incidents_removed() RETURNS trigger AS $$
BEGIN
  INSERT INTO incidents_removed (id, xid) VALUES (1, pg_current_xact_id()::text::bigint)
    ON CONFLICT (id) DO UPDATE SET xid = excluded.xid;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incidents_removed AFTER DELETE OR TRUNCATE ON incidents
  FOR EACH STATEMENT EXECUTE FUNCTION guardbell_incidents_removed();
