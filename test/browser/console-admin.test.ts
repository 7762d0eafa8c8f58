/**
 * The admin screens in Chromium: a bell created with its key shown once (and never again, and it
 * presses), a bad field's message next to the field, Korean and English, usable at 360 px; only admins see
 * them. And the counter staff's panic button: a double click never sends, the confirm does, and staff see
 * their own incidents only.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendPanic } from '../support/browser.ts';
import { ApiClient } from '../support/http.ts';
import { PHONE, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { TestSystem } from '../support/system.ts';

/** Whether the page scrolls sideways (a table may scroll inside its own box). */
const overflowsX = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

describe('administration in the console (Chromium)', () => {
  let rig: ConsoleRig;
  let t: TestSystem;

  beforeAll(async () => {
    rig = await startConsoleRig({ signIn: { defaultTimeoutMs: 20_000 } });
    ({ t } = rig);
  }, 180_000);
  afterAll(() => rig?.close());

  it('creates a bell and shows its key once; the key works and is never shown again', async () => {
    // The built-in admin account reads Korean (admin1 reads English).
    const page = await rig.signIn('admin');
    await page.locator('[data-view="admin"]').click();
    await page.getByTestId('admin-view').waitFor();
    await page.getByRole('tab', { name: '비상벨' }).click();
    const form = page.getByTestId('admin-bell-form');
    await form.getByLabel('청사').selectOption('site-a');
    await form.getByLabel('창구').selectOption('welfare-1');
    await form.getByLabel('ID', { exact: true }).fill('B-WEB1');
    // Submitted from the keyboard.
    await form.getByLabel('ID', { exact: true }).press('Enter');

    const once = page.getByTestId('admin-key-once');
    await once.waitFor({ timeout: 10_000 });
    expect(await once.textContent()).toContain('이 키는 다시 표시되지 않습니다');
    const key = (await page.getByTestId('admin-key-value').textContent())!.trim();
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    // The box takes the focus, so a keyboard or screen-reader user is told at once.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('admin-key-once');
    await expect.poll(() => page.getByTestId('admin-bell-list').textContent()).toContain('B-WEB1');

    // The key presses through the broker straight away.
    const guard = await t.login('guard');
    const stream = await guard.stream();
    const bell = await t.bell('B-WEB1', key);
    await bell.event(1, 'press');
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-WEB1');
    expect(created.data.counterId).toBe('welfare-1');
    stream.close();

    await once.getByRole('button', { name: '복사했습니다, 닫기' }).click();
    expect(await page.content()).not.toContain(key);
    // Nor after a reload and opening the bell.
    await page.reload();
    await page.locator('[data-view="admin"]').click();
    await page.getByRole('tab', { name: '비상벨' }).click();
    await page.getByTestId('admin-bell-list').getByRole('button', { name: 'B-WEB1' }).click();
    await page.getByTestId('admin-bell-form').getByRole('heading', { name: '비상벨 수정: B-WEB1' }).waitFor();
    expect(await page.content()).not.toContain(key);

    // Out of service, with the reason asked for: kept and marked, never deleted.
    page.once('dialog', (d) => void d.accept('분실'));
    await page.getByTestId('admin-bell-service').click();
    await page.getByTestId('admin-bell-retired').waitFor();
    expect(await page.getByTestId('admin-bell-retired').textContent()).toContain('분실');
    expect(await page.getByTestId('admin-bell-list').textContent()).toContain('B-WEB1');
    await page.close();
  });

  it('shows a bad field\'s message next to the field and creates nothing (English, 360 px)', async () => {
    const page = await rig.signIn('admin1', { viewport: PHONE });
    await page.locator('[data-view="admin"]').click();
    await page.getByRole('tab', { name: 'Bells' }).click();
    const form = page.getByTestId('admin-bell-form');
    await form.getByLabel('ID', { exact: true }).fill('B-WEB2');
    await form.getByLabel('Heartbeat (seconds)').fill('5');
    await form.getByLabel('Bell key').fill('abc');
    await form.getByRole('button', { name: 'Create' }).click();
    const heartbeat = page.getByTestId('problem-heartbeatSeconds');
    await heartbeat.waitFor();
    expect(await heartbeat.textContent()).toContain('must be at least 10 seconds');
    expect(await page.getByTestId('problem-key').textContent()).toContain('must be 32 to 128 hex digits');
    expect(await form.getByLabel('Heartbeat (seconds)').getAttribute('aria-invalid')).toBe('true');
    // The message is tied to its field for screen readers.
    const describedBy = (await form.getByLabel('Heartbeat (seconds)').getAttribute('aria-describedby'))!;
    expect(await page.locator(`[id="${describedBy.split(' ').at(-1)}"]`).textContent()).toContain('must be at least 10 seconds');
    expect(await page.getByTestId('admin-key-once').count()).toBe(0);
    expect(await page.getByTestId('admin-bell-list').textContent()).not.toContain('B-WEB2');
    expect(await overflowsX(page)).toBe(false);

    // A site with an offset for a time zone: the provisioning file's own message, by the field.
    await page.getByRole('tab', { name: 'Sites and counters' }).click();
    const site = page.getByTestId('admin-site-form');
    await site.getByLabel('ID', { exact: true }).fill('site-web');
    await site.getByLabel('Name').fill('Web Office');
    await site.getByLabel('Address').fill('1 Web-ro');
    await site.getByLabel('Time zone').fill('+09:00');
    await site.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('problem-timezone').waitFor();
    expect(await page.getByTestId('problem-timezone').textContent()).toContain('is an offset, not an IANA time zone');
    await site.getByLabel('Time zone').fill('Asia/Seoul');
    await site.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => page.getByTestId('admin-site-list').textContent()).toContain('Web Office');
    expect(await overflowsX(page)).toBe(false);

    for (const tab of ['People and roles', 'Rosters', 'Escalation policies']) {
      await page.getByRole('tab', { name: tab }).click();
      expect(await overflowsX(page), tab).toBe(false);
    }
    await page.close();
  });

  it('says each problem in Korean on a Korean screen, by its code, under its field', async () => {
    const page = await rig.signIn('admin');
    await page.locator('[data-view="admin"]').click();
    await page.getByRole('tab', { name: '비상벨' }).click();
    const form = page.getByTestId('admin-bell-form');
    await form.getByLabel('청사').selectOption('site-a');
    await form.getByLabel('창구').selectOption('welfare-1');
    await form.getByLabel('ID', { exact: true }).fill('B-0301');
    await form.getByLabel('상태 보고 주기 (초)').fill('5');
    await form.getByRole('button', { name: '만들기' }).click();
    const id = page.getByTestId('problem-id');
    await id.waitFor();
    // The reference check of the server (already_exists) and zod's bound (too_small), both in Korean.
    expect(await id.textContent()).toContain("'B-0301'은(는) 이미 있습니다.");
    expect(await id.locator('li').getAttribute('data-code')).toBe('already_exists');
    expect(await page.getByTestId('problem-heartbeatSeconds').textContent()).toContain('10 이상이어야 합니다.');
    // The English sentence stays out of sight (a tooltip for whoever needs it).
    expect(await form.textContent()).not.toContain('already exists');
    expect(await form.textContent()).not.toContain('must be at least');

    await page.getByRole('tab', { name: '청사·창구' }).click();
    const site = page.getByTestId('admin-site-form');
    await site.getByLabel('ID', { exact: true }).fill('site-ko');
    await site.getByLabel('이름').fill('한국 청사');
    await site.getByLabel('주소').fill('서울');
    await site.getByLabel('시간대').fill('+09:00');
    await site.getByRole('button', { name: '만들기' }).click();
    await page.getByTestId('problem-timezone').waitFor();
    expect(await page.getByTestId('problem-timezone').textContent()).toContain("'+09:00'은(는) 시간대 이름이 아닙니다. 'Asia/Seoul'처럼 쓰세요.");
    expect(await site.textContent()).not.toContain('IANA');

    // A counter's managers: each named by the problem itself, the role in the console's own word.
    await page.getByTestId('admin-site-list').getByRole('button', { name: /\(site-a,/ }).click();
    const counter = page.getByTestId('admin-counter-form');
    await counter.getByLabel('ID', { exact: true }).fill('new-ko');
    await counter.getByLabel('이름').fill('새 창구');
    await counter.getByLabel('담당 관리자 ID').fill('guard-a, nobody');
    await counter.getByRole('button', { name: '창구 추가' }).click();
    const managers = counter.getByTestId('problem-managerIds');
    await managers.waitFor();
    expect(await managers.locator('li').allTextContents()).toEqual(["⚠ 'guard-a'에게 관리자 역할이 없습니다.", "⚠ 'nobody'을(를) 찾을 수 없습니다."]);
    await page.close();
  });

  it('creates a person with roles and a password, puts a guard on the roster and names a bad shift in its row', async () => {
    const page = await rig.signIn('admin1');
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.locator('[data-view="admin"]').click();
    await page.getByRole('tab', { name: 'Sites and counters' }).focus();
    // The tabs follow the arrow keys.
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('tab', { name: 'People and roles' }).getAttribute('aria-selected')).toBe('true');
    const form = page.getByTestId('admin-person-form');
    await form.getByLabel('ID', { exact: true }).fill('guard-web');
    await form.getByLabel('Name', { exact: true }).fill('Web Guard');
    await form.getByLabel('Guard', { exact: true }).check();
    await form.getByLabel('Nowon-gu Office (site-a)').check();
    await form.getByLabel('Username').fill('guardweb');
    await form.getByLabel('Password').fill('short');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('problem-password').waitFor();
    expect(await page.getByTestId('problem-password').textContent()).toContain('must be at least 8 characters');
    await form.getByLabel('Password').fill('a long enough password');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('admin-person-form').getByRole('heading', { name: 'Edit person: Web Guard' }).waitFor();
    expect(await page.getByTestId('admin-person-list').textContent()).toContain('Web Guard');
    const guard = await ApiClient.login(t.url, 'guardweb', 'a long enough password');
    expect((await guard.get('/api/v1/me')).body.roles).toEqual(['guard']);

    await page.getByRole('tab', { name: 'Rosters' }).click();
    const roster = page.getByTestId('admin-roster-form');
    await roster.getByRole('button', { name: '+ Add shift' }).click();
    const row = roster.locator('.admin-shift').first();
    await row.getByLabel('Guard').selectOption('guard-web');
    await row.getByLabel('From').fill('2026-11-23T18:00');
    await row.getByLabel('To').fill('2026-11-23T09:00');
    await roster.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('problem-roster-0').waitFor();
    // Named by its column, as the row shows it.
    expect(await page.getByTestId('problem-roster-0').textContent()).toContain('To: a shift must end after it starts');
    await row.getByLabel('To').fill('2026-11-24T02:00');
    await roster.getByRole('button', { name: 'Save' }).click();
    await roster.getByText('Saved.').waitFor();
    const onDuty = await (await t.login('admin1')).get('/api/v1/admin/directory');
    expect((onDuty.body.sites as { id: string; roster: { personId: string }[] }[]).find((s) => s.id === 'site-a')!.roster.map((r) => r.personId)).toEqual(['guard-web']);

    await page.getByRole('tab', { name: 'Escalation policies' }).click();
    const policy = page.getByTestId('admin-escalation-form');
    await expect.poll(() => policy.getByRole('textbox').inputValue()).toContain('"steps"');
    await policy.getByRole('textbox').fill('{"steps": []}');
    await policy.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('problem-escalation').waitFor();
    expect(await page.getByTestId('problem-escalation').textContent()).toContain('escalation.steps: a policy needs at least one step');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('is not offered to anyone but admins', async () => {
    const page = await rig.signIn('manager');
    await page.locator('[data-view="home"]').waitFor();
    expect(await page.locator('[data-view="admin"]').count()).toBe(0);
    await page.close();
  });

  it('counter staff: a double click or a double Enter never sends; the confirm does; they see their own incidents only', async () => {
    const other = await (await t.login('staff2')).post('/api/v1/incidents', { counterId: 'welfare-1' });
    expect(other.status).toBe(201);
    const page = await rig.signIn('staff', { viewport: PHONE });
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/incidents') posts.push(r.url()); });

    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
    // This device has never been told its counter: choose it first (the button would ask).
    await page.getByTestId('panic-counter').selectOption('site-a/passport-3');
    // A double click: the second click lands on the first button, now disabled; "send" is elsewhere.
    await page.getByTestId('panic-button').dblclick();
    await page.getByTestId('panic-confirm').waitFor();
    await page.keyboard.press('Enter');
    expect(await focused()).not.toBe('panic-confirm');
    await page.getByTestId('panic-cancel').click();
    expect(await page.getByTestId('panic-confirm').count()).toBe(0);
    // A double Enter from the keyboard: the focus moves to the violence checkbox, which Enter does not send.
    await page.getByTestId('panic-button').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('panic-confirm').waitFor();
    await page.keyboard.press('Enter');
    expect(await focused()).toBe('panic-violence');
    expect(await page.getByTestId('panic-violence').isChecked()).toBe(false);
    await page.getByTestId('panic-cancel').click();
    expect(posts).toEqual([]);

    await sendPanic(page);
    await page.getByTestId('panic-sent').waitFor({ timeout: 5_000 });
    expect(posts).toHaveLength(1);
    const mine = await (await t.login('staff')).get('/api/v1/incidents?status=open');
    const ids = (mine.body.items as { id: string }[]).map((i) => i.id);
    expect(ids).not.toContain(other.body.id);
    expect(ids).toHaveLength(1);
    await page.getByTestId(`incident-row-${ids[0]}`).waitFor();
    expect(await page.getByTestId(`incident-row-${other.body.id as string}`).count()).toBe(0);
    await page.close();
  });
});
