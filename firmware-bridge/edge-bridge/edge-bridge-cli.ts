/** `guardbell edge-bridge --config FILE --port PATH[@baud] [--mqtt URL]`: runs until SIGINT or SIGTERM. */
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { DEFAULT_TOPIC_ROOT } from '../protocol/index.ts';
import { parseSerialSpec, type SerialSpec } from '../serial-line/index.ts';
import type { TextOut } from '../virtual-bell/index.ts';
import { EdgeBridgeConfigError, loadEdgeBridgeConfig } from './config.ts';
import { EdgeBridge } from './edge-bridge.ts';

export const EDGE_BRIDGE_USAGE =
  'usage: guardbell edge-bridge --config FILE --port PATH[@baud] [--mqtt URL] [--topic-root R] [--state-dir DIR]\n' +
  '  FILE maps I/O board channels to bell ids (firmware-bridge/edge-bridge/README.md); --port is the board\'s serial port.';

/**
 * Parses the arguments, loads the config and starts the bridge. Returns the running bridge, or an exit code:
 * 2 on bad arguments, 1 on a bad config file or when the broker or the port cannot be reached.
 */
export async function startEdgeBridgeCommand(
  argv: string[],
  out: TextOut = process.stdout,
  err: TextOut = out === process.stdout ? process.stderr : out,
): Promise<EdgeBridge | number> {
  const usage = (problem: string): number => {
    err.write(`${problem}\n${EDGE_BRIDGE_USAGE}\n`);
    return 2;
  };
  let values;
  try {
    ({ values } = parseArgs({
      args: argv[0] === 'edge-bridge' ? argv.slice(1) : argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        mqtt: { type: 'string' },
        'topic-root': { type: 'string' },
        'state-dir': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    return usage((e as Error).message);
  }
  if (values.help) {
    out.write(`${EDGE_BRIDGE_USAGE}\n`);
    return 0;
  }
  if (values.config === undefined) return usage('--config is required');
  if (values.port === undefined) return usage('--port is required');
  let board: SerialSpec;
  try {
    board = parseSerialSpec(values.port);
  } catch (e) {
    return usage(`--port ${(e as Error).message}`);
  }
  let config;
  try {
    config = await loadEdgeBridgeConfig(values.config);
  } catch (e) {
    if (!(e instanceof EdgeBridgeConfigError)) throw e;
    err.write(`${e.message}\nnothing was started.\n`);
    return 1;
  }
  const bridge = new EdgeBridge({
    config,
    board,
    mqttUrl: values.mqtt ?? config.mqttUrl ?? process.env.MQTT_URL ?? `mqtt://127.0.0.1:${process.env.MQTT_PORT || 1883}`,
    topicRoot: values['topic-root'] ?? config.topicRoot ?? process.env.GUARDBELL_TOPIC_ROOT ?? DEFAULT_TOPIC_ROOT,
    stateDir: values['state-dir'] ?? config.stateDir ?? path.join(process.env.DATA_DIR || './data', 'edge-bridge'),
    logger: pino({ name: 'edge-bridge', level: process.env.LOG_LEVEL ?? 'info' }),
  });
  try {
    await bridge.start();
  } catch (e) {
    err.write(`edge bridge not started: ${(e as Error).message}.\n`);
    return 1;
  }
  out.write(`edge bridge running: ${config.bells.length} bell(s) on ${board.path}; Ctrl-C stops it.\n`);
  return bridge;
}
