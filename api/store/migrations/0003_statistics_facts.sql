-- What the statistics board counts, kept on the incident by triggers: at 100,000 incidents, reading each one's
-- first response times from the timeline and its month in its site's zone was most of a second-long answer.
-- The timeline stays the truth (the exports still read it); these columns are derived from it in the same transaction.
ALTER TABLE "incidents" ADD COLUMN "opened_month" text;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "acknowledged_ms" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "on_scene_ms" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "separated_ms" bigint;--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "police_handover_ms" bigint;--> statement-breakpoint
-- The month an incident opened in, in its site's time zone (as guardbell_incident_reference takes the year).
CREATE OR REPLACE FUNCTION guardbell_opened_month(opened timestamptz, zone text) RETURNS text AS $$
  SELECT to_char(opened AT TIME ZONE coalesce(zone, 'UTC'), 'YYYY-MM');
$$ LANGUAGE sql IMMUTABLE;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION guardbell_incident_opened_month() RETURNS trigger AS $$
BEGIN
  NEW.opened_month := guardbell_opened_month(NEW.opened_at, (SELECT timezone FROM sites WHERE id = NEW.site_id));
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER incidents_opened_month BEFORE INSERT OR UPDATE OF opened_at, site_id ON incidents
  FOR EACH ROW EXECUTE FUNCTION guardbell_incident_opened_month();
--> statement-breakpoint
-- A site moved to another time zone: its incidents' months follow, as they did when counted at each request.
CREATE OR REPLACE FUNCTION guardbell_site_zone_changed() RETURNS trigger AS $$
BEGIN
  UPDATE incidents SET opened_month = guardbell_opened_month(opened_at, NEW.timezone) WHERE site_id = NEW.id;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER sites_zone_months AFTER UPDATE OF timezone ON sites
  FOR EACH ROW WHEN (OLD.timezone IS DISTINCT FROM NEW.timezone) EXECUTE FUNCTION guardbell_site_zone_changed();
--> statement-breakpoint
-- The first entry of each response measure's kinds (api/areas/statistics/compute.ts MEASURE_KINDS), as milliseconds
-- from the press: the earliest entry counts, even one timed before the press (which statistics then leave out).
CREATE OR REPLACE FUNCTION guardbell_timeline_response_time() RETURNS trigger AS $$
DECLARE
  ms bigint;
BEGIN
  SELECT round(extract(epoch FROM (NEW.at - opened_at)) * 1000)::bigint INTO ms FROM incidents WHERE id = NEW.incident_id;
  IF NEW.kind = 'acknowledged' THEN
    UPDATE incidents SET acknowledged_ms = ms WHERE id = NEW.incident_id AND (acknowledged_ms IS NULL OR acknowledged_ms > ms);
  ELSIF NEW.kind = 'on_scene' THEN
    UPDATE incidents SET on_scene_ms = ms WHERE id = NEW.incident_id AND (on_scene_ms IS NULL OR on_scene_ms > ms);
  ELSIF NEW.kind = 'victim_separated' THEN
    UPDATE incidents SET separated_ms = ms WHERE id = NEW.incident_id AND (separated_ms IS NULL OR separated_ms > ms);
  ELSIF NEW.kind = 'police_handover' THEN
    UPDATE incidents SET police_handover_ms = ms WHERE id = NEW.incident_id AND (police_handover_ms IS NULL OR police_handover_ms > ms);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER timeline_response_time AFTER INSERT ON timeline
  FOR EACH ROW WHEN (NEW.kind IN ('acknowledged', 'on_scene', 'victim_separated', 'police_handover'))
  EXECUTE FUNCTION guardbell_timeline_response_time();
--> statement-breakpoint
-- The incidents stored before this migration.
UPDATE incidents i SET opened_month = guardbell_opened_month(i.opened_at, s.timezone) FROM sites s WHERE s.id = i.site_id;
--> statement-breakpoint
UPDATE incidents i SET
  acknowledged_ms = round(extract(epoch FROM (f.acknowledged - i.opened_at)) * 1000)::bigint,
  on_scene_ms = round(extract(epoch FROM (f.on_scene - i.opened_at)) * 1000)::bigint,
  separated_ms = round(extract(epoch FROM (f.separated - i.opened_at)) * 1000)::bigint,
  police_handover_ms = round(extract(epoch FROM (f.police_handover - i.opened_at)) * 1000)::bigint
FROM (
  SELECT incident_id,
    min(at) FILTER (WHERE kind = 'acknowledged') AS acknowledged, min(at) FILTER (WHERE kind = 'on_scene') AS on_scene,
    min(at) FILTER (WHERE kind = 'victim_separated') AS separated, min(at) FILTER (WHERE kind = 'police_handover') AS police_handover
  FROM timeline WHERE kind IN ('acknowledged', 'on_scene', 'victim_separated', 'police_handover') GROUP BY incident_id
) f
WHERE f.incident_id = i.id;
