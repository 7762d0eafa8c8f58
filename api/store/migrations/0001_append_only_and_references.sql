-- What the schema cannot say, written by hand.

-- The timeline, bell events, evidence and the audit log are append-only (DESIGN.md principles 3 and 4). Retention
-- (api/retention) may delete or blank their rows only inside its own transaction, which says so with
-- SET LOCAL guardbell.retention = 'on' and writes what it did to the audit log in the same transaction. The audit
-- log itself stays refused: its chain is what proves the rest. `guardbell audit verify` still detects a change made
-- by someone who bypasses these triggers.
CREATE OR REPLACE FUNCTION guardbell_refuse_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP <> 'TRUNCATE' AND TG_TABLE_NAME <> 'audit_log' AND current_setting('guardbell.retention', true) = 'on' THEN
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER timeline_append_only BEFORE UPDATE OR DELETE ON timeline
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
CREATE TRIGGER bell_events_append_only BEFORE UPDATE OR DELETE ON bell_events
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
CREATE TRIGGER case_evidence_append_only BEFORE UPDATE OR DELETE ON case_evidence
  FOR EACH ROW EXECUTE FUNCTION guardbell_refuse_change();
--> statement-breakpoint
-- The audit chain's head row (api/audit): every append locks it, so the chain never forks.
INSERT INTO "audit_head" ("id", "seq", "hash") VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
--> statement-breakpoint
-- Incident references a person can say on the phone: per site and year (in the site's time zone), 2026-0042;
-- drills count apart, 2026-D0007, so a drill never takes a number from the live register.
-- Allocated by a trigger, in the transaction that inserts the incident, from a counter row per
-- (site, year, mode) that the upsert locks until commit: two processes (or an import beside a press) never
-- give the same number, and every path that inserts an incident (bell, console, drill, import) gets one.
-- A rolled-back insert rolls its number back with it, so the register has no gaps from failures.
CREATE OR REPLACE FUNCTION guardbell_incident_reference(site text, opened timestamptz, mode text, n integer) RETURNS text AS $$
  SELECT extract(year FROM opened AT TIME ZONE coalesce((SELECT timezone FROM sites WHERE id = site), 'UTC'))::int::text
    || '-' || CASE WHEN mode = 'drill' THEN 'D' ELSE '' END
    || CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END;
$$ LANGUAGE sql STABLE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION guardbell_allocate_incident_reference() RETURNS trigger AS $$
DECLARE
  y integer;
  n integer;
BEGIN
  IF NEW.reference IS NOT NULL THEN
    RETURN NEW;
  END IF;
  y := extract(year FROM NEW.opened_at AT TIME ZONE coalesce((SELECT timezone FROM sites WHERE id = NEW.site_id), 'UTC'))::int;
  INSERT INTO incident_reference_counters AS c (site_id, year, mode, last) VALUES (NEW.site_id, y, NEW.mode, 1)
    ON CONFLICT (site_id, year, mode) DO UPDATE SET last = c.last + 1
    RETURNING last INTO n;
  NEW.reference := guardbell_incident_reference(NEW.site_id, NEW.opened_at, NEW.mode, n);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incidents_reference BEFORE INSERT ON incidents
  FOR EACH ROW EXECUTE FUNCTION guardbell_allocate_incident_reference();
