import { describe, expect, it } from 'vitest';
import { decodeTasmota, tasmotaTopics } from './tasmota.ts';

const b = (s: string) => Buffer.from(s);

// DEVICES.md §2.1: SetOption73 JSON, the pre-9.1 form, LWT, and Home Assistant's test topic layout.
describe('Tasmota decoder (DEVICES.md §2.1)', () => {
  it('{"Button1":{"Action":"SINGLE"}} is a press; HOLD a long press', () => {
    expect(decodeTasmota('stat/tasmota_49A3BC/RESULT', b('{"Button1":{"Action":"SINGLE"}}')))
      .toMatchObject({ ok: true, deviceId: 'tasmota_49A3BC', signals: [{ kind: 'event', type: 'press', action: 'SINGLE' }] });
    expect(decodeTasmota('stat/tasmota_49A3BC/RESULT', b('{"Button2":{"Action":"HOLD"}}'))).toMatchObject({ signals: [{ type: 'long_press' }] });
    for (const a of ['DOUBLE', 'TRIPLE', 'QUAD', 'PENTA']) {
      expect(decodeTasmota('stat/t1/RESULT', b(`{"Button1":{"Action":"${a}"}}`))).toMatchObject({ signals: [{ type: 'press' }] });
    }
  });

  it('firmware before 9.1: {"ACTION":"SINGLE"}', () => {
    expect(decodeTasmota('stat/sonoff/RESULT', b('{"ACTION":"SINGLE"}'))).toMatchObject({ ok: true, deviceId: 'sonoff', signals: [{ type: 'press' }] });
  });

  it('extra keys do not hide the button', () => {
    expect(decodeTasmota('stat/t1/RESULT', b('{"Time":"2026-01-01T00:00:00","Button1":{"Action":"SINGLE"}}'))).toMatchObject({ signals: [{ type: 'press' }] });
  });

  it('LWT Online/Offline is the status; {"POWER":"ON"} is only proof of life', () => {
    expect(decodeTasmota('tele/tasmota_49A3BC/LWT', b('Online'))).toMatchObject({ ok: true, signals: [{ kind: 'status', online: true }] });
    expect(decodeTasmota('tele/tasmota_49A3BC/LWT', b('Offline'))).toMatchObject({ signals: [{ kind: 'status', online: false }] });
    expect(decodeTasmota('stat/tasmota_49A3BC/RESULT', b('{"POWER":"ON"}'))).toMatchObject({ ok: true, signals: [{ kind: 'heartbeat' }] });
  });

  it('the %topic%/%prefix%/ layout (Home Assistant test: tasmota_49A3BC/stat/RESULT)', () => {
    const topics = tasmotaTopics('%topic%/%prefix%/');
    expect(topics.filters).toEqual(['+/stat/RESULT', '+/tele/LWT']);
    expect(decodeTasmota('tasmota_49A3BC/stat/RESULT', b('{"Button1":{"Action":"SINGLE"}}'), topics)).toMatchObject({ ok: true, deviceId: 'tasmota_49A3BC', signals: [{ type: 'press' }] });
    expect(tasmotaTopics().filters).toEqual(['stat/+/RESULT', 'tele/+/LWT']);
  });

  it('CLEAR is ignored; bad payloads are rejected', () => {
    expect(decodeTasmota('stat/t1/RESULT', b('{"Button1":{"Action":"CLEAR"}}'))).toMatchObject({ ok: true, signals: [], ignored: { detail: 'unknown_action' } });
    expect(decodeTasmota('stat/t1/RESULT', b('SINGLE'))).toMatchObject({ ok: false, reason: 'malformed_json' });
    expect(decodeTasmota('stat/t1/RESULT', b('{"Button1":{"Action":3}}'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeTasmota('tele/t1/LWT', b('maybe'))).toMatchObject({ ok: false, reason: 'invalid_field' });
    expect(decodeTasmota('stat/t1/POWER', b('ON'))).toMatchObject({ ok: false, reason: 'wrong_topic' });
  });
});
