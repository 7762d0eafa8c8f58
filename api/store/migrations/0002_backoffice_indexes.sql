-- The back office at 100,000 incidents (test/bench/backoffice-run.ts):
-- the managers' history lists the newest incidents of many sites at once, which the (site_id, opened_at) index
-- cannot give in order: every incident of the manager's sites was read and sorted for 200 of them.
CREATE INDEX "incidents_opened_idx" ON "incidents" USING btree ("opened_at");
--> statement-breakpoint
-- History by counter (a counter of a site, newest first).
CREATE INDEX "incidents_site_counter_idx" ON "incidents" USING btree ("site_id","counter_id","opened_at");
--> statement-breakpoint
-- Statistics read each incident's first acknowledged / on scene / separated / police handover time from its
-- timeline: this index answers that from the index alone, without the other entries of the timeline.
CREATE INDEX "timeline_timed_idx" ON "timeline" USING btree ("incident_id","kind","at") WHERE "timeline"."kind" in ('acknowledged', 'on_scene', 'victim_separated', 'police_handover');
