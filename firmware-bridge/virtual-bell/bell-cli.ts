import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_TOPIC_ROOT, isValidId, type AckState, type BellEventType } from '../protocol/index.ts';
import { parseSerialSpec, type SerialSpec } from '../serial-line/index.ts';
import { BellTimeoutError, VirtualBell, type BellAck } from './virtual-bell.ts';

export const BELL_USAGE =
  'usage: guardbell bell press|hold|cancel|test --bell ID [--key HEX] [--mqtt URL] [--username U --password P] [--topic-root R] ' +
  '[--state-dir DIR] [--wait-for received|acknowledged] [--timeout SECONDS]\n' +
  '       guardbell bell press|hold|cancel|test --bell ID --serial PATH[@baud] [--state-dir DIR] [--wait-for …] [--timeout …]';
// Options that only mean something on MQTT: a serial frame has no key, login or topic (PROTOCOL.md §2).
const MQTT_ONLY = ['key', 'username', 'password', 'topic-root'] as const;

const COMMANDS: Record<string, BellEventType> = { press: 'press', hold: 'long_press', cancel: 'cancel', test: 'test' };
// What `--wait-for acknowledged` stops on: each ends the wait for a human answer, one way or the other.
const FINAL_STATES: readonly AckState[] = ['acknowledged', 'cancelled', 'closed'];
// A person takes far longer to acknowledge than the gateway takes to store an event.
const DEFAULT_TIMEOUT_S = { received: 10, acknowledged: 120 };

export interface TextOut {
  write(chunk: string): unknown;
}

/**
 * `guardbell bell …`: one virtual bell event from the command line. `argv` is what follows `guardbell`
 * (a leading `bell` is skipped). Prints one line per ack state; returns 0 on success, 1 when the broker
 * or the gateway does not answer in time, 2 on bad arguments. Errors go to `err`, which is `out` when a
 * custom `out` is given, so a caller capturing `out` sees everything.
 */
export async function runBellCommand(
  argv: string[],
  out: TextOut = process.stdout,
  err: TextOut = out === process.stdout ? process.stderr : out,
): Promise<number> {
  const usage = (problem: string): number => {
    err.write(`${problem}\n${BELL_USAGE}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv[0] === 'bell' ? argv.slice(1) : argv,
      allowPositionals: true,
      strict: true,
      options: {
        bell: { type: 'string' },
        key: { type: 'string' },
        mqtt: { type: 'string' },
        serial: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        'topic-root': { type: 'string' },
        'state-dir': { type: 'string' },
        'wait-for': { type: 'string' },
        timeout: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out.write(`${BELL_USAGE}\n`);
    return 0;
  }
  const [command, ...extra] = positionals;
  const type = command === undefined ? undefined : COMMANDS[command];
  if (type === undefined) return usage(command === undefined ? 'no command given' : `unknown command ${JSON.stringify(command)}`);
  if (extra.length > 0) return usage(`unexpected argument ${JSON.stringify(extra[0])}`);
  const bellId = values.bell;
  if (bellId === undefined) return usage('--bell is required');
  if (!isValidId(bellId)) return usage(`--bell ${JSON.stringify(bellId)} is not [A-Za-z0-9_.-]{1,64}`);
  if (values.key !== undefined && !/^(?:[0-9a-fA-F]{2})+$/.test(values.key)) return usage('--key must be hex (an even number of 0-9a-f digits)');
  let serial: SerialSpec | undefined;
  if (values.serial !== undefined) {
    if (values.mqtt !== undefined) return usage('--serial and --mqtt cannot be used together: a bell speaks one transport');
    if (values.key !== undefined) return usage('--key cannot be used with --serial: a keyed bell is refused on a serial line (PROTOCOL.md §2)');
    const mqttOnly = MQTT_ONLY.find((o) => values[o] !== undefined);
    if (mqttOnly) return usage(`--${mqttOnly} is an MQTT option and cannot be used with --serial`);
    try {
      serial = parseSerialSpec(values.serial);
    } catch (e) {
      return usage(`--serial ${(e as Error).message}`);
    }
  }
  const waitFor = values['wait-for'] ?? 'received';
  if (waitFor !== 'received' && waitFor !== 'acknowledged') return usage('--wait-for must be received or acknowledged');
  const timeoutS = values.timeout === undefined ? DEFAULT_TIMEOUT_S[waitFor] : Number(values.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) return usage('--timeout must be a positive number of seconds');

  const mqttUrl = serial ? undefined : (values.mqtt ?? process.env.MQTT_URL ?? `mqtt://127.0.0.1:${process.env.MQTT_PORT || 1883}`);
  const stateDir = values['state-dir'] ?? path.join(process.env.DATA_DIR || './data', 'virtual-bells');
  const timeoutMs = Math.round(timeoutS * 1000);
  const deadline = Date.now() + timeoutMs;
  const bell = new VirtualBell({
    bellId,
    mqttUrl,
    serial,
    keyHex: values.key?.toLowerCase(),
    // A bell with MQTT credentials logs in as its id: --username defaults to --bell when only --password is given.
    username: values.username ?? (values.password !== undefined ? bellId : undefined),
    password: values.password,
    topicRoot: values['topic-root'] ?? DEFAULT_TOPIC_ROOT,
    stateDir,
    receivedTimeoutMs: timeoutMs,
    // A broker that is down or restarting is retried for the whole --timeout, as firmware keeps trying.
    connectTimeoutMs: timeoutMs,
  });

  // Only acks about this event: its own seq, or the incident it joined (person-driven states carry the opening seq).
  let seq: number | undefined;
  const printed = new Set<string>();
  bell.on('sent', (s: { seq: number; type: string; attempt: number }) => {
    seq ??= s.seq;
    // The firmware's retransmission, made visible: a newcomer sees why the gateway hears the press twice.
    if (s.attempt > 1) out.write(`${bellId} seq ${s.seq} ${s.type}: no 'received' yet, sent again (attempt ${s.attempt})\n`);
  });
  bell.on('ack', (ack: BellAck) => {
    const incident = seq === undefined ? undefined : bell.incidentOf(seq);
    if (ack.seq !== seq && (incident === undefined || ack.incident !== incident)) return;
    const key = `${ack.seq}|${ack.incident ?? ''}|${ack.state}`;
    // The gateway answers every retransmitted copy; one line per state is enough.
    if (printed.has(key)) return;
    printed.add(key);
    out.write(`${bellId} seq ${ack.seq} → ${ack.state}${ack.incident ? ` (incident ${ack.incident})` : ''}\n`);
  });

  try {
    await bell.start();
  } catch (e) {
    err.write(`${(e as Error).message}.\n`);
    return 1;
  }
  try {
    const received = await bell.send(type);
    if (waitFor === 'received') return 0;
    await bell.waitForState(FINAL_STATES, { seq: received.seq, incident: received.incident, timeoutMs: deadline - Date.now() });
    return 0;
  } catch (e) {
    if (e instanceof BellTimeoutError && e.states.includes('received')) {
      const listening = serial ? `reading the other end of ${serial.path}` : `listening on ${bell.topicRoot}`;
      err.write(`${e.message} (is the gateway running and ${listening}?).\n`);
    } else if (e instanceof BellTimeoutError) {
      err.write(`bell ${bellId} ${type} seq ${seq} was received, but nobody acknowledged, cancelled or closed it within ${timeoutS} s.\n`);
    } else {
      err.write(`bell ${bellId} failed: ${(e as Error).message}.\n`);
    }
    return 1;
  } finally {
    await bell.stop({ announceOffline: false });
  }
}
