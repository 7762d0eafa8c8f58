import { describe, expect, it } from 'vitest';
import { normaliseRflinkDeviceId, RFLINK_DEVICE_ID_PATTERN } from './device-id.ts';
import { frameKey, meaningOf } from './rflink-events.ts';
import { decodeRflinkLine, decodeRflinkLines, MAX_RFLINK_LINE_BYTES, overlongLine, splitJoinedLines, type RflinkFrame } from './rflink-line.ts';

// DEVICES.md §5.1, verbatim.
const DOMOTICZ_EV1527 = '20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;';
const EV1527_LEADING_ZEROS = '20;16;EV1527;ID=005DF;SWITCH=01;CMD=ON;';
const EV1527_SHORT = '20;02;EV1527;ID=19BD0;SWITCH=4;CMD=ON;';
const NEWKAKU_OFF = '20;06;NewKaku;ID=008440e6;SWITCH=a;CMD=OFF;';
const AB400D = '20;07;AB400D;ID=41;SWITCH=1;CMD=ON;';
const SILVERCREST = '20;08;SilvercrestDB;ID=04d6bb97;SWITCH=1;CMD=ON;CHIME=01;';
const BANNER = '20;00;Nodo RadioFrequencyLink - RFLink Gateway V1.1 - R46;';
const MYSENSORS = '20;01;MySensors=OFF;NO NRF24L01;';
const OK = '20;XX;OK;';
const DEBUG = '20;XX;DEBUG;Pulses=511;Pulses(uSec)=1200,450,1200,450;';

const frameOf = (line: string): RflinkFrame => {
  const d = decodeRflinkLine(line);
  if (d.kind !== 'device') throw new Error(`${line} is ${JSON.stringify(d)}`);
  return d.frame;
};

