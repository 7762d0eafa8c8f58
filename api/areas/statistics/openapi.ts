/** The statistics and import routes in openapi.json (merged into api/http/openapi.ts). */
import { z } from 'zod';
import { statisticsQuery } from './routes.ts';

const ok = (description: string) => ({ description });
const errors = { '4XX': { description: 'Error: {"error":{"code","message"}}' } };

export function statisticsOpenApiPaths(): Record<string, unknown> {
  const q = z.toJSONSchema(statisticsQuery, { io: 'input' }) as { properties: Record<string, unknown> };
  const parameters = Object.entries(q.properties).map(([name, schema]) => ({ name, in: 'query', schema }));
  return {
    '/statistics': { get: { summary: 'Counts by kind, site, counter, month, mode, source, status; response times from the press; repeat complainants (drills only with mode=drill|all)', parameters, responses: { 200: ok('{"filter","statistics","repeatComplainants"}'), ...errors } } },
    '/statistics/export.xlsx': { get: { summary: 'The statistics as an Excel workbook', parameters, responses: { 200: ok('xlsx'), ...errors } } },
    '/statistics/export.csv': { get: { summary: 'The statistics as CSV (UTF-8 with BOM)', parameters, responses: { 200: ok('csv'), ...errors } } },
    '/statistics/import-template.xlsx': { get: { summary: 'The Excel template for importing earlier incidents (admins, managers)', responses: { 200: ok('xlsx'), ...errors } } },
    '/statistics/import': { post: { summary: 'Import the filled template (body: the .xlsx); any bad cell imports nothing (422 invalid_import, details [{row,column,reason}]); rows imported before are skipped', responses: { 200: ok('{"rows","imported","alreadyImported","incidentIds"}'), ...errors } } },
  };
}
