import { describe, expect, it } from 'vitest';
import { decodeShellyGen1, decodeShellyGen2 } from './shelly.ts';

const b = (s: string) => Buffer.from(s);

// DEVICES.md §2.2 (Gen2 NotifyEvent frame, verbatim) and §2.3 (Gen1 input_event).
const GEN2_SINGLE = `{"src":"shellyplusi4-a8032ab12345","dst":"shellyplusi4-a8032ab12345/events","method":"NotifyEvent",
 "params":{"ts":1731931521.19,"events":[{"component":"input:0","id":0,"event":"single_push","ts":1731931521.19}]}}`;

describe('Shelly Gen1 decoder (DEVICES.md §2.3)', () => {
  it('{"event":"S","event_cnt":2} on input_event/0 is a press of input 0, keyed by event_cnt', () => {
    const d = decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('{"event":"S","event_cnt":2}'));
    expect(d).toMatchObject({ ok: true, deviceId: 'shellybutton1-a4cf12f45d3c', input: '0', signals: [{ kind: 'event', type: 'press', action: 'S' }] });
    const next = decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('{"event":"S","event_cnt":3}'));
    const key = (x: typeof d) => (x.ok && x.signals[0]?.kind === 'event' ? x.signals[0].dedupeKey : '');
    expect(key(next)).not.toBe(key(d));
  });

  it('SS and SSS are presses, L a long press', () => {
    expect(decodeShellyGen1('shellies/shellyix3-ABCDEF123456/input_event/2', b('{"event":"SS","event_cnt":5}'))).toMatchObject({ input: '2', signals: [{ type: 'press' }] });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('{"event":"SSS","event_cnt":6}'))).toMatchObject({ signals: [{ type: 'press' }] });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('{"event":"L","event_cnt":7}'))).toMatchObject({ signals: [{ type: 'long_press' }] });
  });

  it('online and battery', () => {
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/online', b('true'))).toMatchObject({ ok: true, signals: [{ kind: 'status', online: true }] });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/online', b('false'))).toMatchObject({ signals: [{ kind: 'status', online: false }] });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/sensor/battery', b('87'))).toMatchObject({ signals: [{ kind: 'heartbeat', battery: 87 }] });
  });

  it('unknown events ignored, other topics ignored, bad payloads rejected', () => {
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('{"event":"X","event_cnt":8}'))).toMatchObject({ ok: true, signals: [], ignored: { detail: 'unknown_action' } });
    expect(decodeShellyGen1('shellies/shelly1-ABCDEF/relay/0', b('on'))).toMatchObject({ ok: true, ignored: { detail: 'not_a_press' } });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('S'))).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('{"event_cnt":2}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/input_event/0', b('{"event":"S","event_cnt":-1}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/online', b('yes'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeShellyGen1('shellies/shellybutton1-A4CF12F45D3C/sensor/battery', b('150'))).toMatchObject({ ok: false, reason: 'invalid_field' });
  });
});

describe('Shelly Gen2+ decoder (DEVICES.md §2.2)', () => {
  it('the documented NotifyEvent single_push is a press of input 0, device from src', () => {
    expect(decodeShellyGen2('shellyplusi4-a8032ab12345/events/rpc', b(GEN2_SINGLE)))
      .toMatchObject({ ok: true, deviceId: 'shellyplusi4-a8032ab12345', input: '0', signals: [{ kind: 'event', type: 'press', action: 'single_push' }] });
  });

  it('long_push is a long press; a custom topic prefix still names the device by src', () => {
    const long = GEN2_SINGLE.replace('single_push', 'long_push');
    expect(decodeShellyGen2('office/panic/events/rpc', b(long))).toMatchObject({ ok: true, deviceId: 'shellyplusi4-a8032ab12345', signals: [{ type: 'long_press' }] });
  });

  it('btn_down/btn_up are not presses; NotifyStatus is a heartbeat', () => {
    expect(decodeShellyGen2('shellyplusi4-a8032ab12345/events/rpc', b(GEN2_SINGLE.replace('single_push', 'btn_down')))).toMatchObject({ ok: true, signals: [], ignored: { detail: 'not_a_press' } });
    expect(decodeShellyGen2('shellyplusi4-a8032ab12345/events/rpc', b(GEN2_SINGLE.replace('single_push', 'config_changed')))).toMatchObject({ ignored: { detail: 'unknown_action' } });
    expect(decodeShellyGen2('shellyplusi4-a8032ab12345/events/rpc', b('{"src":"shellyplusi4-a8032ab12345","method":"NotifyStatus","params":{"ts":1,"input:0":{"id":0,"state":true}}}')))
      .toMatchObject({ ok: true, signals: [{ kind: 'heartbeat' }] });
  });

  it('bad frames are rejected', () => {
    expect(decodeShellyGen2('x/events/rpc', b('{"src":"x"'))).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(decodeShellyGen2('x/events/rpc', b('{"src":"x"}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeShellyGen2('x/events/rpc', b('{"src":"x","method":"NotifyEvent","params":{}}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeShellyGen2('x/events/rpc', b('{"src":"x","method":"NotifyEvent","params":{"events":[{"event":"single_push"}]}}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
  });
});