describe('RFLink lines (DEVICES.md §5.1)', () => {
  it.each([
    [DOMOTICZ_EV1527, 'EV1527/F7499/4', 'ON'],
    [EV1527_LEADING_ZEROS, 'EV1527/5DF/1', 'ON'],
    [EV1527_SHORT, 'EV1527/19BD0/4', 'ON'],
    [NEWKAKU_OFF, 'NEWKAKU/8440E6/A', 'OFF'],
    [AB400D, 'AB400D/41/1', 'ON'],
    [SILVERCREST, 'SILVERCRESTDB/4D6BB97/1', 'ON'],
  ])('%s is device %s with CMD=%s', (line, deviceId, cmd) => {
    expect(decodeRflinkLine(line)).toEqual({ kind: 'device', frame: expect.objectContaining({ deviceId, cmd }) });
  });

  it('keeps every field, labels in upper case, and reads BAT', () => {
    expect(frameOf(SILVERCREST).fields).toEqual({ ID: '04d6bb97', SWITCH: '1', CMD: 'ON', CHIME: '01' });
    expect(frameOf('20;3A;EV1527;ID=0f7499;SWITCH=04;CMD=ON;BAT=LOW;')).toMatchObject({ cmd: 'ON', bat: 'LOW' });
    expect(frameOf('20;3b;ev1527;id=0f7499;switch=04;cmd=on;bat=low;')).toMatchObject({ deviceId: 'EV1527/F7499/4', cmd: 'ON', bat: 'LOW' });
  });

  it('one device whatever the hex case, the leading zeros of ID and SWITCH, and the counter', () => {
    const variants = [
      DOMOTICZ_EV1527,
      '20;78;EV1527;ID=0F7499;SWITCH=4;CMD=ON;',
      '20;FF;EV1527;ID=F7499;SWITCH=0004;CMD=ON;',
      '20;00;ev1527;ID=000f7499;SWITCH=04;CMD=ON;\r',
    ];
    const frames = variants.map(frameOf);
    expect(new Set(frames.map((f) => f.deviceId))).toEqual(new Set(['EV1527/F7499/4']));
    expect(new Set(frames.map(frameKey)).size).toBe(1);
    // The provisioned spelling meets the received one.
    expect(normaliseRflinkDeviceId('EV1527/0f7499/04')).toBe('EV1527/F7499/4');
    expect(normaliseRflinkDeviceId('ev1527/F7499/4')).toBe('EV1527/F7499/4');
    expect(normaliseRflinkDeviceId('EV1527/0F7499')).toBe('EV1527/F7499');
    expect(normaliseRflinkDeviceId('EV1527/000/00')).toBe('EV1527/0/0');
  });

  it('a device without SWITCH is NAME/ID', () => {
    expect(frameOf('20;9C;Alecto V1;ID=0334;TEMP=00e7;BAT=OK;')).toMatchObject({ deviceId: 'ALECTO V1/334', cmd: undefined, bat: 'OK' });
  });

  it('the receiver\'s own lines are ignored, never devices', () => {
    expect(decodeRflinkLine(BANNER)).toEqual({ kind: 'ignored', detail: 'startup', text: 'Nodo RadioFrequencyLink - RFLink Gateway V1.1 - R46;' });
    expect(decodeRflinkLine(MYSENSORS)).toMatchObject({ kind: 'ignored', detail: 'startup' });
    expect(decodeRflinkLine(OK)).toMatchObject({ kind: 'ignored', detail: 'reply' });
    expect(decodeRflinkLine('20;1F;OK;')).toMatchObject({ kind: 'ignored', detail: 'reply' });
    expect(decodeRflinkLine('20;99;PONG;')).toMatchObject({ kind: 'ignored', detail: 'reply' });
    expect(decodeRflinkLine('20;99;VER=1.1;REV=46;BUILD=0c;')).toMatchObject({ kind: 'ignored', detail: 'reply' });
    expect(decodeRflinkLine('20;9A;RFDEBUG=ON;')).toMatchObject({ kind: 'ignored', detail: 'reply' });
    expect(decodeRflinkLine(DEBUG)).toMatchObject({ kind: 'ignored', detail: 'debug' });
    expect(decodeRflinkLine('20;12;Unknown protocol;')).toMatchObject({ kind: 'ignored', detail: 'not_a_device' });
  });

  it('a DEBUG pulse dump longer than the limit is still chatter; any other over-long line is refused', () => {
    const dump = `20;XX;DEBUG;Pulses=511;Pulses(uSec)=${'1200,450,'.repeat(100)};`;
    expect(decodeRflinkLine(dump)).toMatchObject({ kind: 'ignored', detail: 'debug' });
    const long = `20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;${'X=1;'.repeat(60)}`;
    expect(long.length).toBeGreaterThan(MAX_RFLINK_LINE_BYTES);
    expect(decodeRflinkLine(long)).toMatchObject({ kind: 'rejected', problem: 'line_too_long' });
    expect(overlongLine('20;77;EV1527;ID=0f7499;SWITCH=04;', 900)).toMatchObject({ kind: 'rejected', problem: 'line_too_long', detail: expect.stringContaining('900 bytes') });
  });

  it('refuses garbage, other protocols and broken fields, each with its reason', () => {
    expect(decodeRflinkLine('\u0000\u00ff\u00fe20;77;EV1527')).toMatchObject({ kind: 'rejected', problem: 'garbage', detail: expect.stringContaining('\\x00\\xff\\xfe') });
    expect(decodeRflinkLine('$GB1,B-0301,17,press,86*EF1C')).toMatchObject({ kind: 'rejected', problem: 'not_rflink' });
    expect(decodeRflinkLine('10;PING;')).toMatchObject({ kind: 'rejected', problem: 'not_rflink' });
    expect(decodeRflinkLine('ATZ')).toMatchObject({ kind: 'rejected', problem: 'not_rflink' });
    // Cut off before its last `;`, a field without `=`, an ID that is not hex, a name with `/`.
    expect(decodeRflinkLine('20;77;EV1527;ID=0f7499;SWITCH=04;CMD=O')).toMatchObject({ kind: 'rejected', problem: 'bad_field' });
    expect(decodeRflinkLine('20;77;EV1527;ID=0f7499;SWITCH;CMD=ON;')).toMatchObject({ kind: 'rejected', problem: 'bad_field' });
    expect(decodeRflinkLine('20;77;EV1527;ID=zz7499;SWITCH=04;CMD=ON;')).toMatchObject({ kind: 'rejected', problem: 'bad_field', detail: expect.stringContaining('ID=zz7499') });
    expect(decodeRflinkLine('20;77;EV/1527;ID=0f7499;SWITCH=04;CMD=ON;')).toMatchObject({ kind: 'rejected', problem: 'bad_field' });
    expect(decodeRflinkLine('20;77;EV1527;ID=;SWITCH=04;CMD=ON;')).toMatchObject({ kind: 'rejected', problem: 'bad_field' });
  });

  it('splits a good line off the noise or cut-off line it was glued to, and never splits a valid line', () => {
    expect(splitJoinedLines(DOMOTICZ_EV1527)).toEqual([DOMOTICZ_EV1527]);
    expect(splitJoinedLines(SILVERCREST)).toEqual([SILVERCREST]);
    expect(splitJoinedLines(`~~ noise ~~${DOMOTICZ_EV1527}`)).toEqual(['~~ noise ~~', DOMOTICZ_EV1527]);
    expect(splitJoinedLines(`20;76;EV15${DOMOTICZ_EV1527}`)).toEqual(['20;76;EV15', DOMOTICZ_EV1527]);
    expect(splitJoinedLines(`${BANNER}${AB400D}`)).toEqual([BANNER, AB400D]);
    expect(splitJoinedLines('20;76;EV15').map(decodeRflinkLine)).toMatchObject([{ kind: 'rejected', problem: 'bad_field' }]);
    expect(decodeRflinkLines(`\u0000~~${DOMOTICZ_EV1527}`)).toMatchObject([
      { kind: 'rejected', problem: 'garbage' }, { kind: 'device', frame: { deviceId: 'EV1527/F7499/4' } },
    ]);
    expect(decodeRflinkLines(`20;76;EV15${DOMOTICZ_EV1527}`)).toMatchObject([{ kind: 'rejected', problem: 'bad_field' }, { kind: 'device' }]);
    // Counter 0x20 and a two-letter hex name would look like a line start at index 3: a line that decodes whole is kept whole.
    expect(decodeRflinkLines('20;20;FA;ID=01;SWITCH=1;CMD=ON;')).toMatchObject([{ kind: 'device', frame: { deviceId: 'FA/1/1' } }]);
    expect(decodeRflinkLines('ATZ')).toMatchObject([{ kind: 'rejected', problem: 'not_rflink' }]);
  });
});

