import { describe, expect, it } from 'vitest';
import { DEMO_KEYED_BELL, DEMO_LOGINS, demoProvisioning } from '../demo/demo-provisioning.ts';
import { ROLES } from '../contract/index.ts';
import { formatProblems, parseProvisioningText, validateProvisioning, type Problem, type ProvisioningResult } from './index.ts';

const KEY = '5f2b8c1d9e4a7b3c6d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e';

/** The example of PROTOCOL.md §5, with a real key and password in place of the ellipses. */
const protocolExample = {
  sites: [{
    id: 'nowon-hq', name: 'Nowon-gu Office', address: '437 Nohae-ro, Nowon-gu, Seoul',
    timezone: 'Asia/Seoul',
    police: { channel: 'sms', to: '+82112' },
    counters: [{ id: 'passport-3', name: 'Passport counter 3', floor: '1F' }],
    bells: [{ id: 'B-0301', counterId: 'passport-3', adapter: 'native', key: KEY }],
  }],
  people: [{
    id: 'guard-1', name: 'Kim Minsu', roles: ['guard'], siteIds: ['nowon-hq'],
    phone: '+821012345678', username: 'guard1', password: 'correct-horse',
  }],
};

const protocolExampleYaml = `
sites:
  - id: nowon-hq
    name: Nowon-gu Office
    address: 437 Nohae-ro, Nowon-gu, Seoul
    timezone: Asia/Seoul
    police: { channel: sms, to: "+82112" }
    counters:
      - { id: passport-3, name: Passport counter 3, floor: 1F }
    bells:
      - id: B-0301
        counterId: passport-3
        adapter: native
        key: ${KEY}
people:
  - id: guard-1
    name: Kim Minsu
    roles: [guard]
    siteIds: [nowon-hq]
    phone: "+821012345678"
    username: guard1
    password: correct-horse
`;

function problemsOf(result: ProvisioningResult): Problem[] {
  if (result.ok) throw new Error('expected problems, the document was valid');
  return result.problems;
}

function documentOf(result: ProvisioningResult) {
  if (!result.ok) throw new Error(`expected a valid document:\n${formatProblems(result.problems)}`);
  return result.document;
}

