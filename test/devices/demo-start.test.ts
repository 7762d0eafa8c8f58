/**
 * `guardbell start` with the demo, as a person trying it runs it (a real OS process, embedded database and broker):
 * the demo's simulated bells log in with the passwords issued on this start and show online, and the printed
 * `mosquitto_pub` line presses a bell when pasted as it is. Twice on one data folder: the first start seeds the
 * demo (its passwords come from the seed), a later one issues fresh passwords.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedDemoPassword } from '../../api/demo/demo-provisioning.ts';
import { ChildSystem } from '../support/child-system.ts';
import { ApiClient } from '../support/http.ts';
import { waitFor } from '../support/wait.ts';

const ADMIN_PASSWORD = 'demo-start-admin-password';
const DEMO_BELLS = ['B-0101', 'B-0102', 'B-0103', 'B-0104'];

describe('guardbell start with the demo', () => {
  let dataDir: string;
  let child: (ChildSystem & { url: string }) | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'gb-demo-start-'));
  });

  afterAll(async () => {
    await child?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async () => {
    // GUARDBELL_DEMO=1 keeps the people's demo passwords fixed; the bells' MQTT passwords are random either way.
    child = await ChildSystem.start({ DATA_DIR: dataDir, GUARDBELL_DEMO: '1', GUARDBELL_ADMIN_PASSWORD: ADMIN_PASSWORD }, 120_000);
    await waitFor(() => /Demo accounts stop working/.test(child!.log) || undefined, 30_000, 'the demo lines');
    return { child, admin: await ApiClient.login(child.url, 'admin', ADMIN_PASSWORD) };
  };

  const bellsOnline = async (admin: ApiClient) => {
    const r = await admin.get<{ items: { id: string; online: boolean }[] }>('/api/v1/bells');
    return r.body.items.filter((b) => DEMO_BELLS.includes(b.id) && b.online).map((b) => b.id).sort();
  };

  /** The printed `mosquitto_pub` line, run by a shell as a person would paste it. */
  const pressAsPrinted = async (log: string) => {
    const line = /^\s*(mosquitto_pub .*)$/m.exec(log)?.[1];
    expect(line, log).toMatch(/ -u B-0101 -P '[^']+' /);
    await promisify(execFile)('sh', ['-c', line!], { timeout: 10_000 });
  };

  for (const which of ['first (seeds the demo)', 'second (fresh bell passwords)']) {
    it(`${which} start: the simulated bells are online, and the printed press line rings`, async () => {
      await child?.stop();
      const { child: c, admin } = await start();
      expect(c.log).not.toMatch(/could not connect/);
      expect(c.log).toMatch(/Demo bell simulator: B-0101, B-0102, B-0103, B-0104 heartbeating/);
      await waitFor(async () => ((await bellsOnline(admin)).length === DEMO_BELLS.length ? true : undefined), 15_000, 'the demo bells online');
      const guard = await ApiClient.login(c.url, 'guard1', fixedDemoPassword('guard1'));
      const stream = await guard.stream();
      try {
        await pressAsPrinted(c.log);
        // A new incident on the first start; on the second, the press joins the one the first left open.
        const rang = await waitFor(() => stream.messages.find((m) => m.type.startsWith('incident.') && (m.data as { bellId?: string }).bellId === 'B-0101'), 15_000, 'B-0101 ringing on the guard\'s console');
        expect(rang.type).toMatch(/^incident\.(created|updated)$/);
      } finally {
        stream.ws.terminate();
      }
    }, 180_000);
  }
});
