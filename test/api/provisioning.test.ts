import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PASSWORD } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { START_TIMEOUT_MS, expectError } from './api-expect.ts';

const jsonDocument = () => ({
  sites: [{
    id: 'site-c',
    name: 'Gangnam Office',
    address: '1 Teheran-ro, Gangnam-gu, Seoul',
    timezone: 'Asia/Seoul',
    police: { channel: 'sms', to: '+82112' },
    counters: [{ id: 'tax-1', name: 'Tax counter 1', floor: '3F' }],
    bells: [{ id: 'B-C001', counterId: 'tax-1', adapter: 'native' }],
  }],
  people: [{ id: 'guard-c', name: 'Seo Guard', roles: ['guard'], siteIds: ['site-c'], phone: '+821099990000', username: 'guardc', password: PASSWORD }],
});

const yamlDocument = `
sites:
  - id: site-d
    name: Mapo Office
    address: 2 Worldcup-ro, Mapo-gu, Seoul
    timezone: Asia/Seoul
    counters:
      - {id: permits-1, name: Permits counter 1, floor: 1F}
    bells:
      - {id: B-D001, counterId: permits-1, adapter: native}
people:
  - {id: staff-d, name: Ahn Staff, roles: [staff], siteIds: [site-d]}
`;

/** Three problems in three places, next to a valid site that must not be created. */
const badDocument = () => ({
  sites: [
    { id: 'site-valid-but-unapplied', name: 'Fine Office', address: '3 Fine-ro', timezone: 'Asia/Seoul', counters: [{ id: 'c1', name: 'Counter 1' }], bells: [] },
    { id: 'site-bad', name: 'Bad Office', address: '4 Bad-ro', timezone: '+09:00', counters: [{ id: 'c1', name: 'Counter 1' }], bells: [{ id: 'B-BAD1', counterId: 'c9' }] },
  ],
  people: [{ id: 'wizard-1', name: 'Merlin', roles: ['wizard'], siteIds: ['site-bad'] }],
});

describe('HTTP API: POST /provisioning', () => {
  let t: TestSystem;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestSystem({ db: 'pglite', broker: 'aedes' });
    admin = await t.login('admin1');
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await t?.close();
  });

  const siteIds = async () => ((await admin.get('/api/v1/sites')).body.items as { id: string }[]).map((s) => s.id);
  const yaml = (text: string, client = admin) => client.request('POST', '/api/v1/provisioning', text, { 'content-type': 'application/yaml' });

  it('applies a JSON document as an admin; the same document again changes nothing', async () => {
    const first = await admin.post('/api/v1/provisioning', jsonDocument());
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 4, updated: 0 });
    expect(await siteIds()).toContain('site-c');
    // Applied to the running process: the new guard logs in and the new counter rings.
    const guardc = await t.login('guardc');
    expect((await guardc.get('/api/v1/me')).body).toMatchObject({ id: 'guard-c', siteIds: ['site-c'] });
    expect((await guardc.post('/api/v1/incidents', { counterId: 'tax-1' })).status).toBe(201);

    const second = await admin.post('/api/v1/provisioning', jsonDocument());
    expect(second.status).toBe(200);
    expect(second.body).toEqual({ created: 0, updated: 0, unchanged: 4 });
    const changed = jsonDocument();
    changed.sites[0]!.name = 'Gangnam District Office';
    expect((await admin.post('/api/v1/provisioning', changed)).body).toEqual({ created: 0, updated: 1, unchanged: 3 });
  });

  it('applies a YAML body (Content-Type application/yaml), idempotently', async () => {
    const first = await yaml(yamlDocument);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ created: 4, updated: 0 });
    expect(await siteIds()).toContain('site-d');
    const second = await yaml(yamlDocument);
    expect(second.body).toMatchObject({ created: 0, updated: 0 });
    // The same document as JSON is the same document.
    const asJson = await admin.post('/api/v1/provisioning', YAML.parse(yamlDocument));
    expect(asJson.body).toMatchObject({ created: 0, updated: 0 });
  });

  it('refuses a bad document with 422 invalid_provisioning, names every problem by path, and applies nothing', async () => {
    for (const send of [() => admin.post('/api/v1/provisioning', badDocument()), () => yaml(YAML.stringify(badDocument()))]) {
      const r = await send();
      const error = expectError({ status: r.status, body: { error: r.body.error } }, 422, 'invalid_provisioning');
      expect(error.message).toMatch(/nothing was applied/);
      const details = r.body.error.details as { path: string; message: string }[];
      const paths = details.map((d) => d.path);
      expect(paths).toEqual(expect.arrayContaining(['sites[1].timezone', 'sites[1].bells[0].counterId', 'people[0].roles[0]']));
      for (const d of details) expect(d.message.length).toBeGreaterThan(0);
    }
    expect(await siteIds()).not.toContain('site-valid-but-unapplied');
    expect(await t.count(`select count(*) as n from sites where id in ('site-valid-but-unapplied', 'site-bad')`)).toBe(0);
    expect(await t.count(`select count(*) as n from people where id = 'wizard-1'`)).toBe(0);

    const syntax = await yaml('sites: [\n  {id: x');
    expectError({ status: syntax.status, body: { error: syntax.body.error } }, 422, 'invalid_provisioning');
    expect(syntax.body.error.details[0].path).toBe('(file)');
    expectError(await admin.request('POST', '/api/v1/provisioning', '{"sites": ['), 400, 'malformed_json');
  });

  it('takes a JSON document as large as a YAML one (more than 64 KiB)', async () => {
    // Few rows (applying is quick), long names (the body is large).
    const people = Array.from({ length: 120 }, (_, i) => ({
      id: `clerk-${i}`, name: `Clerk ${i} `.padEnd(600, 'x'), roles: ['staff'], siteIds: ['site-c'], phone: `+8210${String(10000000 + i)}`,
    }));
    const doc = { people };
    expect(JSON.stringify(doc).length).toBeGreaterThan(64 * 1024);
    const r = await admin.post('/api/v1/provisioning', doc);
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
    expect(r.body).toMatchObject({ created: 120 });
  });

  it('is for admins only: others 403 forbidden, anonymous 401', async () => {
    for (const who of ['manager', 'legal', 'guard', 'staff']) {
      const client = await t.login(who);
      expectError(await client.post('/api/v1/provisioning', jsonDocument()), 403, 'forbidden');
      expectError(await yaml(yamlDocument, client), 403, 'forbidden');
    }
    expectError(await new ApiClient(t.url).post('/api/v1/provisioning', jsonDocument()), 401, 'unauthorized');
    // The built-in admin account may provision too.
    const builtIn = await t.login('admin');
    expect((await builtIn.post('/api/v1/provisioning', jsonDocument())).status).toBe(200);
  });
});