describe('parseProvisioningText', () => {
  it('accepts the example of PROTOCOL.md §5 and fills in the defaults', () => {
    const doc = documentOf(parseProvisioningText(JSON.stringify(protocolExample, null, 2), 'nowon.json'));
    expect(doc.sites[0]!.bells[0]).toEqual({ id: 'B-0301', counterId: 'passport-3', adapter: 'native', key: KEY });
    expect(doc.people[0]!.language).toBe('ko');
  });

  it('reads the same document from YAML', () => {
    const fromYaml = documentOf(parseProvisioningText(protocolExampleYaml, 'nowon.yaml'));
    const fromJson = documentOf(parseProvisioningText(JSON.stringify(protocolExample), 'nowon.json'));
    expect(fromYaml).toEqual(fromJson);
    // An unknown extension tries JSON, then YAML.
    expect(documentOf(parseProvisioningText(protocolExampleYaml, 'nowon.conf'))).toEqual(fromJson);
  });

  it('validates the demo document, with one login per role', () => {
    const doc = documentOf(validateProvisioning(demoProvisioning()));
    expect(doc).toEqual(demoProvisioning());
    expect(DEMO_LOGINS.map((login) => login.roles[0]).sort()).toEqual([...ROLES, 'guard'].sort());
    for (const login of DEMO_LOGINS) expect(login.password.length).toBeGreaterThanOrEqual(8);
    const keyed = doc.sites[0]!.bells.filter((bell) => bell.key);
    expect(keyed.map((bell) => bell.id)).toEqual([DEMO_KEYED_BELL.id]);
  });

  it('names every problem of a file at once, each by its path', () => {
    const file = {
      sites: [
        {
          id: 'nowon-hq', name: 'Nowon-gu Office', address: 'Seoul', timezone: 'Asia/Seoul',
          counters: [{ id: 'passport-3', name: 'Passport 3' }],
          bells: [
            { id: 'B-0301', counterId: 'passport-3', adaptor: 'native' },
            { id: 'B-0302', counterId: 'passport-9' },
          ],
        },
        {
          id: 'dobong hq!', name: 'Dobong', address: 'Seoul', timezone: 'Asia/Seol',
          bells: [{ id: 'B-0301', counterId: 'x' }],
        },
      ],
      people: [
        { id: 'guard-1', name: 'Kim', roles: ['gaurd'], siteIds: ['nowon-hq'], phone: '010-1234-5678' },
        { id: 'manager-1', name: 'Lee', roles: ['manager'], siteIds: ['nowon-hq'], username: 'lee', password: 'short' },
      ],
    };
    const problems = problemsOf(parseProvisioningText(JSON.stringify(file), 'bad.json'));
    const byPath = new Map(problems.map((p) => [p.path, p.message]));
    expect([...byPath.keys()].sort()).toEqual([
      'people[0].phone',
      'people[0].roles[0]',
      'people[1].password',
      'sites[0].bells[0].adaptor',
      'sites[0].bells[1].counterId',
      'sites[1].bells[0].counterId',
      'sites[1].bells[0].id',
      'sites[1].id',
      'sites[1].timezone',
    ]);
    expect(problems).toHaveLength(byPath.size);
    // Each also has a code, which a console says in its user's language next to the field.
    expect(Object.fromEntries(problems.map((p) => [p.path, p.code]))).toEqual({
      'people[0].phone': 'bad_phone',
      'people[0].roles[0]': 'not_one_of',
      'people[1].password': 'too_short',
      'sites[0].bells[0].adaptor': 'unknown_keys',
      'sites[0].bells[1].counterId': 'unknown_reference',
      'sites[1].bells[0].counterId': 'unknown_reference',
      'sites[1].bells[0].id': 'duplicate_id',
      'sites[1].id': 'bad_id',
      'sites[1].timezone': 'bad_timezone',
    });
    expect(problems.find((p) => p.path === 'sites[0].bells[1].counterId')?.params).toEqual({ kind: 'counter', id: 'passport-9', site: 'nowon-hq' });
    expect(byPath.get('sites[0].bells[0].adaptor')).toBe('unknown key "adaptor" (did you mean "adapter"?)');
    expect(byPath.get('sites[1].bells[0].id')).toBe('bell id "B-0301" is already used by sites[0].bells[0]');
    expect(byPath.get('people[0].roles[0]')).toContain('did you mean "guard"?');
    expect(byPath.get('sites[1].timezone')).toContain('not an IANA time zone');
    expect(byPath.get('people[1].password')).toBe('must be at least 8 characters');
    expect(formatProblems(problems).split('\n')).toContain(
      'sites[0].bells[1].counterId: counter "passport-9" is not a counter of site "nowon-hq"',
    );
  });

  it('reports YAML syntax errors with line and column', () => {
    const problems = problemsOf(parseProvisioningText('sites:\n  - id: a\n    name: [x\n  - id: b\n', 'bad.yml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe('(file)');
    expect(problems[0]!.message).toMatch(/^YAML syntax error: .* at line 4, column 3$/);
  });

  it('reports JSON syntax errors and duplicate keys with their position', () => {
    expect(problemsOf(parseProvisioningText('{\n  "sites": [,]\n}', 'x.json'))[0]!.message).toMatch(/JSON syntax error.*line 2, column/);
    const duplicate = problemsOf(parseProvisioningText('{"sites": [], "people": [], "sites": []}', 'x.json'));
    expect(duplicate[0]!.message).toMatch(/unique at line 1, column 29/);
  });

  it('explains a YAML phone number read as a number without echoing secrets', () => {
    const yaml = protocolExampleYaml.replace('"+821012345678"', '+821012345678').replace('correct-horse', '12345678');
    const problems = problemsOf(parseProvisioningText(yaml, 'x.yaml'));
    expect(problems).toEqual([
      { path: 'people[0].phone', message: 'expected text, got the number 821012345678 (in YAML, put it in quotes)', code: 'wrong_type', params: { expected: 'string' } },
      { path: 'people[0].password', message: 'expected text, got a number (in YAML, put it in quotes)', code: 'wrong_type', params: { expected: 'string' } },
    ]);
  });

  it('checks the police target against its channel and the bell key format', () => {
    const file = structuredClone(protocolExample);
    file.sites[0]!.police = { channel: 'webhook', to: 'http://police.example/hook' };
    file.sites[0]!.bells[0]!.key = 'abc';
    const problems = problemsOf(validateProvisioning(file));
    expect(problems.map((p) => p.path)).toEqual(['sites[0].police.to', 'sites[0].bells[0].key']);
  });
});

describe('references and context', () => {
  const person = (extra: object) => ({ people: [{ id: 'p1', name: 'Kim', roles: ['staff'], siteIds: ['old-site'], ...extra }] });

  it('accepts a site that already exists in the database', () => {
    expect(problemsOf(validateProvisioning(person({})))).toEqual([
      { path: 'people[0].siteIds[0]', message: 'site "old-site" is not in this file', code: 'unknown_reference', params: { kind: 'site', id: 'old-site' } },
    ]);
    expect(validateProvisioning(person({}), { existingSiteIds: new Set(['old-site']) }).ok).toBe(true);
  });

  it('needs a password for a new account only', () => {
    const doc = person({ username: 'kim' });
    const context = { existingSiteIds: new Set(['old-site']) };
    expect(problemsOf(validateProvisioning(doc, context)).map((p) => p.path)).toEqual(['people[0].password']);
    expect(validateProvisioning(doc, { ...context, existingUsernames: new Set(['kim']) }).ok).toBe(true);
    const taken = problemsOf(validateProvisioning(doc, { ...context, existingUsernames: new Map([['kim', 'someone-else']]) }));
    expect(taken).toEqual([{ path: 'people[0].username', message: 'username "kim" already belongs to person "someone-else"', code: 'username_taken', params: { username: 'kim', owner: 'someone-else' } }]);
  });

  it('takes a password hash in place of a password, one of ours, never both, and never without a username', () => {
    const hash = `scrypt$16384$8$1$${Buffer.alloc(16, 1).toString('base64')}$${Buffer.alloc(32, 2).toString('base64')}`;
    const context = { existingSiteIds: new Set(['old-site']) };
    expect(documentOf(validateProvisioning(person({ username: 'kim', passwordHash: hash }), context)).people[0]!.passwordHash).toBe(hash);
    const problems = (extra: object) => problemsOf(validateProvisioning(person(extra), context)).map((p) => [p.path, p.code]);
    expect(problems({ username: 'kim', password: 'correct-horse', passwordHash: hash })).toEqual([['people[0].passwordHash', 'password_and_hash']]);
    expect(problems({ passwordHash: hash })).toEqual([['people[0].passwordHash', 'password_without_username']]);
    // Not a whole hash of ours: another scheme, N not a power of two, a short key, a password pasted in its place.
    for (const wrong of [`$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA`, hash.replace('16384', '10000'), hash.slice(0, -8), 'correct-horse']) {
      expect(problems({ username: 'kim', passwordHash: wrong })).toEqual([['people[0].passwordHash', 'bad_password_hash']]);
    }
    // The message never echoes what was given: it may be a password typed in the wrong field.
    const [bad] = problemsOf(validateProvisioning(person({ username: 'kim', passwordHash: 'correct-horse' }), context));
    expect(bad!.message).not.toContain('correct-horse');
  });

  it('checks counter managers and duplicate ids and usernames', () => {
    const file = structuredClone(protocolExample) as typeof protocolExample & { sites: { counters: { managerIds?: string[] }[] }[] };
    file.sites[0]!.counters.push({ id: 'passport-3', name: 'Again', floor: '1F' });
    file.sites[0]!.counters[0]!.managerIds = ['guard-1', 'manager-9'];
    file.people.push({ ...file.people[0]!, id: 'guard-1' });
    const problems = problemsOf(validateProvisioning(file, { existingPersonIds: new Set(['manager-1']) }));
    expect(formatProblems(problems).split('\n').sort()).toEqual([
      'people[1].id: person id "guard-1" is already used by people[0]',
      'people[1].username: username "guard1" is already used by people[0]',
      'sites[0].counters[0].managerIds[0]: person "guard-1" does not have the role "manager"',
      'sites[0].counters[0].managerIds[1]: person "manager-9" is not in this file or the database',
      'sites[0].counters[1].id: counter id "passport-3" is already used by sites[0].counters[0]',
    ]);
  });
});
