import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/fixtures.ts';
import { freePort, guardbell, occupyPort, type ChildResult } from './child.ts';

/** The one line the CLI prints for a start error, `guardbell: …` (any other output is a failure too). */
function oneLine(r: ChildResult): string {
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^guardbell: \S/);
  return lines[0]!;
}

// `guardbell start` as a child process on an embedded database in a temporary folder. A child that does
// start (the bug these tests look for) is killed by the timeout and fails the test with code null.
describe('CLI: guardbell start refuses to start, in one clear sentence', { timeout: 150_000 }, () => {
  let dataDir: string;
  const base = () => ({ DATA_DIR: dataDir, GUARDBELL_DEMO: '0', GUARDBELL_ADMIN_PASSWORD: PASSWORD, HOST: '0.0.0.0' });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'guardbell-start-'));
  });
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('names MQTT_PORT and MQTT_URL when the broker port is taken', async () => {
    const taken = await occupyPort();
    try {
      const r = await guardbell(['start'], { ...base(), PORT: String(await freePort()), MQTT_PORT: String(taken.port) }, 120_000);
      expect(r.code, r.stderr).toBe(1);
      const line = oneLine(r);
      expect(line).toContain(`Port ${taken.port} `);
      expect(line).toContain(`MQTT_URL=mqtt://127.0.0.1:${taken.port}`);
      expect(line).toContain('MQTT_PORT');
    } finally {
      await taken.close();
    }
  });

  it('names PORT when the HTTP port is taken (the broker port being free)', async () => {
    const taken = await occupyPort();
    try {
      const r = await guardbell(['start'], { ...base(), PORT: String(taken.port), MQTT_PORT: String(await freePort()) }, 120_000);
      expect(r.code, r.stderr).toBe(1);
      const line = oneLine(r);
      expect(line).toContain(`Port ${taken.port} `);
      expect(line).toMatch(/\bPORT\b/);
      expect(line).not.toContain('MQTT');
    } finally {
      await taken.close();
    }
  });

  it('names each invalid variable before touching anything', async () => {
    const r = await guardbell(['start'], { ...base(), PORT: 'abc', MQTT_PORT: '1883' }, 90_000);
    expect(r.code, r.stderr).toBe(1);
    expect(oneLine(r)).toMatch(/^guardbell: PORT: /);

    const several = await guardbell(['start'], { ...base(), PORT: '70000', MQTT_URL: 'http://broker:1883', LOG_LEVEL: 'loud' }, 90_000);
    expect(several.code, several.stderr).toBe(1);
    expect(several.stderr).toMatch(/\bPORT: /);
    expect(several.stderr).toMatch(/\bMQTT_URL: /);
    expect(several.stderr).toMatch(/\bLOG_LEVEL: /);
    expect(several.stdout).toBe('');
  });
});
