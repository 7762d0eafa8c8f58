import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '../support/postgres.ts';
import { guardbell } from './child.ts';

const goodYaml = `# Seoul offices
sites:
  - id: nowon-hq
    name: Nowon-gu Office
    address: 437 Nohae-ro, Nowon-gu, Seoul
    timezone: Asia/Seoul
    police: {channel: sms, to: "+82112"}
    counters:
      - {id: passport-3, name: Passport counter 3, floor: 1F}
    bells:
      - {id: B-0301, counterId: passport-3, adapter: native, key: "00112233445566778899aabbccddeeff"}
people:
  - id: guard-1
    name: Kim Minsu
    roles: [guard]
    siteIds: [nowon-hq]
    phone: "+821012345678"
    username: guard1
    password: correct-horse
`;

const badJson = JSON.stringify({
  sites: [
    { id: 'fine-site', name: 'Fine', address: '1 Fine-ro', timezone: 'Asia/Seoul' },
    { id: 'bad site', name: 'Bad', address: '2 Bad-ro', timezone: 'Asia/Seoul', counters: [{ id: 'c1', name: 'C1' }], bells: [{ id: 'B-1', counterId: 'c2' }] },
  ],
  people: [{ id: 'p1', name: 'P', roles: ['guard'], siteIds: ['nowhere'], password: 'short' }],
}, null, 2);

// Each case runs the CLI as a child process (tsx start-up, migrations): minutes on a busy machine, not seconds.
describe('CLI: guardbell provision FILE', { timeout: 180_000 }, () => {
  let dir: string;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'guardbell-cli-'));
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const count = async (query: string) => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      return Number((await client.query(query)).rows[0].n);
    } finally {
      await client.end();
    }
  };

  it('applies a file the first time and changes nothing the second time', async () => {
    const file = join(dir, 'offices.yaml');
    await writeFile(file, goodYaml);
    const first = await guardbell(['provision', file], { DATABASE_URL: db.url });
    expect(first, first.stderr).toMatchObject({ code: 0 });
    expect(first.stdout).toMatch(/applied/);
    expect(first.stdout).toMatch(/4 created, 0 updated/);
    expect(await count(`select count(*) as n from bells where id = 'B-0301'`)).toBe(1);

    const second = await guardbell(['provision', file], { DATABASE_URL: db.url });
    expect(second, second.stderr).toMatchObject({ code: 0 });
    expect(second.stdout).toMatch(/0 created, 0 updated/);
  });

  it('refuses a bad file with exit 1, names every problem by its path, and applies nothing', async () => {
    const file = join(dir, 'bad.json');
    await writeFile(file, badJson);
    const r = await guardbell(['provision', file], { DATABASE_URL: db.url });
    expect(r.code).toBe(1);
    for (const path of ['sites[1].id', 'sites[1].bells[0].counterId', 'people[0].siteIds[0]', 'people[0].password']) {
      expect(r.stderr, path).toContain(`${path}: `);
    }
    expect(r.stderr).toMatch(/nothing was applied/);
    // Secrets are never echoed.
    expect(r.stderr).not.toContain('short');
    expect(await count(`select count(*) as n from sites where id in ('fine-site', 'bad site')`)).toBe(0);
    expect(await count(`select count(*) as n from people where id = 'p1'`)).toBe(0);
  });

  it('refuses a missing file or a missing argument without touching the database', async () => {
    const untouched = await createTestDatabase();
    try {
      const missing = await guardbell(['provision', join(dir, 'nope.yaml')], { DATABASE_URL: untouched.url });
      expect(missing.code).toBe(1);
      expect(missing.stderr.trim()).toBe(`guardbell: cannot read ${join(dir, 'nope.yaml')}: no such file`);
      const none = await guardbell(['provision'], { DATABASE_URL: untouched.url });
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/usage: guardbell provision FILE/);
      const client = new pg.Client({ connectionString: untouched.url });
      await client.connect();
      const tables = await client.query(`select count(*) as n from information_schema.tables where table_schema in ('public', 'drizzle')`);
      await client.end();
      expect(Number(tables.rows[0].n)).toBe(0);
    } finally {
      await untouched.drop();
    }
  });
});
