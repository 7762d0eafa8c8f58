import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { parseProvisioningText } from '../../api/provisioning/index.ts';
import { StartError } from '../../api/system.ts';
import { startTestSystem } from '../support/system.ts';

const doc = (bells: unknown[]) => JSON.stringify({
  sites: [{ id: 's1', name: 'Site', address: 'Addr', timezone: 'Asia/Seoul', counters: [{ id: 'c1', name: 'Counter' }], bells }],
});

describe('deviceId in the provisioning document', () => {
  it('accepts an account or account/zone for sia-dc09, and free text for other adapters', () => {
    const r = parseProvisioningText(doc([
      { id: 'b1', counterId: 'c1', adapter: 'sia-dc09', deviceId: '1234' },
      { id: 'b2', counterId: 'c1', adapter: 'sia-dc09', deviceId: '1234/005' },
      { id: 'b3', counterId: 'c1', adapter: 'zigbee2mqtt', deviceId: 'lobby panic button' },
      { id: 'b4', counterId: 'c1' },
    ]), 'p.json');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.document.sites[0]!.bells.map((b) => b.deviceId)).toEqual(['1234', '1234/005', 'lobby panic button', undefined]);
  });

  it('refuses a bad SIA device id with a clear sentence, and a misspelt key', () => {
    const r = parseProvisioningText(doc([
      { id: 'b1', counterId: 'c1', adapter: 'sia-dc09', deviceId: '12' },
      { id: 'b2', counterId: 'c1', adapter: 'sia-dc09', deviceId: '1234/zone5' },
      { id: 'b3', counterId: 'c1', adapter: 'sia-dc09', deviceID: '1234' },
      { id: 'b4', counterId: 'c1', adapter: 'sia-dc09', deviceId: '' },
    ]), 'p.json');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual(expect.arrayContaining([
      { path: 'sites[0].bells[0].deviceId', message: expect.stringMatching(/^"12" is not a SIA DC-09 device id: write the panel account \(3 to 16 hex digits, such as "1234"\) or account\/zone \(such as "1234\/005"\)$/), code: 'bad_device_id', params: { adapter: 'sia-dc09', value: '12' } },
      { path: 'sites[0].bells[1].deviceId', message: expect.stringMatching(/"1234\/zone5" is not a SIA DC-09 device id/), code: 'bad_device_id', params: { adapter: 'sia-dc09', value: '1234/zone5' } },
      { path: 'sites[0].bells[2].deviceID', message: 'unknown key "deviceID" (did you mean "deviceId"?)', code: 'unknown_keys', params: { keys: 'deviceID' } },
      { path: 'sites[0].bells[3].deviceId', message: 'must not be empty', code: 'required' },
    ]));
  });

  it('refuses two bells on the same panel address, however it is spelt', () => {
    const r = parseProvisioningText(doc([
      { id: 'b1', counterId: 'c1', adapter: 'sia-dc09', deviceId: '12ab/5' },
      { id: 'b2', counterId: 'c1', adapter: 'sia-dc09', deviceId: '12AB/005' },
    ]), 'p.json');
    expect(r).toMatchObject({ ok: false, problems: [{ path: 'sites[0].bells[1].deviceId', message: 'device id "12AB/005" is already used by bell "b1"' }] });
  });
});

describe('SIA_DC09_PORT taken', () => {
  it('fails the start with a sentence naming SIA_DC09_PORT', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const started = startTestSystem({ db: 'pglite', broker: 'aedes', env: { SIA_DC09_PORT: String(port) } });
      await expect(started).rejects.toBeInstanceOf(StartError);
      await expect(started).rejects.toThrow(`Port ${port} is already taken by another program: set SIA_DC09_PORT to a free port`);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
