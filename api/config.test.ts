import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv, parseSiaKeys } from './config.ts';

describe('SIA_DC09_KEYS', () => {
  it('reads hex (the default) and ASCII keys by account, upper-casing the account', () => {
    const keys = parseSiaKeys('1234=hex:000102030405060708090a0b0c0d0e0f, 77ab=ascii:0123456789ABCDEF,AAAB=00112233445566778899AABBCCDDEEFF0011223344556677');
    expect([...keys.keys()]).toEqual(['1234', '77AB', 'AAAB']);
    expect(keys.get('1234')!.bytes.length).toBe(16);
    expect(keys.get('77AB')!.bytes.toString('latin1')).toBe('0123456789ABCDEF');
    expect(keys.get('AAAB')!.bytes.length).toBe(24);
  });

  it('names the entry and the problem when a key is wrong', () => {
    expect(() => parseSiaKeys('1234')).toThrow(/"1234" is not ACCOUNT=KEY/);
    expect(() => parseSiaKeys('12G4=hex:00')).toThrow(ConfigError);
    expect(() => parseSiaKeys('1234=hex:0011')).toThrow(/account 1234: a DC-09 key must be 16, 24 or 32 bytes/);
    expect(() => parseSiaKeys('1234=hex:zz112233445566778899aabbccddeeff')).toThrow(/hex digits only/);
    expect(() => parseSiaKeys('1234=ascii:short')).toThrow(/16, 24 or 32 characters/);
    expect(() => parseSiaKeys('1234=ascii:0123456789ABCDEF,1234=ascii:0123456789ABCDEF')).toThrow(/given twice/);
  });

  it('is part of the configuration, empty when unset', () => {
    expect(configFromEnv({}).siaDc09Keys.size).toBe(0);
    expect(configFromEnv({ SIA_DC09_KEYS: '4321=ascii:AAAAAAAAAAAAAAAA' }).siaDc09Keys.has('4321')).toBe(true);
    expect(() => configFromEnv({ SIA_DC09_KEYS: 'nope' })).toThrow(ConfigError);
  });
});

describe('RETENTION_*_DAYS', () => {
  it('is read once into the frozen configuration; a bad value is a configuration error naming the setting', () => {
    expect(configFromEnv({ RETENTION_BELL_EVENTS_DAYS: '90' }).retention.bellEvents).toBe(90);
    expect(() => configFromEnv({ RETENTION_CASE_FILES_DAYS: 'ever' })).toThrow(ConfigError);
    expect(() => configFromEnv({ RETENTION_CASE_FILES_DAYS: 'ever' })).toThrow(/RETENTION_CASE_FILES_DAYS/);
  });
});

describe('DATABASE_POOL_MAX', () => {
  it('sizes the main pool (20 unless told); fewer than the four it keeps open is a configuration error', () => {
    expect(configFromEnv({}).databasePoolMax).toBe(20);
    expect(configFromEnv({ DATABASE_POOL_MAX: '8' }).databasePoolMax).toBe(8);
    expect(() => configFromEnv({ DATABASE_POOL_MAX: '3' })).toThrow(/DATABASE_POOL_MAX/);
    expect(() => configFromEnv({ DATABASE_POOL_MAX: 'many' })).toThrow(ConfigError);
  });
});
