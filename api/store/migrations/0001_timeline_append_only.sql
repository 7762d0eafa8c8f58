-- The timeline is append-only (DESIGN.md principle 3): refuse any UPDATE or DELETE of its rows.
CREATE OR REPLACE FUNCTION guardbell_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER timeline_append_only BEFORE UPDATE OR DELETE ON timeline
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
CREATE TRIGGER bell_events_append_only BEFORE UPDATE OR DELETE ON bell_events
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
