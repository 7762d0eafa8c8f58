import { describe, expect, it } from 'vitest';
import { normaliseDeviceId } from '../provisioning/index.ts';
import type { BellRow, DirectoryStore } from '../store/index.ts';
import { Places } from './places.ts';

/** Bells as provisioning stores them: deviceId normalised (apply.ts). */
const bell = (id: string, adapter: string, deviceId: string) =>
  ({ id, siteId: 's', counterId: 'c', adapter, keyHex: null, deviceId: normaliseDeviceId(adapter, deviceId), confirm: null }) as unknown as BellRow;

async function placesWith(...bells: BellRow[]): Promise<Places> {
  const store = { sites: async () => [], counters: async () => [], bells: async () => bells } as unknown as DirectoryStore;
  const places = new Places(store);
  await places.reload();
  return places;
}

describe('Places.rflinkBell', () => {
  it('finds the bell of a button by the decoder\'s NAME/ID/SWITCH, then the bell of the whole remote', async () => {
    const places = await placesWith(
      bell('R-BUTTON', 'rflink', 'EV1527/0f7499/04'),
      bell('R-REMOTE', 'rflink', 'ev1527/019bd0'),
      bell('Z-OTHER', 'zigbee2mqtt', 'EV1527/F7499/3'),
    );
    expect(places.rflinkBell('EV1527/F7499/4')).toBe('R-BUTTON');
    expect(places.rflinkBell('EV1527/19BD0/4')).toBe('R-REMOTE');
    expect(places.rflinkBell('EV1527/19BD0')).toBe('R-REMOTE');
    // Another button of the per-button remote, and a device of another adapter, are not RFLink bells.
    expect(places.rflinkBell('EV1527/F7499/3')).toBeUndefined();
    expect(places.rflinkBell('EV1527/5DF/1')).toBeUndefined();
  });
});
