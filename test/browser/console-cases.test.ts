/**
 * In Chromium, the legal views: a legal user opens a case from an incident, records the complainant
 * (the console warns when a known complainant is involved again), uploads evidence, adds a legal action and
 * downloads the export, which verifies; an admin has no case view and the API refuses them the case.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyCaseExport } from '../../api/areas/cases/export-verify.ts';
import { screenshotPath, startConsoleRig, type ConsoleRig } from '../support/console-rig.ts';
import type { ApiClient } from '../support/http.ts';
import { raiseIncident, startCaseSystem, type Who } from '../cases/fixture.ts';
import { START_TIMEOUT_MS } from '../api/api-expect.ts';

describe('the legal views (Chromium)', () => {
  let rig: ConsoleRig<{ as: Record<Who, ApiClient> }>;
  let as: Record<Who, ApiClient>;

  beforeAll(async () => {
    rig = await startConsoleRig({ system: () => startCaseSystem('pglite'), signIn: { viewport: { width: 1280, height: 1000 }, acceptDownloads: true } });
    ({ as } = rig);
  }, START_TIMEOUT_MS);
  afterAll(() => rig?.close());

  it('legal opens a case from an incident, uploads evidence, adds a legal action and downloads an export that verifies', async () => {
    // An earlier incident at site B with a recorded complainant, then today's at site A.
    const earlier = await raiseIncident(as, 'b');
    const known = await as.legal.post('/api/v1/complainants', { name: '홍길동', description: 'grey coat', identifiers: ['010-****-1234'], incidentIds: [earlier] });
    expect(known.status).toBe(201);
    const incident = await raiseIncident(as, 'a');

    const legal = await rig.signIn('legal');
    await legal.locator('[data-view="cases"]').click();
    await legal.getByTestId('case-new-title').fill('여권 창구 폭언 사건');
    await legal.getByTestId(`case-new-incident-${incident}`).check();
    await legal.getByTestId('case-new-class-verbal_abuse').check();
    await legal.getByTestId('case-new-class-threat').check();
    await legal.getByTestId('case-new-submit').click();
    await legal.getByTestId('case-title').filter({ hasText: '여권 창구 폭언 사건' }).waitFor({ timeout: 10_000 });
    // The complainant is named on the open case.
    await legal.getByTestId('case-complainant').locator(`option[value="${known.body.id}"]`).waitFor({ state: 'attached' });
    await legal.getByTestId('case-complainant').selectOption(known.body.id);
    // Known complainant involved again: the warning names the other site.
    const warning = legal.getByTestId(`complainant-warning-${known.body.id}`);
    await warning.waitFor();
    expect(await warning.textContent()).toContain('홍길동');
    expect(await warning.textContent()).toContain('site-b');

    // Evidence: a file from disk, hashed on the server.
    const dir = await mkdtemp(join(tmpdir(), 'gb-case-'));
    const file = join(dir, 'cctv-still.jpg');
    const bytes = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('a still from camera 2, 10:15:02')]);
    await writeFile(file, bytes);
    await legal.getByTestId('case-evidence-file').setInputFiles(file);
    await legal.getByTestId('case-evidence-upload').click();
    const sha = legal.getByTestId('case-evidence-sha');
    await sha.waitFor({ timeout: 10_000 });
    expect(await sha.textContent()).toContain(createHash('sha256').update(bytes).digest('hex'));

    await legal.getByTestId('case-action-kind').selectOption('restraining_order');
    await legal.getByTestId('case-action-status').selectOption('filed');
    await legal.getByTestId('case-action-filed').fill('2026-11-24');
    await legal.getByTestId('case-action-authority').fill('서울북부지방법원');
    await legal.getByTestId('case-action-add').click();
    await legal.getByTestId('case-actions').getByText('접근금지 명령').waitFor({ timeout: 10_000 });
    expect(await legal.getByTestId('case-actions').textContent()).toContain('서울북부지방법원');
    await legal.getByTestId('case-detail').screenshot({ path: screenshotPath('case-file.png') });

    const [download] = await Promise.all([legal.waitForEvent('download'), legal.getByTestId('case-export').click()]);
    const zipPath = join(dir, 'export.zip');
    await download.saveAs(zipPath);
    const verdict = await verifyCaseExport(await readFile(zipPath));
    expect(verdict).toMatchObject({ ok: true, files: 2, problems: [] });

    // The incident's page shows the case and the warning to legal.
    await legal.locator('[data-view="home"]').click();
    await legal.getByTestId(`incident-row-${incident}`).click();
    const onIncident = legal.getByTestId('incident-case-files');
    await onIncident.waitFor({ timeout: 10_000 });
    expect(await onIncident.textContent()).toContain('여권 창구 폭언 사건');
    expect(await onIncident.textContent()).toContain('홍길동');
  });

  it('an admin sees no case view and no case content', async () => {
    const admin = await rig.signIn('admin1');
    expect(await admin.locator('[data-view="cases"]').count()).toBe(0);
    const cases = (await as.legal.get('/api/v1/cases')).body.items as { id: string }[];
    expect(cases.length).toBe(1);
    const status = await admin.evaluate(async (id) => (await fetch(`/api/v1/cases/${id}`, { credentials: 'same-origin' })).status, cases[0]!.id);
    expect(status).toBe(403);
    const raised = (await as.legal.get('/api/v1/incidents?status=all')).body.items as { id: string; siteId: string }[];
    await admin.getByTestId(`incident-row-${raised.find((i) => i.siteId === 'site-a')!.id}`).click();
    await admin.getByTestId('incident-detail').waitFor();
    expect(await admin.getByTestId('incident-case-files').count()).toBe(0);
    expect(await admin.content()).not.toContain('여권 창구 폭언 사건');
  });
});