describe('what a frame means for a bell (DEVICES.md §6)', () => {
  it('CMD=ON and ALLON are a press; OFF and ALLOFF are not; other commands are unknown', () => {
    expect(meaningOf(frameOf(DOMOTICZ_EV1527))).toEqual({ events: [{ type: 'press', dedupeKey: 'EV1527/F7499/4|CMD=ON' }], ignored: undefined });
    expect(meaningOf(frameOf('20;10;NewKaku;ID=008440e6;SWITCH=a;CMD=ALLON;')).events).toMatchObject([{ type: 'press' }]);
    expect(meaningOf(frameOf(NEWKAKU_OFF))).toEqual({ events: [], ignored: 'not_a_press' });
    expect(meaningOf(frameOf('20;11;NewKaku;ID=008440e6;SWITCH=a;CMD=ALLOFF;'))).toEqual({ events: [], ignored: 'not_a_press' });
    expect(meaningOf(frameOf('20;12;BrelMotor;ID=19fd31;SWITCH=01;CMD=UP;'))).toEqual({ events: [], ignored: 'unknown_cmd' });
  });

  it('BAT=LOW is a low_battery event, with the press when both come in one frame; BAT=OK is nothing', () => {
    expect(meaningOf(frameOf('20;3A;EV1527;ID=0f7499;SWITCH=04;CMD=ON;BAT=LOW;')).events.map((e) => e.type)).toEqual(['press', 'low_battery']);
    expect(meaningOf(frameOf('20;3A;Alecto V1;ID=0334;TEMP=00e7;BAT=LOW;')).events.map((e) => e.type)).toEqual(['low_battery']);
    expect(meaningOf(frameOf('20;3A;Alecto V1;ID=0334;TEMP=00e7;BAT=OK;'))).toEqual({ events: [], ignored: undefined });
  });

  it('the repeat key drops the counter but keeps the command', () => {
    expect(frameKey(frameOf('20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;'))).toBe(frameKey(frameOf('20;78;EV1527;ID=0F7499;SWITCH=4;CMD=ON;')));
    expect(frameKey(frameOf('20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;'))).not.toBe(frameKey(frameOf('20;78;EV1527;ID=0f7499;SWITCH=04;CMD=OFF;')));
    expect(frameKey(frameOf('20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;'))).not.toBe(frameKey(frameOf('20;78;EV1527;ID=0f7499;SWITCH=03;CMD=ON;')));
  });
});

describe('provisioned RFLink device ids', () => {
  it.each(['EV1527/F7499/4', 'EV1527/0f7499/04', 'ev1527/f7499', 'NewKaku/008440e6/a', 'X10/41/A16', 'Alecto V1/0334'])('accepts %s', (id) => {
    expect(RFLINK_DEVICE_ID_PATTERN.test(id)).toBe(true);
    expect(normaliseRflinkDeviceId(id)).toBeDefined();
  });

  it.each(['EV1527', 'EV1527/', 'EV1527/zz/1', 'EV1527/F7499/4/1', '/F7499/4', 'EV1527/F7499/', 'EV1527;ID=0f7499', '20;77;EV1527;ID=0f7499;SWITCH=04;CMD=ON;'])('refuses %s', (id) => {
    expect(RFLINK_DEVICE_ID_PATTERN.test(id)).toBe(false);
    expect(normaliseRflinkDeviceId(id)).toBeUndefined();
  });
});
