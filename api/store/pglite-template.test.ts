import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, openDatabaseEarly } from './database.ts';
import { schema } from './index.ts';
import { migrationsHash } from './pglite-template.ts';

const folders: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'guardbell-template-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('a new PGlite data folder starts from a prepared copy', () => {
  it('opens a missing folder migrated, keeps what is written across a reopen', { timeout: 90_000 }, async () => {
    const dataDir = join(scratch(), 'nested', 'pglite');
    const first = await openDatabase({ dataDir });
    await first.migrate();
    await first.db.insert(schema.sites).values({ id: 's1', name: 'Site', address: 'a', timezone: 'Asia/Seoul' });
    await first.close();
    expect(readdirSync(join(dataDir, '..'))).toEqual(['pglite']); // no side folder left behind
    const again = await openDatabase({ dataDir });
    await again.migrate();
    expect((await again.db.select().from(schema.sites)).map((s) => s.id)).toEqual(['s1']);
    await again.close();
  });

  it('opened early, as `guardbell start` opens it beside loading the rest: filled from the copy, private, whole', { timeout: 90_000 }, async () => {
    const dataDir = join(scratch(), 'pglite');
    openDatabaseEarly({ dataDir });
    const database = await openDatabase({ dataDir });
    await database.migrate();
    expect(await database.db.select().from(schema.sites)).toEqual([]);
    await database.close();
    expect(readdirSync(join(dataDir, '..'))).toEqual(['pglite']);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'PG_VERSION')).mode & 0o777).toBe(0o600);
  });

  it('fills an existing empty folder too', { timeout: 90_000 }, async () => {
    const dataDir = scratch();
    const database = await openDatabase({ dataDir });
    await database.migrate();
    expect(await database.db.select().from(schema.sites)).toEqual([]);
    await database.close();
  });
});

describe('the migrated copy is keyed by the migrations', () => {
  it('changes its key when a migration is added or edited, not when a drizzle snapshot is', () => {
    const dir = scratch();
    writeFileSync(join(dir, '0000_a.sql'), 'create table a (id int);');
    const before = migrationsHash(dir);
    writeFileSync(join(dir, '0000_a_snapshot.json'), '{}');
    expect(migrationsHash(dir)).toBe(before);
    writeFileSync(join(dir, '0001_b.sql'), 'create table b (id int);');
    const added = migrationsHash(dir);
    expect(added).not.toBe(before);
    writeFileSync(join(dir, '0001_b.sql'), 'create table b (id bigint);');
    expect(migrationsHash(dir)).not.toBe(added);
  });
});
