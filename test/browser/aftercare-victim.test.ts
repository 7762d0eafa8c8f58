/**
 * In Chromium: a guard separates the victim; a counsellor opens their aftercare, records a session note and
 * claims (the remaining allowance shown; over it without a reason refused); the staff member sees their support in
 * their language and adds a statement, never the note; the manager sees the status only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/http.ts';
import { screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import { startAftercareSystem, type Who } from '../aftercare/fixture.ts';
import { START_TIMEOUT_MS } from '../api/api-expect.ts';

const NOTE = 'Sleeps badly since; flashbacks at the counter';

describe('the victim views (Chromium)', () => {
  let rig: ConsoleRig<{ as: Record<Who, ApiClient> }>;
  let as: Record<Who, ApiClient>;

  beforeAll(async () => {
    rig = await startConsoleRig({ system: () => startAftercareSystem('pglite'), signIn: { viewport: { width: 1280, height: 1000 } } });
    ({ as } = rig);
  }, START_TIMEOUT_MS);
  afterAll(() => rig?.close());

  it('separation, aftercare, the victim\'s own view and the manager\'s status', async () => {
    // The guard separates Lee Staff from the incident's page.
    const raised = await as.staff.post('/api/v1/incidents', { counterId: 'passport-3' });
    const id = raised.body.id as string;
    await as.guard.post(`/api/v1/incidents/${id}/acknowledge`);
    const guard = await rig.signIn('guard');
    await guard.getByTestId(`incident-row-${id}`).click();
    await guard.getByTestId('action-victim_separated').click();
    await guard.getByTestId('separation-victim-staff-a').check();
    await guard.getByTestId('separation-to').fill('2층 상담실');
    await guard.getByTestId('separation-submit').click();
    const separation = guard.getByTestId('separation-text');
    await separation.waitFor({ timeout: 10_000 });
    expect(await separation.textContent()).toMatch(/피해자: Lee Staff → 2층 상담실 \(분리: Kim Guard\) 벨 누른 후 \d+:\d\d/);

    // The counsellor opens the aftercare, records a session with its confidential note, and claims.
    const counsellor = await rig.signIn('counsellor');
    await counsellor.locator('[data-view="aftercare"]').click();
    await counsellor.getByTestId('aftercare-open-staff-a').click();
    await counsellor.getByTestId('aftercare-record').waitFor();
    await counsellor.getByTestId('aftercare-entry-kind').selectOption('session');
    await counsellor.getByTestId('aftercare-entry-summary').fill('First counselling session');
    await counsellor.getByTestId('aftercare-entry-note').fill(NOTE);
    await counsellor.getByTestId('aftercare-entry-submit').click();
    await expect.poll(() => counsellor.getByTestId('aftercare-entries').textContent()).toContain(NOTE);
    const remaining = counsellor.getByTestId('aftercare-remaining');
    expect(await remaining.textContent()).toContain('300,000');
    await counsellor.getByTestId('aftercare-claim-amount').fill('200000');
    await counsellor.getByTestId('aftercare-claim-submit').click();
    await expect.poll(() => remaining.textContent()).toContain('잔액 100,000원');
    // Over the remaining allowance without a stated exception: refused, and the allowance is unchanged.
    await counsellor.getByTestId('aftercare-claim-amount').fill('200000');
    await counsellor.getByTestId('aftercare-claim-submit').click();
    await expect.poll(() => counsellor.getByTestId('aftercare-form-error').textContent()).toContain('예외 사유를 적으세요');
    // Said in the claim's own form, next to the exception it asks for.
    const claimForm = counsellor.locator('form', { has: counsellor.getByTestId('aftercare-claim-amount') });
    expect(await claimForm.getByTestId('aftercare-form-error').count()).toBe(1);
    expect(await remaining.textContent()).toContain('잔액 100,000원');
    // A field's problem is said under that field, in Korean.
    await counsellor.getByTestId('aftercare-claim-amount').fill('');
    await counsellor.getByTestId('aftercare-claim-submit').click();
    await expect.poll(() => counsellor.getByTestId('aftercare-claim-amount-issues').textContent()).toContain('1 이상이어야 합니다.');
    expect(await claimForm.textContent()).not.toContain('Too small');
    await counsellor.getByTestId('aftercare-status-in_care').click();
    await expect.poll(() => counsellor.getByTestId('aftercare-status').textContent()).toBe('보호 중');
    await counsellor.screenshot({ path: screenshotPath('aftercare-counsellor.png'), fullPage: true });

    // The staff member, in English: their incident and support, not the note; they add a statement.
    const staff = await rig.signIn('staff');
    await staff.locator('[data-view="aftercare"]').click();
    await expect.poll(() => staff.getByTestId('aftercare-my-incidents').textContent()).toContain('2층 상담실');
    expect(await staff.getByTestId('aftercare-view').textContent()).toContain('My support');
    await staff.getByTestId('aftercare-item-staff-a').click();
    await staff.getByTestId('aftercare-record').waitFor();
    expect(await staff.getByTestId('aftercare-entries').textContent()).toContain('First counselling session');
    expect(await staff.getByTestId('aftercare-remaining').textContent()).toContain('100,000 KRW remaining of 300,000 KRW');
    await staff.getByTestId('aftercare-statement-text').fill('He threw the form at me and shouted.');
    await staff.getByTestId('aftercare-statement-submit').click();
    await expect.poll(() => staff.getByTestId('aftercare-entries').textContent()).toContain('He threw the form at me');
    expect(await staff.content()).not.toContain(NOTE);
    expect(await staff.getByTestId('aftercare-entry-note').count()).toBe(0);
    expect(await staff.getByTestId('aftercare-entry-submit').count()).toBe(0);

    // The manager: the status only.
    const manager = await rig.signIn('manager');
    await manager.locator('[data-view="aftercare"]').click();
    await manager.getByTestId('aftercare-item-staff-a').click();
    await manager.getByTestId('aftercare-status-only').waitFor();
    expect(await manager.getByTestId('aftercare-status').textContent()).toBe('보호 중');
    const managerPage = await manager.content();
    expect(managerPage).not.toContain(NOTE);
    expect(managerPage).not.toContain('First counselling session');
    expect(managerPage).not.toContain('He threw the form');
    expect(await manager.getByTestId('aftercare-claims').count()).toBe(0);

    // The manager's statistics: the incident counted, its separation timed from the press, in a chart.
    await manager.locator('[data-view="statistics"]').click();
    await expect.poll(() => manager.getByTestId('statistics-total').textContent()).toBe('사건 1건');
    expect(await manager.getByTestId('statistics-times').textContent()).toContain('피해 직원 분리까지1');
    expect(await manager.getByTestId('statistics-by-site').textContent()).toContain('Nowon-gu Office');
    await manager.screenshot({ path: screenshotPath('statistics.png'), fullPage: true });
  });
});
