/** The case-file, complainant and audit routes in openapi.json (merged into api/http/openapi.ts). */
import { z } from 'zod';
import { actionPatchBody, auditPageQuery, casePatchBody, evidenceQuery, linkIncidentsBody, newActionBody, newCaseBody, newComplainantBody, statementBody } from './bodies.ts';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const ok = (description: string) => ({ description });
const errors = { '4XX': { description: 'Error: {"error":{"code","message"}}' } };
const path = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
const query = (schema: z.ZodType) => {
  const s = z.toJSONSchema(schema, { io: 'input' }) as { properties: Record<string, unknown>; required?: string[] };
  return Object.entries(s.properties).map(([name, schema]) => ({ name, in: 'query', required: s.required?.includes(name) ?? false, schema }));
};

export function casesOpenApiPaths(): Record<string, unknown> {
  return {
    '/cases': {
      get: { summary: 'Case files one may see: whole (legal, auditors), existence only (managers of an incident\'s site); audited', responses: { 200: ok('{"items":[CaseSummaryView|CaseExistsView]}'), ...errors } },
      post: { summary: 'Open a case file from live incidents (legal)', requestBody: json(newCaseBody), responses: { 201: ok('CaseDetailView'), ...errors } },
    },
    '/cases/{id}': {
      get: { summary: 'One case file as the reader may see it (audited)', parameters: path('id'), responses: { 200: ok('CaseDetailView or CaseExistsView'), ...errors } },
      patch: { summary: 'Title, status, classification, complainant, assignees, summary, more incidents (legal)', parameters: path('id'), requestBody: json(casePatchBody), responses: { 200: ok('CaseDetailView'), ...errors } },
    },
    '/cases/{id}/statements': { post: { summary: 'Add a statement (legal)', parameters: path('id'), requestBody: json(statementBody), responses: { 201: ok('StatementView'), ...errors } } },
    '/cases/{id}/evidence': {
      post: {
        summary: 'Upload evidence: the raw body is the file (up to 100 MB), Content-Type its media type; SHA-256 computed on the server (legal)',
        parameters: [...path('id'), ...query(evidenceQuery)],
        description: 'The request body is the file itself (any media type, not JSON), so it is not described as a JSON body here.',
        responses: { 201: ok('EvidenceView'), ...errors },
      },
    },
    '/cases/{id}/evidence/{evidenceId}/content': { get: { summary: 'Download evidence (legal, auditors; audited: chain of custody); X-Content-SHA256', parameters: path('id', 'evidenceId'), responses: { 200: ok('the file'), ...errors } } },
    '/cases/{id}/actions': { post: { summary: 'Add a legal action (legal)', parameters: path('id'), requestBody: json(newActionBody), responses: { 201: ok('ActionView'), ...errors } } },
    '/cases/{id}/actions/{actionId}': { patch: { summary: 'Update a legal action: status, dates, outcome (legal)', parameters: path('id', 'actionId'), requestBody: json(actionPatchBody), responses: { 200: ok('ActionView'), ...errors } } },
    '/cases/{id}/export': { get: { summary: 'ZIP: summary.pdf, evidence/, manifest.json, SHA256SUMS (legal, auditors; audited); X-Manifest-SHA256', parameters: path('id'), responses: { 200: ok('application/zip'), ...errors } } },
    '/incidents/{id}/case-files': { get: { summary: 'An incident\'s case files as the reader may see them, and known-complainant warnings', parameters: path('id'), responses: { 200: ok('IncidentCaseFilesView'), ...errors } } },
    '/complainants': {
      get: { summary: 'Complainant records (legal, auditors; audited)', responses: { 200: ok('{"items":[ComplainantView]}'), ...errors } },
      post: { summary: 'Record a complainant, linked to incidents (legal)', requestBody: json(newComplainantBody), responses: { 201: ok('ComplainantView'), ...errors } },
    },
    '/complainants/{id}': { get: { summary: 'One complainant with incidents, sites and cases (legal, auditors; audited)', parameters: path('id'), responses: { 200: ok('ComplainantView'), ...errors } } },
    '/complainants/{id}/incidents': { post: { summary: 'Link incidents; answers with the known-complainant warning (legal)', parameters: path('id'), requestBody: json(linkIncidentsBody), responses: { 200: ok('ComplainantView and "warning"'), ...errors } } },
    '/audit/log': { get: { summary: 'The audit log in sequence order (auditors)', parameters: query(auditPageQuery), responses: { 200: ok('{"items":[…],"next":seq|null}'), ...errors } } },
    '/audit/verify': { get: { summary: 'Verify the hash chain (auditors): ok, or the first broken link by seq and reason', responses: { 200: ok('{"ok":true,…} or {"ok":false,"break":{"seq","reason","message"}}'), ...errors } } },
  };
}
