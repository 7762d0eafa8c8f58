/**
 * Demo logins (generated unless GUARDBELL_DEMO=1, refused once a real site exists, removable) and the embedded
 * database's folder (0700, files 0600, checked at every start), on one PGlite folder across restarts.
 */
import { chmod, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromEnv } from '../../api/config.ts';
import { removeDemoAccounts } from '../../api/demo/demo-logins.ts';
import { fixedDemoPassword } from '../../api/demo/demo-provisioning.ts';
import { startGuardbell, type System } from '../../system/index.ts';
import { START_TIMEOUT_MS, expectError } from '../api/api-expect.ts';
import { PASSWORD } from '../support/fixtures.ts';
import { ApiClient } from '../support/http.ts';
import { isolatedEnv } from '../support/system.ts';

async function modes(dir: string): Promise<{ dirs: Set<string>; files: Set<string>; count: number }> {
  const out = { dirs: new Set<string>(), files: new Set<string>(), count: 0 };
  const walk = async (d: string) => {
    out.dirs.add(((await stat(d)).mode & 0o777).toString(8));
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory()) await walk(join(d, e.name));
      else {
        out.files.add(((await stat(join(d, e.name))).mode & 0o777).toString(8));
        out.count++;
      }
    }
  };
  await walk(dir);
  return out;
}

describe('demo logins and the data folder', () => {
  let tmp: string;
  let dataDir: string;
  let system: System | undefined;

  const start = async (demo: '1' | undefined) => {
    const env: Record<string, string> = { ...isolatedEnv(`gbsec-${Date.now()}/v1`, undefined), DATA_DIR: dataDir };
    delete env.GUARDBELL_DEMO;
    if (demo) env.GUARDBELL_DEMO = demo;
    const config = configFromEnv(env);
    system = await startGuardbell(config, { logger: pino({ level: 'silent' }) });
    return system;
  };
  const login = (s: System, username: string, password: string) => new ApiClient(s.url).post('/api/v1/auth/login', { username, password });

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'gb-security-'));
    dataDir = join(tmp, 'data');
  });
  afterAll(async () => {
    await system?.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('a first start generates the demo logins and prints them once; the fixed ones do not work', async () => {
    const s = await start(undefined);
    expect(s.seededDemo).toBe(true);
    const guard1 = s.demoLogins.find((l) => l.username === 'guard1')!;
    expect(guard1.password).not.toBe(fixedDemoPassword('guard1'));
    expect(s.demoLogins.length).toBe(8);
    expectError(await login(s, 'guard1', fixedDemoPassword('guard1')), 401, 'invalid_credentials');
    expectError(await login(s, 'admin1', 'admin1-demo'), 401, 'invalid_credentials');
    expect((await login(s, 'guard1', guard1.password)).status).toBe(200);
    expect((await new ApiClient(s.url).get('/api/v1/auth/status')).body).toEqual({ demoData: true });
  }, START_TIMEOUT_MS);

  it('the data folder is 0700 and every file in it 0600, and a loosened one is closed again at start', async () => {
    const open = await modes(dataDir);
    expect(open.count).toBeGreaterThan(100);
    expect([...open.dirs]).toEqual(['700']);
    expect([...open.files]).toEqual(['600']);
    await system!.close();
    system = undefined;
    await chmod(join(dataDir, 'pglite'), 0o755);
    await chmod(join(dataDir, 'pglite', 'PG_VERSION'), 0o666);
    await start('1');
    const again = await modes(join(dataDir, 'pglite'));
    expect([...again.dirs]).toEqual(['700']);
    expect([...again.files]).toEqual(['600']);
  }, START_TIMEOUT_MS);

  it('with GUARDBELL_DEMO=1 the fixed logins work, until the system holds a real site', async () => {
    const s = system!;
    expect(s.demoLogins.map((l) => l.password)).toContain(fixedDemoPassword('guard1'));
    const before = await login(s, 'guard1', fixedDemoPassword('guard1'));
    expect(before.status).toBe(200);
    const demoGuard = new ApiClient(s.url, before.body.token);
    const admin = await ApiClient.login(s.url, 'admin', PASSWORD);
    const real = await admin.post('/api/v1/provisioning', {
      sites: [{ id: 'nowon-hq', name: 'Nowon-gu Office', address: 'Seoul', timezone: 'Asia/Seoul', counters: [{ id: 'c1', name: 'Counter 1' }] }],
    });
    expect(real.status).toBe(200);
    expectError(await login(s, 'guard1', fixedDemoPassword('guard1')), 403, 'demo_account');
    expectError(await login(s, 'admin1', fixedDemoPassword('admin1')), 403, 'demo_account');
    expectError(await demoGuard.get('/api/v1/me'), 401, 'unauthorized');
    expect((await admin.get('/api/v1/me')).status).toBe(200);
  }, START_TIMEOUT_MS);

  it('guardbell demo remove takes the demo accounts away; the notice goes with them', async () => {
    const s = system!;
    const removed = await removeDemoAccounts(s.database.db);
    expect([...removed.deleted, ...removed.deactivated].sort()).toEqual(['admin-1', 'auditor-1', 'counselor-1', 'guard-1', 'guard-2', 'legal-1', 'manager-1', 'staff-1']);
    expect((await new ApiClient(s.url).get('/api/v1/auth/status')).body).toEqual({ demoData: false });
    expectError(await login(s, 'guard1', fixedDemoPassword('guard1')), 401, 'invalid_credentials');
    expect(await removeDemoAccounts(s.database.db)).toEqual({ deleted: [], deactivated: [] });
  }, START_TIMEOUT_MS);
});
