/** The admin routes in the OpenAPI document. Bodies are the provisioning file's own shapes (PROTOCOL.md §5). */
const ok = (description: string) => ({ description });
const invalid = { 422: ok('{"error":{"code":"invalid_provisioning","details":[{"path","message","code","params"?,"documentPath"}]}}: nothing changed'), '4XX': ok('Error: {"error":{"code","message"}}') };
const path = (...names: string[]) => names.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));

export function adminOpenApiPaths(): Record<string, unknown> {
  return {
    '/admin/directory': { get: { summary: 'Sites with counters, rosters and policies; bells; people (admins). Never keys, MQTT passwords or password hashes: only hasKey, hasMqttPassword, hasPassword', responses: { 200: ok('{"sites","bells","people"}'), ...invalid } } },
    '/admin/sites': { post: { summary: 'Create a site (a provisioning site, with counters; not bells or roster)', responses: { 201: ok('{"summary","site"}'), ...invalid } } },
    '/admin/sites/{siteId}': { put: { summary: "Replace a site's own fields; counters, bells, roster kept; the policy kept unless named", parameters: path('siteId'), responses: { 200: ok('{"summary","site"}'), ...invalid } } },
    '/admin/sites/{siteId}/counters': { post: { summary: 'Add a counter', parameters: path('siteId'), responses: { 201: ok('{"summary","site"}'), ...invalid } } },
    '/admin/sites/{siteId}/counters/{counterId}': { put: { summary: 'Change a counter', parameters: path('siteId', 'counterId'), responses: { 200: ok('{"summary","site"}'), ...invalid } } },
    '/admin/sites/{siteId}/roster': { put: { summary: 'Replace the guard roster: {"roster":[{"personId","startsAt","endsAt"}]}', parameters: path('siteId'), responses: { 200: ok('{"summary","site"}'), ...invalid } } },
    '/admin/sites/{siteId}/escalation': { put: { summary: 'Set the escalation policy: {"escalation": policy}, or null for the default', parameters: path('siteId'), responses: { 200: ok('{"summary","site"}'), ...invalid } } },
    '/admin/bells': { post: { summary: 'Create a bell ({"siteId", …a provisioning bell}); a native bell without a key gets a random one, in this answer only', responses: { 201: ok('{"summary","bell","key"?}'), ...invalid } } },
    '/admin/bells/{bellId}': { put: { summary: 'Change a bell; without "key" it keeps its key', parameters: path('bellId'), responses: { 200: ok('{"summary","bell"}'), ...invalid } } },
    '/admin/bells/{bellId}/key': { post: { summary: 'Give a native bell a new random key, in this answer only; the old one stops working at once', parameters: path('bellId'), responses: { 200: ok('{"summary","bell","key"}'), ...invalid } } },
    '/admin/bells/{bellId}/mqtt-password': { post: { summary: 'Give a bell a new random MQTT password (its broker login, username = bell id), in this answer only; the old one is refused at once and its connections closed (audited: the field, never the value)', parameters: path('bellId'), responses: { 200: ok('{"bellId","username","mqttPassword"}'), ...invalid } } },
    '/admin/bells/{bellId}/reset-sequence': { post: { summary: 'Reset sequence ({"reason"?}): the bell\'s next event is taken whatever its (boot, seq), for a bell whose counting restarted without a higher boot (audited with the reason)', parameters: path('bellId'), responses: { 200: ok('{"bellId","epoch"}'), ...invalid } } },
    '/admin/bells/{bellId}/service': { put: { summary: 'Take a bell out of service ({"inService":false,"reason"}: kept with its history, its presses refused as unknown_bell, no longer supervised) or back ({"inService":true})', parameters: path('bellId'), responses: { 200: ok('{"bell"}'), ...invalid } } },
    '/admin/people': { post: { summary: 'Create a person (a provisioning person: roles, sites, username, password)', responses: { 201: ok('{"summary","person"}'), ...invalid } } },
    '/admin/people/{personId}': { put: { summary: 'Change a person; without "password" the password is kept', parameters: path('personId'), responses: { 200: ok('{"summary","person"}'), ...invalid } } },
    '/admin/people/{personId}/active': { put: { summary: 'Deactivate ({"active":false}: logged out, no login, off rosters) or activate again; never one\'s own account', parameters: path('personId'), responses: { 200: ok('{"person"}'), ...invalid } } },
  };
}
