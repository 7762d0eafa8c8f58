/** The floor-plan and managers' routes in GET /api/v1/openapi.json. */
import { z } from 'zod';
import { historyQuery } from '../managers/routes.ts';
import { placeBody } from './routes.ts';

const ok = (description: string) => ({ description });
const errors = { '4XX': { description: 'Error: {"error":{"code","message"}}' } };
const path = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });

export function placesOpenApiPaths(): Record<string, unknown> {
  const history = z.toJSONSchema(historyQuery, { io: 'input' }) as { properties: Record<string, unknown> };
  return {
    '/floor-plans': { get: { summary: 'Floor plans (without their images) of every site the user may see, with the counters placed on them', responses: { 200: ok('{"items":[FloorPlanView]}') } } },
    '/sites/{siteId}/floor-plans': { get: { summary: "One site's floor plans", parameters: path('siteId'), responses: { 200: ok('{"items":[FloorPlanView]}'), ...errors } } },
    '/sites/{siteId}/floor-plans/{floor}': { delete: { summary: 'Remove a plan and its placements (admins, the site\'s managers)', parameters: path('siteId', 'floor'), responses: { 204: ok('removed'), ...errors } } },
    '/sites/{siteId}/floor-plans/{floor}/image': {
      get: { summary: 'The plan image (guards and managers of the site, admins, legal, audit); ETag = SHA-256', parameters: path('siteId', 'floor'), responses: { 200: ok('image/png, image/jpeg or image/webp'), 304: ok('not modified'), ...errors } },
      put: {
        summary: 'Upload or replace a plan (admins, the site\'s managers): the body is the raw PNG, JPEG or WebP bytes, at most 5 MiB; the type is read from the bytes (415 unsupported_image, 413 payload_too_large, 400 empty_upload)',
        parameters: path('siteId', 'floor'),
        responses: { 200: ok('FloorPlanView (replaced)'), 201: ok('FloorPlanView (new)'), ...errors },
      },
    },
    '/sites/{siteId}/floor-plans/{floor}/counters/{counterId}': {
      put: { summary: 'Place or move a counter on the plan of its floor, as fractions 0-1 of the image (422 wrong_floor, no_floor_plan, unknown_counter)', parameters: path('siteId', 'floor', 'counterId'), requestBody: json(placeBody), responses: { 200: ok('{"siteId","floor","counterId","x","y"}'), ...errors } },
      delete: { summary: 'Take a counter off its plan', parameters: path('siteId', 'floor', 'counterId'), responses: { 204: ok('removed'), ...errors } },
    },
    '/managers/open': { get: { summary: "Open incidents of the manager's sites (admins: all) with their escalation: the step, who was reached and who was not", responses: { 200: ok('{"items":[ManagerOpenIncident]}'), ...errors } } },
    '/managers/history': {
      get: {
        summary: 'Incidents by site, counter, kind, date and mode, each with its response times from the timeline, and their medians and 90th percentiles',
        parameters: Object.entries(history.properties).map(([name, schema]) => ({ name, in: 'query', schema })),
        responses: { 200: ok('ManagerHistory'), ...errors },
      },
    },
  };
}
