import { Counter, type Registry } from 'prom-client';
import { IGNORE_DETAILS, type DeviceFamily } from './decoded.ts';

export const DEVICE_FAMILIES: readonly DeviceFamily[] = ['zigbee2mqtt', 'shelly', 'tasmota'];

/**
 * Third-party messages that say nothing we act on (unknown actions, devices that are not bells, retained
 * events…), by family and a bounded detail. Refused messages are counted by the gateway's rejected counter
 * (transport zigbee2mqtt / shelly / tasmota).
 */
export interface ThirdPartyMetrics {
  ignored: Counter<'family' | 'detail'>;
}

export function thirdPartyMetrics(registry: Registry): ThirdPartyMetrics {
  const ignored = new Counter({
    name: 'guardbell_third_party_ignored_total',
    help: `Zigbee2MQTT, Shelly and Tasmota messages ignored (never an emergency), by family and detail (${IGNORE_DETAILS.join(', ')}).`,
    labelNames: ['family', 'detail'],
    registers: [registry],
  });
  for (const family of DEVICE_FAMILIES) for (const detail of IGNORE_DETAILS) ignored.inc({ family, detail }, 0);
  return { ignored };
}
