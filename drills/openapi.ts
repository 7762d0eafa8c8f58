/** The drill routes in openapi.json (merged into api/http/openapi.ts). */
import { z } from 'zod';
import { scheduleBody } from './http/routes.ts';
import { scenarioSchema } from './scenarios.ts';

const ok = (description: string) => ({ description });
const errors = { '4XX': { description: 'Error: {"error":{"code","message"}}' } };
const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const action = (summary: string) => ({ post: { summary, parameters: idParam, responses: { 200: ok('Drill'), ...errors } } });

export function drillsOpenApiPaths(): Record<string, unknown> {
  return {
    '/drills': {
      get: { summary: 'Drills of your sites (managers; admins: all); ?siteId=&status=', responses: { 200: ok('{"items":[Drill]}'), ...errors } },
      post: { summary: 'Plan a drill (managers of the site, admins); jointPolice needs the site\'s drill liaison numbers', requestBody: json(scheduleBody), responses: { 201: ok('Drill'), ...errors } },
    },
    '/drills/scenarios': {
      get: { summary: 'The scenario library and managers\' own scenarios', responses: { 200: ok('{"items":[Scenario]}'), ...errors } },
      post: { summary: 'Write an own scenario (managers, admins); a built-in id is refused (409)', requestBody: json(scenarioSchema), responses: { 201: ok('Scenario'), ...errors } },
    },
    '/drills/people': { get: { summary: 'The people of a site a planner picks drill participants from, by name (?siteId=): id, name, roles', responses: { 200: ok('{"items":[{"id","name","roles"}]}'), ...errors } } },
    '/drills/coverage': { get: { summary: 'Per site: completed drills this half-year (site time zone), last drill, planned; `uncovered` lists the sites not drilled', responses: { 200: ok('{"items":[CoverageRow],"uncovered":[siteId]}'), ...errors } } },
    '/drills/trends': { get: { summary: 'A site\'s completed drills, oldest first: score and seconds per step (?siteId=&limit=)', responses: { 200: ok('{"siteId","items":[TrendPoint]}'), ...errors } } },
    '/drills/{id}': { get: { summary: 'A drill with its incident and its score so far (frozen once ended)', parameters: idParam, responses: { 200: ok('DrillReport'), ...errors } } },
    '/drills/{id}/report': { get: { summary: 'The drill report: steps against targets, missed, reached and not, delivery, liaison, pauses', parameters: idParam, responses: { 200: ok('DrillReport'), ...errors } } },
    '/drills/{id}/report.pdf': { get: { summary: 'The drill report as a PDF', parameters: idParam, responses: { 200: ok('application/pdf'), ...errors } } },
    '/drills/{id}/start': action('Start: the drill\'s virtual bell presses through the broker and gateway, or (trigger real_bell) the counter\'s bells take their first short press; 409 while a live incident is open at the site'),
    '/drills/{id}/resume': action('Resume a drill paused for a live alarm (409 while the live alarm is open)'),
    '/drills/{id}/end': action('End: the drill incident is closed (or cancelled if unacknowledged), the drill bell removed, the score frozen'),
    '/drills/{id}/cancel': action('Cancel a planned drill that has not started'),
  };
}
