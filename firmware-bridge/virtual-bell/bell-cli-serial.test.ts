import { describe, expect, it } from 'vitest';
import { BELL_USAGE, runBellCommand } from './bell-cli.ts';

// The serial transport itself is tested against the real gateway in test/edge-bridge/serial-bell.test.ts.
describe('guardbell bell --serial: usage errors', () => {
  it.each([
    [['press', '--bell', 'B-1', '--serial', '/dev/ttyX', '--mqtt', 'mqtt://h'], '--serial and --mqtt cannot be used together'],
    [['press', '--bell', 'B-1', '--serial', '/dev/ttyX', '--key', 'abcd'], '--key cannot be used with --serial: a keyed bell is refused on a serial line'],
    [['press', '--bell', 'B-1', '--serial', '/dev/ttyX', '--password', 'p'], '--password is an MQTT option and cannot be used with --serial'],
    [['press', '--bell', 'B-1', '--serial', '/dev/ttyX', '--topic-root', 'r'], '--topic-root is an MQTT option and cannot be used with --serial'],
    [['press', '--bell', 'B-1', '--serial', '/dev/ttyX@fast'], '--serial "/dev/ttyX@fast": baud rate "fast" is not a positive integer'],
    [['press', '--bell', 'B-1', '--serial', '@9600'], '--serial "@9600" names no serial port'],
  ])('returns 2 with the usage line for %j', async (argv, problem) => {
    const out = { text: '', write(s: string) { this.text += s; return true; } };
    expect(await runBellCommand(argv, out)).toBe(2);
    expect(out.text).toContain(problem);
    expect(out.text.endsWith(`${BELL_USAGE}\n`)).toBe(true);
  });
});
