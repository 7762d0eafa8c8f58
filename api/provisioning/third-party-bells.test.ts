import { describe, expect, it } from 'vitest';
import { normaliseDeviceId, validateProvisioning, type ProvisioningResult } from './index.ts';

const doc = (bell: Record<string, unknown>) => ({
  sites: [{ id: 's', name: 'S', address: 'A', timezone: 'Asia/Seoul', counters: [{ id: 'c', name: 'C' }], bells: [{ id: 'b1', counterId: 'c', ...bell }] }],
});
const problems = (r: ProvisioningResult) => (r.ok ? [] : r.problems);

describe('third-party bell device ids and the confirmation rule', () => {
  it.each([
    ['zigbee2mqtt', 'hall/sos_btn'],
    ['zigbee2mqtt', '0x00158d0001234567'],
    ['shelly', 'shellybutton1-A4CF12F45D3C'],
    ['shelly', 'shellyplusi4-a8032ab12345/0'],
    ['tasmota', 'tasmota_49A3BC'],
  ])('%s accepts %s', (adapter, deviceId) => {
    expect(problems(validateProvisioning(doc({ adapter, deviceId })))).toEqual([]);
  });

  it.each([
    ['zigbee2mqtt', 'hall/sos_btn/availability'],
    ['zigbee2mqtt', 'hall/#'],
    ['zigbee2mqtt', '/hall'],
    ['zigbee2mqtt', 'bridge/state'],
    ['shelly', 'shellies/shellybutton1-A4CF12F45D3C'],
    ['shelly', 'button1'],
    ['tasmota', 'stat/tasmota_49A3BC'],
    ['tasmota', 'tasmota +'],
  ])('%s refuses %s, naming the field', (adapter, deviceId) => {
    expect(problems(validateProvisioning(doc({ adapter, deviceId })))).toEqual([
      { path: 'sites[0].bells[0].deviceId', message: expect.stringContaining(JSON.stringify(deviceId)), code: 'bad_device_id', params: { adapter, value: deviceId } },
    ]);
  });

  it('shelly ids are stored in lower case, so Gen1 and Gen2 spellings meet', () => {
    expect(normaliseDeviceId('shelly', 'shellybutton1-A4CF12F45D3C')).toBe('shellybutton1-a4cf12f45d3c');
    expect(normaliseDeviceId('zigbee2mqtt', 'Hall/SOS')).toBe('Hall/SOS');
  });

  it('confirm: {within} in seconds, 2 to 120; off when absent', () => {
    const ok = validateProvisioning(doc({ adapter: 'zigbee2mqtt', deviceId: 'hall/sos', confirm: { within: 10 } }));
    expect(ok.ok && ok.document.sites[0]!.bells[0]!.confirm).toEqual({ within: 10 });
    const off = validateProvisioning(doc({ adapter: 'native' }));
    expect(off.ok && off.document.sites[0]!.bells[0]!.confirm).toBeUndefined();
    expect(problems(validateProvisioning(doc({ confirm: { within: 0 } })))).toEqual([{ path: 'sites[0].bells[0].confirm.within', message: 'must be at least 2 seconds', code: 'too_small', params: { min: 2 } }]);
    expect(problems(validateProvisioning(doc({ confirm: { witin: 10 } }))).map((p) => p.path)).toContain('sites[0].bells[0].confirm.witin');
  });
});
