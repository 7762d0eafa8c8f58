-- Incident references a person can say on the phone: per site and year (in the site's time zone), 2026-0042;
-- drills count apart, 2026-D0007, so a drill never takes a number from the live register.
-- Allocated by a trigger, in the transaction that inserts the incident, from a counter row per
-- (site, year, mode) that the upsert locks until commit: two processes (or an import beside a press) never
-- give the same number, and every path that inserts an incident (bell, console, drill, import) gets one.
-- A rolled-back insert rolls its number back with it, so the register has no gaps from failures.
CREATE TABLE "incident_reference_counters" (
  "site_id" text NOT NULL,
  "year" integer NOT NULL,
  "mode" text NOT NULL,
  "last" integer NOT NULL,
  CONSTRAINT "incident_reference_counters_pk" PRIMARY KEY ("site_id", "year", "mode")
);
--> statement-breakpoint
ALTER TABLE "incidents" ADD COLUMN "reference" text;
--> statement-breakpoint
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
--> statement-breakpoint
-- Incidents stored before this migration are numbered in the order they opened.
WITH numbered AS (
  SELECT i.id, i.site_id, i.mode, i.opened_at,
    extract(year FROM i.opened_at AT TIME ZONE coalesce(s.timezone, 'UTC'))::int AS y,
    row_number() OVER (
      PARTITION BY i.site_id, i.mode, extract(year FROM i.opened_at AT TIME ZONE coalesce(s.timezone, 'UTC'))
      ORDER BY i.opened_at, i.id
    )::int AS n
  FROM incidents i LEFT JOIN sites s ON s.id = i.site_id
)
UPDATE incidents SET reference = guardbell_incident_reference(numbered.site_id, numbered.opened_at, numbered.mode, numbered.n)
  FROM numbered WHERE incidents.id = numbered.id;
--> statement-breakpoint
INSERT INTO incident_reference_counters (site_id, year, mode, last)
  SELECT i.site_id, extract(year FROM i.opened_at AT TIME ZONE coalesce(s.timezone, 'UTC'))::int, i.mode, count(*)::int
  FROM incidents i LEFT JOIN sites s ON s.id = i.site_id
  GROUP BY 1, 2, 3;
--> statement-breakpoint
CREATE UNIQUE INDEX "incidents_site_reference" ON "incidents" ("site_id", "reference");
