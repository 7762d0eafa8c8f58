import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_BRIDGE_USAGE, parseEdgeBridgeConfig, startEdgeBridgeCommand } from '../../firmware-bridge/edge-bridge/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../gateway/broker/embedded-broker.ts';

const capture = () => ({ text: '', write(s: string) { this.text += s; return true; } });

describe('edge bridge configuration and command line', () => {
  let dir: string;
  let broker: EmbeddedBroker;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gb-edge-config-'));
    broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await broker?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const file = async (name: string, text: string) => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };

  it('accepts YAML and JSON with defaults', () => {
    const yaml = parseEdgeBridgeConfig('bells:\n  - channel: 1\n    bellId: B-0301\n', 'edge.yaml');
    expect(yaml).toEqual({ bells: [{ channel: 1, bellId: 'B-0301' }], heartbeatSeconds: 60, boardTimeoutSeconds: 10, debounceMs: 50, lampTimeoutMinutes: 30 });
    expect(parseEdgeBridgeConfig('{"bells":[{"channel":2,"bellId":"B-1","key":"ABCD"}],"debounceMs":20}', 'edge.json')).toMatchObject({ debounceMs: 20 });
  });

  it.each([
    ['empty', '', ['bells: must be a list of {channel, bellId}']],
    ['no bells', 'bells: []', ['bells: must name at least one bell']],
    ['every field problem at once, with duplicates', [
      'bells:',
      '  - {channel: 1, bellId: B-0301}',
      '  - {channel: 1, bellId: "B 2", key: xyz, colour: red}',
      '  - {channel: 65, bellId: B-0301}',
      'heartbeatSeconds: soon',
      'boardTimeout: 3',
    ].join('\n'), [
      'bells[1].bellId: must be [A-Za-z0-9_.-]{1,64}',
      'bells[1].key: must be hex (an even number of 0-9a-f digits)',
      'bells[1]: Unrecognized key: "colour"',
      'bells[2].channel: must be 1-64',
      'heartbeatSeconds: must be a number of seconds',
      '(file): Unrecognized key: "boardTimeout"',
      'bells[1].channel: channel 1 is already bells[0]',
      'bells[2].bellId: bell B-0301 is already bells[0]',
    ]],
    ['a duplicate key', 'bells: []\nbells: []', ['(file): syntax error: Map keys must be unique at line 2, column 1']],
  ])('refuses %s, naming every problem by its path', (_what, text, problems) => {
    let error: unknown;
    try {
      parseEdgeBridgeConfig(text, 'edge.yaml');
    } catch (e) {
      error = e;
    }
    expect((error as { problems: string[] }).problems).toEqual(problems);
    expect((error as Error).message).toBe(`edge.yaml: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  });

  it('the command reports a bad file and starts nothing (exit 1)', async () => {
    const bad = await file('bad.yaml', 'bells:\n  - channel: 0\n    bellId: B-1\n');
    const out = capture();
    expect(await startEdgeBridgeCommand(['edge-bridge', '--config', bad, '--port', '/dev/null'], out)).toBe(1);
    expect(out.text).toBe(`${bad}: 1 problem(s):\n  bells[0].channel: must be 1-64\nnothing was started.\n`);
    const missing = join(dir, 'missing.yaml');
    const out2 = capture();
    expect(await startEdgeBridgeCommand(['--config', missing, '--port', '/dev/null'], out2)).toBe(1);
    expect(out2.text).toContain(`${missing}: 1 problem(s):\n  (file): cannot be read (no such file)`);
  });

  it.each([
    [['--port', '/dev/ttyX'], '--config is required'],
    [['--config', 'c.yaml'], '--port is required'],
    [['--config', 'c.yaml', '--port', '/dev/ttyX@fast'], '--port "/dev/ttyX@fast": baud rate "fast" is not a positive integer'],
    [['--config', 'c.yaml', '--port', '/dev/ttyX', '--speed', '1'], "Unknown option '--speed'"],
    [['--config', 'c.yaml', '--port', '/dev/ttyX', 'extra'], "Unexpected argument 'extra'"],
  ])('usage errors exit 2: %j', async (argv, problem) => {
    const out = capture();
    expect(await startEdgeBridgeCommand(argv, out)).toBe(2);
    expect(out.text).toContain(problem);
    expect(out.text.endsWith(`${EDGE_BRIDGE_USAGE}\n`)).toBe(true);
  });

  it('a board port that cannot be opened stops the command with one sentence naming it (exit 1)', async () => {
    const good = await file('good.yaml', 'bells:\n  - {channel: 1, bellId: B-0301}\n');
    const port = join(dir, 'no-such-tty');
    const out = capture();
    const argv = ['--config', good, '--port', port, '--mqtt', broker.url, '--state-dir', dir];
    expect(await startEdgeBridgeCommand(argv, out)).toBe(1);
    expect(out.text).toMatch(new RegExp(`^edge bridge not started: cannot open serial port ${port} at 115200 baud \\(.+\\)\\.\\n$`));
  });
});
