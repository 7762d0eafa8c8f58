import { describe, expect, it } from 'vitest';
import { decodeZigbee2mqtt } from './zigbee2mqtt.ts';

const b = (s: string) => Buffer.from(s);

// Literal topics and payloads from DEVICES.md §1.1–1.2.
describe('Zigbee2MQTT decoder (DEVICES.md §1)', () => {
  it('emergency action of a Tuya SOS button: a press with its battery', () => {
    const d = decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn', b('{"action":"emergency","battery":100,"voltage":3000,"linkquality":132}'));
    expect(d).toMatchObject({ ok: true, deviceId: 'hall/sos_btn', signals: [{ kind: 'event', type: 'press', action: 'emergency', battery: 100 }] });
    expect(d.ok && d.ignored).toBeFalsy();
  });

  it('{"action":"emergency"} and {"action":"sos"} (TS0601_sos, ZG-101Z) are presses', () => {
    for (const p of ['{"action":"emergency"}', '{"action":"sos"}']) {
      expect(decodeZigbee2mqtt('zigbee2mqtt/panic', b(p))).toMatchObject({ ok: true, signals: [{ kind: 'event', type: 'press' }] });
    }
  });

  it('an IEEE-named button: single is a press, hold a long press (Heiman HS1EB, Aqara)', () => {
    expect(decodeZigbee2mqtt('zigbee2mqtt/0x00158d0001234567', b('{"action":"single","battery":91,"voltage":3005,"linkquality":87}')))
      .toMatchObject({ ok: true, deviceId: '0x00158d0001234567', signals: [{ kind: 'event', type: 'press', battery: 91 }] });
    expect(decodeZigbee2mqtt('zigbee2mqtt/0x00158d0001234567', b('{"action":"hold"}'))).toMatchObject({ signals: [{ type: 'long_press' }] });
    expect(decodeZigbee2mqtt('zigbee2mqtt/frient', b('{"action":"long"}'))).toMatchObject({ signals: [{ type: 'long_press' }] });
  });

  it('an endpoint-postfixed emergency (emergency_l1) is a press', () => {
    expect(decodeZigbee2mqtt('zigbee2mqtt/remote', b('{"action":"emergency_l1"}'))).toMatchObject({ signals: [{ type: 'press', action: 'emergency_l1' }] });
  });

  it('linkquality does not change the dedupe key; other content does', () => {
    const key = (p: string) => {
      const d = decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn', b(p));
      return d.ok && d.signals[0]?.kind === 'event' ? d.signals[0].dedupeKey : undefined;
    };
    expect(key('{"action":"emergency","battery":100,"linkquality":132}')).toBe(key('{"action":"emergency","battery":100,"linkquality":90}'));
    expect(key('{"action":"emergency","battery":100}')).not.toBe(key('{"action":"single","battery":100}'));
  });

  it('state-style Feibit SOS: a latched press flag, with the flags stated', () => {
    const d = decodeZigbee2mqtt('zigbee2mqtt/bath/feibit_sos', b('{"sos":true,"tamper":false,"battery_low":false,"battery":100,"linkquality":60}'));
    expect(d).toMatchObject({ ok: true, deviceId: 'bath/feibit_sos', signals: [{ kind: 'event', type: 'press', latch: 'sos' }], flags: { sos: true, tamper: false, battery_low: false } });
    expect(d.ok && d.signals).toHaveLength(1);
    const tamper = decodeZigbee2mqtt('zigbee2mqtt/bath/feibit_sos', b('{"sos":false,"tamper":true,"battery_low":true}'));
    expect(tamper).toMatchObject({ signals: [{ type: 'tamper', latch: 'tamper' }, { type: 'low_battery', latch: 'battery_low' }] });
  });

  it('availability in both formats (Z2M 2.x JSON, 1.x legacy plain)', () => {
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn/availability', b('{"state":"online"}'))).toMatchObject({ ok: true, deviceId: 'hall/sos_btn', signals: [{ kind: 'status', online: true }] });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn/availability', b('{"state":"offline"}'))).toMatchObject({ signals: [{ kind: 'status', online: false }] });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn/availability', b('online'))).toMatchObject({ signals: [{ kind: 'status', online: true }] });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn/availability', b('offline'))).toMatchObject({ signals: [{ kind: 'status', online: false }] });
  });

  it('a state message without action is a heartbeat with the battery', () => {
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn', b('{"battery":55,"voltage":2900,"linkquality":120}'))).toMatchObject({ ok: true, signals: [{ kind: 'heartbeat', battery: 55 }] });
  });

  it('unknown actions are ignored and counted as such, never an emergency', () => {
    for (const action of ['off', 'release', 'arm_all_zones', 'shake', 'brightness_up']) {
      const d = decodeZigbee2mqtt('zigbee2mqtt/remote', b(JSON.stringify({ action, battery: 80 })));
      expect(d).toMatchObject({ ok: true, ignored: { detail: 'unknown_action' } });
      expect(d.ok && d.signals.some((s) => s.kind === 'event')).toBe(false);
    }
    expect(decodeZigbee2mqtt('zigbee2mqtt/remote', b('{"action":""}'))).toMatchObject({ ignored: { detail: 'not_a_press' } });
  });

  it('bridge topics, commands and the side action topic are not device messages', () => {
    expect(decodeZigbee2mqtt('zigbee2mqtt/bridge/state', b('{"state":"online"}'))).toMatchObject({ ok: true, ignored: { detail: 'not_a_device' } });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn/set', b('{"state":"ON"}'))).toMatchObject({ ignored: { detail: 'not_a_device' } });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn/action', b('emergency'))).toMatchObject({ ignored: { detail: 'not_a_device' } });
  });

  it('a custom base topic', () => {
    expect(decodeZigbee2mqtt('z2m/site1/hall', b('{"action":"sos"}'), 'z2m/site1')).toMatchObject({ ok: true, deviceId: 'hall' });
  });

  it('bad messages are rejected with a reason', () => {
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn', b('{"action":"emergency"'))).toMatchObject({ ok: false, reason: 'malformed_json', deviceId: 'hall/sos_btn' });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn', b('["emergency"]'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn', b('{"action":1}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn', b('{"action":"emergency","battery":250}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall/sos_btn/availability', b('{"state":"maybe"}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeZigbee2mqtt('zigbee2mqtt/hall', b('x'.repeat(9000)))).toMatchObject({ ok: false, reason: 'payload_too_large' });
    expect(decodeZigbee2mqtt('other/hall', b('{}'))).toMatchObject({ ok: false, reason: 'wrong_topic' });
  });
});
