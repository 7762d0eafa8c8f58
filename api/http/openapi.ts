import { z } from 'zod';
import { escalationPolicySchema } from '../domain/escalation.ts';
import { closeBody, incidentListQuery, loginBody, raiseIncidentBody, reasonBody, responseEventBody } from './bodies.ts';

const json = (schema: z.ZodType) => ({ content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input' }) } } });
const ok = (description: string) => ({ description });
const errors = { '4XX': { description: 'Error: {"error":{"code","message"}}' } };
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];

/** GET /api/v1/openapi.json: the API described from the same zod schemas that validate it, with the areas' paths. */
export function openApiDocument(areaPaths: Record<string, unknown> = {}): Record<string, unknown> {
  const listQuery = z.toJSONSchema(incidentListQuery, { io: 'input' }) as { properties: Record<string, unknown> };
  return {
    openapi: '3.1.0',
    info: { title: 'Guardbell API', version: '1.0.0', description: 'PROTOCOL.md §4. Errors are {"error":{"code","message"}}.' },
    servers: [{ url: '/api/v1' }],
    components: {
      securitySchemes: {
        cookie: { type: 'apiKey', in: 'cookie', name: 'gb_session' },
        bearer: { type: 'http', scheme: 'bearer' },
      },
    },
    security: [{ cookie: [] }, { bearer: [] }],
    paths: {
      '/health': { get: { summary: 'Health of the database, broker and serial lines', security: [], responses: { 200: ok('{"status":"ok"|"degraded","db","broker","pendingWrites","serial":[{"path","connected"}],"bus","disk":{"state":"ok"|"low"|"full","freeBytes"},"clock":{"state":"ok"|"slewing","offsetMs"}}') } } },
      '/auth/login': { post: { summary: 'Log in', security: [], requestBody: json(loginBody), responses: { 200: ok('{"token"} and a session cookie'), ...errors } } },
      '/auth/logout': { post: { summary: 'Log out', responses: { 204: ok('logged out') } } },
      '/auth/renew': { post: { summary: 'Renew the session by its full lifetime (an open console, while connected)', responses: { 200: ok('{"expiresAt","ttlMs"} and the cookie again'), ...errors } } },
      '/me': { get: { summary: 'The logged-in user', responses: { 200: ok('Me'), ...errors } } },
      '/sites': { get: { summary: 'Sites with counters', responses: { 200: ok('{"items":[Site]}') } } },
      '/bells': { get: { summary: 'Bells with health', responses: { 200: ok('{"items":[Bell]}') } } },
      '/incidents': {
        get: {
          summary: 'List incidents',
          parameters: Object.entries(listQuery.properties).map(([name, schema]) => ({ name, in: 'query', schema })),
          responses: { 200: ok('{"items":[Incident]}'), ...errors },
        },
        post: { summary: 'Raise an alarm from the console', requestBody: json(raiseIncidentBody), responses: { 201: ok('Incident'), ...errors } },
      },
      '/incidents/{id}': { get: { summary: 'An incident with its timeline', parameters: idParam, responses: { 200: ok('IncidentDetail'), ...errors } } },
      '/incidents/{id}/acknowledge': { post: { summary: 'Acknowledge', parameters: idParam, responses: { 200: ok('Incident'), ...errors } } },
      '/incidents/{id}/events': { post: { summary: 'Record a response event', parameters: idParam, requestBody: json(responseEventBody), responses: { 200: ok('Incident'), ...errors } } },
      '/incidents/{id}/close': { post: { summary: 'Close with outcome and classification', parameters: idParam, requestBody: json(closeBody), responses: { 200: ok('Incident'), ...errors } } },
      '/incidents/{id}/cancel': { post: { summary: 'Cancel a triggered alarm with a reason (managers)', parameters: idParam, requestBody: json(reasonBody), responses: { 200: ok('Incident'), ...errors } } },
      '/incidents/{id}/reopen': { post: { summary: 'Reopen a closed incident with a reason', parameters: idParam, requestBody: json(reasonBody), responses: { 200: ok('Incident'), ...errors } } },
      '/provisioning': { post: { summary: 'Apply a provisioning document (admins)', responses: { 200: ok('summary'), 422: ok('{"error":{"details":[{"path","message"}]}}') } } },
      '/sites/{siteId}/escalation-policy': {
        get: { summary: "The site's escalation policy (the default when it has none)", parameters: [{ name: 'siteId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('{"siteId","isDefault","policy"}'), ...errors } },
        put: { summary: 'Set the site\'s escalation policy (admins); {"policy": null} returns to the default', parameters: [{ name: 'siteId', in: 'path', required: true, schema: { type: 'string' } }], requestBody: json(z.object({ policy: escalationPolicySchema.nullable() })), responses: { 200: ok('{"siteId","isDefault","policy"}'), ...errors } },
      },
      '/sites/{siteId}/roster': {
        get: { summary: 'Guard shifts and who is on duty now, with warnings', parameters: [{ name: 'siteId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('{"siteId","hasRoster","onDuty","warnings","shifts"}'), ...errors } },
        put: { summary: "Replace the site's shifts (admins, the site's managers)", parameters: [{ name: 'siteId', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: ok('roster'), ...errors } },
      },
      '/twilio/status': { post: { summary: 'Twilio status callback (X-Twilio-Signature required)', security: [], responses: { 200: ok('TwiML'), 403: ok('bad signature') } } },
      '/twilio/sms': { post: { summary: 'Inbound SMS: 1, OK or 확인 acknowledges (X-Twilio-Signature required)', security: [], responses: { 200: ok('TwiML'), 403: ok('bad signature') } } },
      '/twilio/gather': { post: { summary: 'Keypad on a call: 1 acknowledges (X-Twilio-Signature required)', security: [], responses: { 200: ok('TwiML'), 403: ok('bad signature') } } },
      ...areaPaths,
      '/stream': { get: { summary: 'WebSocket: {"type":"incident.created"|"incident.updated"|"bell.status"|"notification.status"|"security.alert","data"}' } },
    },
  };
}
