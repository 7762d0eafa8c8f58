export { ThirdPartyMqttSource, THIRD_PARTY_DEDUPE_WINDOW_MS, type ThirdPartyMqttOptions } from './third-party-source.ts';
export { thirdPartyMetrics, DEVICE_FAMILIES, type ThirdPartyMetrics } from './metrics.ts';
export type { DeviceFamily, DeviceDecoded, DeviceSignal } from './decoded.ts';
export { decodeZigbee2mqtt, Z2M_ACTIONS, Z2M_FLAGS } from './zigbee2mqtt.ts';
export { decodeShellyGen1, decodeShellyGen2, SHELLY_GEN1_EVENTS, SHELLY_GEN2_EVENTS } from './shelly.ts';
export { decodeTasmota, tasmotaTopics, TASMOTA_ACTIONS } from './tasmota.ts';
