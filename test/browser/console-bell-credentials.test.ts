/**
 * The bell credential actions on the administration screen, in Chromium against a real server with no
 * anonymous MQTT: a new MQTT password shown once that logs the bell in (the old one refused), and "reset
 * sequence" asked for with a reason, confirmed, shown done, audited, after which a re-flashed keyed bell is heard.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrail } from '../../api/audit/audit-log.ts';
import { BELL_PASSWORDS, CredentialBell, KEY, startSecureSystem } from '../security/secure-system.ts';
import { startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import { connect } from '../support/mqtt.ts';
import type { TestSystem } from '../support/system.ts';
import { sleep } from '../support/wait.ts';

describe('bell credentials in the console (Chromium)', () => {
  let rig: ConsoleRig;
  let t: TestSystem;
  let page: Page;
  const bells: CredentialBell[] = [];

  beforeAll(async () => {
    rig = await startConsoleRig({ system: async () => ({ t: await startSecureSystem() }) });
    ({ t } = rig);
    // admin1 reads English.
    page = await rig.signIn('admin1', { defaultTimeoutMs: 20_000 });
    await page.locator('[data-view="admin"]').click();
    await page.getByRole('tab', { name: 'Bells' }).click();
  }, 180_000);
  afterAll(async () => {
    for (const b of bells) await b.close().catch(() => undefined);
    await rig?.close();
  });

  const open = async (bellId: string) => {
    await page.getByTestId('admin-bell-list').getByRole('button', { name: bellId, exact: true }).click();
    await page.getByTestId('admin-bell-form').getByRole('heading', { name: `Edit bell: ${bellId}` }).waitFor();
  };

  it('"New MQTT password": confirmed, shown once with a copy button, works at once, the old one refused, audited', async () => {
    await open('B-0302');
    let asked = '';
    page.once('dialog', (d) => { asked = d.message(); void d.accept(); });
    await page.getByTestId('admin-bell-mqtt-password').click();
    const once = page.getByTestId('admin-mqtt-password-once');
    await once.waitFor();
    expect(asked).toContain('B-0302');
    expect(await once.textContent()).toContain('this password is not shown again');
    await once.getByRole('button', { name: 'Copy' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('admin-mqtt-password-once');
    const password = (await page.getByTestId('admin-mqtt-password-value').textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(24);

    await expect(connect(t.mqttUrl, { username: 'B-0302', password: BELL_PASSWORDS['B-0302'], reconnectPeriod: 0 })).rejects.toThrow();
    const bell = await CredentialBell.connect(t, 'B-0302', { password });
    bells.push(bell);
    await bell.event(1, 'press');
    expect((await bell.waitForAck({ seq: 1, state: 'received' })).incident).toBeDefined();

    await once.getByRole('button', { name: 'I have copied it, close' }).click();
    expect(await page.content()).not.toContain(password);
    const trail = await auditTrail(t.system.database.db, 'bell', 'B-0302');
    expect(trail.at(-1)).toMatchObject({ actorId: 'admin-1', detail: { fields: expect.arrayContaining(['mqttPassword']) } });
    expect(JSON.stringify(trail)).not.toContain(password);
  });

  it('"Reset sequence": asks for a reason, shows the reset done, is audited with it, and the bell is heard again', async () => {
    // A keyed bell replaced by one that knows nothing of boots: its seq 2 is taken for a replay.
    const bell = await CredentialBell.connect(t, 'B-K1');
    bells.push(bell);
    await bell.event(5, 'test', { keyHex: KEY, boot: 1 });
    await bell.waitForAck({ seq: 5, state: 'received' });
    await bell.event(2, 'press', { keyHex: KEY });
    await sleep(300);
    expect(bell.acks.some((a) => a.seq === 2)).toBe(false);

    await open('B-K1');
    const panel = page.getByTestId('admin-seq-reset');
    await panel.getByRole('button', { name: 'Reset sequence…' }).click();
    // Nothing is reset without a reason.
    await panel.getByRole('button', { name: 'Reset sequence', exact: true }).click();
    await panel.getByTestId('problem-reason').waitFor();
    expect(await auditTrail(t.system.database.db, 'bell', 'B-K1').then((r) => r.filter((a) => (a.detail as { change?: string }).change === 'sequence_reset'))).toEqual([]);
    await panel.getByLabel('Reason').fill('bell replaced at the counter');
    await panel.getByRole('button', { name: 'Reset sequence', exact: true }).click();
    const done = panel.getByTestId('admin-seq-done');
    await done.waitFor();
    expect(await done.textContent()).toMatch(/Sequence of bell B-K1 reset \(run \d+\)/);

    const trail = await auditTrail(t.system.database.db, 'bell', 'B-K1');
    expect(trail.at(-1)).toMatchObject({ actorId: 'admin-1', detail: { change: 'sequence_reset', reason: 'bell replaced at the counter' } });
    await bell.event(2, 'press', { keyHex: KEY });
    expect((await bell.waitForAck({ seq: 2, state: 'received' })).incident).toBeDefined();
  });
});
