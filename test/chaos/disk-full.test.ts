/**
 * DATA_DIR full under the embedded database (a small tmpfs): presses still ring, health says what is wrong, nothing
 * told `received` is lost, and everything is stored once space returns — including after the engine hung on a
 * checkpoint that failed for want of space (PGlite spins for good then; it is stopped and opened again).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fillUntilFull } from '../support/disk.ts';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

// Mounting a tmpfs needs root, which the CI machine (and .ci/run) has.
const canMount = process.getuid?.() === 0;

describe.skipIf(!canMount)('DATA_DIR full under the embedded database (tmpfs)', () => {
  let mount: string;
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;

  beforeAll(async () => {
    mount = mkdtempSync(join(tmpdir(), 'gb-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m,mode=0700', 'tmpfs', mount]);
    t = await startTestSystem({ db: 'pglite', broker: 'aedes', env: { DATA_DIR: join(mount, 'data'), EMBEDDED_DB_STALL_SECONDS: '3' } });
    guard = await t.login('guard');
    stream = await guard.stream();
  });
  afterAll(async () => {
    stream?.close();
    await t?.close();
    if (mount) {
      execFileSync('umount', ['-l', mount]);
      rmSync(mount, { recursive: true, force: true });
    }
  });

  it('rings, says so on /health, and stores every press exactly once when space returns', async () => {
    const a = await t.bell('B-0301');
    const b = await t.bell('B-0302');
    a.pressUntilReceived(1, 500);
    await a.waitForAck({ seq: 1, state: 'received' }, 20_000);

    const filler = join(mount, 'filler');
    fillUntilFull(filler);
    const full = (await (await fetch(`${t.url}/api/v1/health`)).json()) as { status: string; disk?: { state: string } };
    expect(full.disk?.state).toBe('full');
    expect(full.status).toBe('degraded');

    // The engine's own checkpoint fails for want of space, and PGlite hangs: it is stopped and opened again.
    const checkpoint = t.system.database.db.execute(sql`checkpoint`).then(() => 'done', (err: Error) => err.message);
    const pressing = b.pressUntilReceived(1, 500);
    // Still rings: the console hears of the new incident from memory, whatever the database does.
    await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302', 10_000);
    expect(await checkpoint).toMatch(/checkpoint|restarting|No space/);

    rmSync(filler);
    await b.waitForAck({ seq: 1, state: 'received' }, 60_000);
    pressing.stop();
    await waitFor(async () => ((await (await fetch(`${t.url}/api/v1/health`)).json()) as { status: string }).status === 'ok', 30_000, 'health ok again');

    const rows = await t.rows(`select bell_id, seq, count(*)::int as n from bell_events where bell_id in ('B-0301', 'B-0302') group by 1, 2 order by 1, 2`);
    expect(rows).toEqual([
      { bell_id: 'B-0301', seq: 1, n: 1 },
      { bell_id: 'B-0302', seq: 1, n: 1 },
    ]);
  }, 180_000);
});
