import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { auditTrail, verifyAuditLog } from '../../api/audit/audit-log.ts';
import type { ApiClient } from '../support/http.ts';
import { connect } from '../support/mqtt.ts';
import type { TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { BELL_PASSWORDS, CredentialBell, startSecureSystem } from './secure-system.ts';

/**
 * `POST /admin/bells/{id}/mqtt-password` on the embedded broker: the new password logs the bell in, the old one
 * is refused at once although a login with it was verified (and remembered) a moment ago, whoever is connected
 * with it is put off, the change is audited without the password, and only an administrator may do it.
 */
describe('a bell\'s new MQTT password', () => {
  let t: TestSystem;
  let admin: ApiClient;
  const clients: MqttClient[] = [];
  const bells: CredentialBell[] = [];

  beforeAll(async () => {
    t = await startSecureSystem();
    admin = await t.login('admin1');
  }, 180_000);
  afterAll(async () => {
    for (const c of clients) c.end(true);
    for (const b of bells) await b.close().catch(() => undefined);
    await t?.close();
  });

  const login = async (password: string) => {
    const c = await connect(t.mqttUrl, { username: 'B-0302', password, reconnectPeriod: 0 });
    clients.push(c);
    return c;
  };

  it('a manager and a guard are refused', async () => {
    for (const who of ['manager', 'guard']) {
      const res = await (await t.login(who)).post('/api/v1/admin/bells/B-0302/mqtt-password', {});
      expect(res.status).toBe(403);
    }
    // Refused means unchanged: the old password still works.
    expect((await login(BELL_PASSWORDS['B-0302']!)).connected).toBe(true);
  });

  it('the new password works, the old one is refused at once and its connection closed; audited by name only', async () => {
    const old = await login(BELL_PASSWORDS['B-0302']!); // verified now, so remembered for the next hour
    let closed = false;
    old.once('close', () => (closed = true));
    const res = await admin.post('/api/v1/admin/bells/B-0302/mqtt-password', {});
    expect(res.status).toBe(200);
    const { username, mqttPassword } = res.body as { username: string; mqttPassword: string };
    expect(username).toBe('B-0302');
    expect(mqttPassword).not.toBe(BELL_PASSWORDS['B-0302']);
    await waitFor(() => closed || undefined, 5_000, 'the connection with the old password to be closed');
    await expect(login(BELL_PASSWORDS['B-0302']!)).rejects.toThrow(/Bad username or password|Not authorized/i);

    const bell = await CredentialBell.connect(t, 'B-0302', { password: mqttPassword });
    bells.push(bell);
    await bell.event(1, 'press');
    expect((await bell.waitForAck({ seq: 1, state: 'received' })).incident).toBeDefined();

    const trail = await auditTrail(t.system.database.db, 'bell', 'B-0302');
    expect(trail.at(-1)).toMatchObject({ actorId: 'admin-1', action: 'update', detail: { fields: expect.arrayContaining(['mqttPassword']) } });
    expect(JSON.stringify(trail)).not.toContain(mqttPassword);
    expect((await verifyAuditLog(t.system.database.db)).ok).toBe(true);
  });

  it('an unknown bell is a 404', async () => {
    expect((await admin.post('/api/v1/admin/bells/B-NOPE/mqtt-password', {})).status).toBe(404);
  });
});
