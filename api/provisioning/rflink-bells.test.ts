import { describe, expect, it } from 'vitest';
import { normaliseDeviceId, validateProvisioning, type ProvisioningResult } from './index.ts';

const doc = (...bells: Record<string, unknown>[]) => ({
  sites: [{
    id: 's', name: 'S', address: 'A', timezone: 'Asia/Seoul', counters: [{ id: 'c', name: 'C' }],
    bells: bells.map((b, i) => ({ id: `b${i + 1}`, counterId: 'c', adapter: 'rflink', ...b })),
  }],
});
const problems = (r: ProvisioningResult) => (r.ok ? [] : r.problems);

describe('RFLink bells (adapter rflink, deviceId NAME/ID/SWITCH)', () => {
  it.each(['EV1527/F7499/4', 'EV1527/0f7499/04', 'NewKaku/008440e6/a', 'EV1527/19BD0'])('accepts %s', (deviceId) => {
    expect(problems(validateProvisioning(doc({ deviceId })))).toEqual([]);
  });

  it('stores upper-case hex without leading zeros, so every spelling of a line meets the bell', () => {
    expect(normaliseDeviceId('rflink', 'EV1527/0f7499/04')).toBe('EV1527/F7499/4');
    expect(normaliseDeviceId('rflink', 'ev1527/F7499/4')).toBe('EV1527/F7499/4');
    expect(normaliseDeviceId('rflink', 'NewKaku/008440e6/a')).toBe('NEWKAKU/8440E6/A');
    expect(normaliseDeviceId('rflink', 'EV1527/019BD0')).toBe('EV1527/19BD0');
  });

  it.each(['EV1527', 'EV1527/zz7499/4', 'EV1527/F7499/4/1', '20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;', 'EV1527/F7499/'])('refuses %s, naming the field', (deviceId) => {
    expect(problems(validateProvisioning(doc({ deviceId })))).toEqual([
      { path: 'sites[0].bells[0].deviceId', message: expect.stringContaining(`${JSON.stringify(deviceId)} is not an RFLink device id`), code: 'bad_device_id', params: { adapter: 'rflink', value: deviceId } },
    ]);
  });

  it('two spellings of one device are one device: the second bell is refused', () => {
    expect(problems(validateProvisioning(doc({ deviceId: 'EV1527/0f7499/04' }, { deviceId: 'EV1527/F7499/4' })))).toEqual([
      { path: 'sites[0].bells[1].deviceId', message: 'device id "EV1527/F7499/4" is already used by bell "b1"', code: 'duplicate_id', params: { id: 'EV1527/F7499/4', first: 'b1' } },
    ]);
  });

  it('needs its deviceId, and refuses a key (433 MHz frames carry no MAC: every event would be refused)', () => {
    expect(problems(validateProvisioning(doc({})))).toEqual([
      { path: 'sites[0].bells[0].deviceId', message: 'a rflink bell needs its deviceId, the address its events carry', code: 'device_id_needed', params: { adapter: 'rflink' } },
    ]);
    expect(problems(validateProvisioning(doc({ deviceId: 'EV1527/F7499/4', key: '00112233445566778899aabbccddeeff' })))).toEqual([
      { path: 'sites[0].bells[0].key', message: 'a rflink bell cannot sign its events: only native bells take a key', code: 'key_not_signed', params: { adapter: 'rflink' } },
    ]);
  });
});
