import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from './config.ts';

describe('RFLINK_PORTS', () => {
  it('is comma-separated path[@baud], 57600 baud unless given, none when unset', () => {
    expect(configFromEnv({}).rflinkPorts).toEqual([]);
    expect(configFromEnv({ RFLINK_PORTS: '/dev/ttyACM0, /dev/serial/by-id/usb-arduino_mega-if00@115200' }).rflinkPorts).toEqual([
      { path: '/dev/ttyACM0', baudRate: 57_600 },
      { path: '/dev/serial/by-id/usb-arduino_mega-if00', baudRate: 115_200 },
    ]);
    // SERIAL_PORTS keeps its own default.
    expect(configFromEnv({ SERIAL_PORTS: '/dev/ttyUSB0' }).serialPorts).toEqual([{ path: '/dev/ttyUSB0', baudRate: 115_200 }]);
  });

  it('names the variable of a bad entry, and refuses a port that is also a native serial line', () => {
    expect(() => configFromEnv({ RFLINK_PORTS: '/dev/ttyACM0@fast' })).toThrow(/^RFLINK_PORTS: "\/dev\/ttyACM0@fast" is not path\[@baud\]/);
    expect(() => configFromEnv({ RFLINK_PORTS: '/dev/ttyACM0', SERIAL_PORTS: '/dev/ttyUSB0,/dev/ttyACM0@9600' })).toThrow(ConfigError);
  });
});
