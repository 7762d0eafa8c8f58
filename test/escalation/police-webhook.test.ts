import { createServer, type IncomingMessage } from 'node:http';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../api/notify/webhook-sender.ts';
import { schema } from '../../api/store/index.ts';
import { startTestSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

const SECRET = 'dispatch-shared-secret-1234';

/** A dispatch system's receiving end: records each report with whether its signature verified. */
function dispatchDesk() {
  const reports: { body: Record<string, unknown>; verified: boolean }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      reports.push({ body: JSON.parse(body) as Record<string, unknown>, verified: verifyWebhook(SECRET, req.headers as Record<string, string>, body) });
      res.writeHead(reports.length === 1 ? 503 : 200).end();
    });
  });
  return { reports, server };
}

describe('the police reporting channel as a signed webhook', () => {
  let t: TestSystem;
  const desk = dispatchDesk();
  beforeAll(async () => {
    await new Promise<void>((r) => desk.server.listen(0, '127.0.0.1', () => r()));
    t = await startTestSystem({ db: 'pglite', broker: 'aedes', env: { POLICE_WEBHOOK_SECRET: SECRET, POLICE_WEBHOOK_ALLOW_HTTP: '1', ESCALATION_TICK_MS: '50' } });
    const port = (desk.server.address() as { port: number }).port;
    // Provisioning accepts only https:// for a dispatch webhook; the test desk listens on plain http on loopback.
    await t.system.database.db.update(schema.sites).set({ police: { channel: 'webhook', to: `http://127.0.0.1:${port}/report` } }).where(eq(schema.sites.id, 'site-a'));
    await t.system.reloadDirectory();
  });
  afterAll(async () => {
    await t?.close();
    desk.server.close();
  });

  it('a long press reports violence in progress at once, signed, retried after a 503', async () => {
    const bell = await t.bell('B-0301');
    await bell.event(1, 'long_press');
    await waitFor(() => desk.reports.length >= 2, 8_000, 'the report and its retry');
    for (const r of desk.reports) expect(r.verified).toBe(true);
    expect(desk.reports[1]!.body).toMatchObject({ mode: 'live', drill: false, violence: true, counter: 'Passport counter 3', floor: '1F', office: 'Nowon-gu Office' });
    const manager = await t.login('manager');
    const id = (await bell.waitForAck({ seq: 1 })).incident!;
    await waitFor(async () => (await manager.get(`/api/v1/incidents/${id}`)).body.notifications.some((n: { isPolice: boolean; status: string; attempts: number }) => n.isPolice && n.status === 'delivered' && n.attempts === 2), 5_000, 'the police notification delivered on the second attempt');
  });
});
