/** The aftercare routes in openapi.json (merged into api/http/openapi.ts). */
import { z } from 'zod';
import { careEntryBody, claimBody, decisionBody, openRecordBody, recordPatchBody, statementBody } from './routes.ts';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const ok = (description: string) => ({ description });
const errors = { '4XX': { description: 'Error: {"error":{"code","message"}}' } };
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];

export function aftercareOpenApiPaths(): Record<string, unknown> {
  return {
    '/aftercare': {
      get: { summary: 'Aftercare records one may see: whole (counsellors), own (staff), status only (site managers, auditors)', responses: { 200: ok('{"items":[AftercareStatusView]}') } },
      post: { summary: 'Open a record for a victim (counsellors, the site\'s managers)', requestBody: json(openRecordBody), responses: { 201: ok('AftercareStatusView'), ...errors } },
    },
    '/aftercare/victims': { get: { summary: 'Victims named at separations without a record yet', responses: { 200: ok('{"items":[…]}') } } },
    '/aftercare/my-incidents': { get: { summary: 'The incidents in which I was a victim', responses: { 200: ok('{"items":[MyIncidentView]}') } } },
    '/aftercare/repeat-targets': { get: { summary: 'Staff who were victims in three or more incidents in twelve months', responses: { 200: ok('{"items":[…]}') } } },
    '/aftercare/staff': { get: { summary: 'Staff of an incident\'s site, to name victims (responders)', parameters: [{ name: 'incidentId', in: 'query', required: true, schema: { type: 'string' } }], responses: { 200: ok('{"items":[{"id","name"}]}'), ...errors } } },
    '/aftercare/{id}': {
      get: { summary: 'One record as the reader may see it (audited)', parameters: idParam, responses: { 200: ok('AftercareDetailView or AftercareStatusView'), ...errors } },
      patch: { summary: 'Status, recovery leave, transfer (counsellors)', parameters: idParam, requestBody: json(recordPatchBody), responses: { 200: ok('AftercareStatusView'), ...errors } },
    },
    '/aftercare/{id}/entries': { post: { summary: 'Referral, session, programme with a confidential note (counsellors)', parameters: idParam, requestBody: json(careEntryBody), responses: { 201: ok('AftercareEntryView'), ...errors } } },
    '/aftercare/{id}/statements': { post: { summary: 'The staff member\'s own statement', parameters: idParam, requestBody: json(statementBody), responses: { 201: ok('AftercareEntryView'), ...errors } } },
    '/aftercare/{id}/claims': { post: { summary: 'A treatment-expense claim; over the annual allowance only with exceptionReason (422 exception_required)', parameters: idParam, requestBody: json(claimBody), responses: { 201: ok('ClaimView'), ...errors } } },
    '/aftercare/{id}/claims/{claimId}/decision': { post: { summary: 'Approve or reject a pending claim', parameters: [...idParam, { name: 'claimId', in: 'path', required: true, schema: { type: 'string' } }], requestBody: json(decisionBody), responses: { 200: ok('ClaimView'), ...errors } } },
  };
}
