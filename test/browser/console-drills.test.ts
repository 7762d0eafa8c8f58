/**
 * The drills view in Chromium: a manager plans and starts a drill, the guard's console shows it plainly as DRILL
 * (banner and list), the manager ends it and reads the score; a guard has no drills view at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

describe('the drills view (Chromium)', () => {
  let rig: ConsoleRig;
  let t: TestSystem;

  beforeAll(async () => {
    rig = await startConsoleRig({ signIn: { viewport: { width: 1280, height: 1000 } } });
    ({ t } = rig);
  }, 180_000);
  afterAll(() => rig?.close());

  it('plans, starts, shows DRILL on the guard console, ends and scores a drill', async () => {
    const manager = await rig.signIn('manager');
    const guard = await rig.signIn('guard');
    expect(await guard.locator('[data-view="drills"]').count()).toBe(0);

    await manager.locator('[data-view="drills"]').click();
    await manager.getByTestId('drills-view').waitFor();
    // site-a has not drilled this half-year.
    await expect.poll(() => manager.getByTestId('drills-coverage-site-a').textContent()).toMatch(/미실시/);
    // Participants by name: the site's people, found by typing part of a name, ticked.
    await manager.getByTestId('drills-plan-participants-search').fill('Kim');
    await manager.getByTestId('drills-participant-guard-a').check();
    await manager.getByTestId('drills-plan-participants-search').fill('');
    expect(await manager.getByTestId('drills-plan-participants').textContent()).toContain('1명 선택');
    expect(await manager.getByTestId('drills-plan-counter').locator('option:checked').textContent()).toMatch(/Passport counter 3/);
    await manager.getByTestId('drills-plan-submit').click();
    const item = manager.locator('[data-testid^="drill-drl_"]').first();
    await item.waitFor();
    const drillId = (await item.getAttribute('data-testid'))!.replace('drill-', '');
    // The list names the counter, not its id.
    expect(await item.textContent()).toContain('Passport counter 3');
    await manager.getByTestId(`drill-start-${drillId}`).click();
    await expect.poll(() => manager.getByTestId(`drill-status-${drillId}`).textContent(), { timeout: 10_000 }).toBe('진행 중');

    // The guard's console rings with the drill, marked as such.
    const alarm = guard.locator('[data-testid^="alarm-drill-"]').first();
    await alarm.waitFor({ timeout: 10_000 });
    expect(await alarm.textContent()).toContain('훈련');

    await manager.getByTestId(`drill-end-${drillId}`).click();
    await expect.poll(() => manager.getByTestId(`drill-status-${drillId}`).textContent(), { timeout: 10_000 }).toBe('완료');
    await manager.getByTestId(`drill-report-${drillId}`).click();
    await expect.poll(() => manager.getByTestId('drills-score').textContent(), { timeout: 10_000 }).toMatch(/점수: \d+% · 미통과/);
    expect(await manager.getByTestId('drills-report-pdf').getAttribute('href')).toBe(`/api/v1/drills/${drillId}/report.pdf`);
    await expect.poll(() => manager.getByTestId('drills-coverage-site-a').textContent()).toMatch(/실시함 \(1\)/);
    await manager.screenshot({ path: screenshotPath('drills.png'), fullPage: true });
    // The drill incident is gone from the guard's alarm wall.
    await waitFor(async () => (await guard.locator('[data-testid^="alarm-drill-"]').count()) === 0, 10_000, 'the drill off the guard console');
  });
});
