import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// A listing that names a file and a folder already removed, as a running engine can leave between readdir and chmod.
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  const gone = (name: string, dir: boolean) => ({ name, isDirectory: () => dir, isFile: () => !dir });
  return {
    ...fs,
    readdir: async (...args: Parameters<typeof fs.readdir>) => {
      const entries = (await fs.readdir(...args)) as unknown as object[];
      return String(args[0]).endsWith('base') ? [gone('pg_internal.init', false), gone('pgsql_tmp', true), ...entries] : entries;
    },
  };
});

const { ensurePrivateDir } = await import('./private-dir.ts');

describe('ensurePrivateDir', () => {
  let root: string | undefined;
  afterEach(() => root && rmSync(root, { recursive: true, force: true }));

  it('closes every folder and file, and passes over those removed while it walks', async () => {
    root = mkdtempSync(join(tmpdir(), 'gb-private-'));
    const dir = join(root, 'pglite');
    mkdirSync(join(dir, 'base'), { recursive: true, mode: 0o777 });
    writeFileSync(join(dir, 'base', 'relation'), 'x', { mode: 0o666 });
    await ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'base')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'base', 'relation')).mode & 0o777).toBe(0o600);
  });

  it('still fails for the folder itself', async () => {
    root = mkdtempSync(join(tmpdir(), 'gb-private-'));
    const { tightenTree } = await import('./private-dir.ts');
    await expect(tightenTree(join(root, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
