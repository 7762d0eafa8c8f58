/** Command-line options of `npm run bench` (node:util parseArgs). */
import { parseArgs } from 'node:util';
import { COMPRESS_FACTORS } from './supervision-baseline.ts';

export type BenchDb = 'pglite' | 'postgres';

export interface BenchOptions {
  bells: number;
  rate: number;
  seconds: number;
  dbs: BenchDb[];
  heartbeatSeconds: number;
  json: boolean;
  /** The one JSON summary file every run writes (every figure with its baseline and target). */
  summaryFile: string | undefined;
  /** Writes one line per press (times relative to the first press) for a closer look. */
  csv: string | undefined;
  /** Bells connecting at once (no SYN floods, nothing raised system-wide). */
  connectBatch: number;
  /** Concurrent manager closes (they free bells for their next press; never measured). */
  closeConcurrency: number;
  /** How long to wait for stragglers after the last press. */
  stragglerSeconds: number;
  /** Closed incidents seeded before the press phase, so its presses are written beside a history (0: an empty store). */
  history: number;
  /** Points the press phase at a fake Twilio and times press → first SMS (`--no-sms`: as before, no Twilio). */
  sms: boolean;
  /** The escalation phase after each press phase (`--no-escalation` skips it). */
  escalation: boolean;
  /** Unacknowledged incidents open at once in the escalation phase. */
  escalationIncidents: number;
  /** ESCALATION_TICK_MS of the system under test; undefined = the system's default. */
  escalationTickMs: number | undefined;
  /** `after`: the supervision phase after the others (the default); `only`: nothing else (`--supervision`); `off`. */
  supervision: 'after' | 'only' | 'off';
  /** Supervised bells in the supervision phase. */
  supervisionBells: number;
  /** Time compression: heartbeats every 60/F s and SUPERVISION_SWEEP_MS 5000/F stand for 60 s and 5 s. */
  supervisionCompress: number;
  /** The steady window over which CPU is measured. */
  supervisionSeconds: number;
  /** Bells whose heartbeats stop (connection up), and bells whose connection drops (will). */
  supervisionSilent: number;
  supervisionDrops: number;
  /** Bells per MQTT connection (1: each its own, with a will). */
  supervisionPerConnection: number;
  /**
   * Where the supervision phase's bells connect: the embedded broker (on each --db, beside aedes alone), or an own
   * Mosquitto with the files `guardbell devices mosquitto-acl` writes and the gateway on it (PostgreSQL, beside
   * Mosquitto's own process in the same run).
   */
  supervisionBroker: 'embedded' | 'mosquitto';
  /** The console phase in Chromium (console-run.ts): `after` the others (the default), `only` (`--console`), or `off`. */
  console: 'after' | 'only' | 'off';
  /** Alarms raised one after another in the console phase. */
  consoleAlarms: number;
  /** The city phase (city-run.ts, PostgreSQL and a Mosquitto of its own): `after` the others, `only` (`--city`), or `off`. */
  city: 'after' | 'only' | 'off';
  /** Length of each of its two press runs (one process, three); at most one press per bell. */
  citySeconds: number;
  /** The reconnect phase (reconnect-run.ts): `after` the others, `only` (`--reconnect`), or `off`. */
  reconnect: 'after' | 'only' | 'off';
  /** Bells with their own MQTT login reconnecting at once. */
  reconnectBells: number;
  /** The back-office phase (backoffice-run.ts): `after` the others, `only` (`--backoffice`), or `off`. */
  backoffice: 'after' | 'only' | 'off';
  /** Incidents seeded for it. */
  backofficeIncidents: number;
  /** The start phase (start-run.ts): `after` the others, `only` (`--start`), or `off`. */
  start: 'after' | 'only' | 'off';
  /** Starts with and without the demo, each on an empty folder. */
  startRuns: number;
  /** How long each started system idles while its RSS is sampled. */
  idleSeconds: number;
}

export const BENCH_USAGE = `usage: npm run bench -- [options]
press and escalation phases:
  --bells N               virtual bells, each its own MQTT connection   (1000)
  --rate R                presses per second, round-robin over bells    (50)
  --seconds S             length of the press phase                     (30)
  --db pglite|postgres|both                                             (both)
  --heartbeat-seconds H   QoS 0 heartbeat of every bell, staggered       (10)
  --connect-batch B       bells connecting at once                      (50)
  --no-sms                no fake Twilio in the press phase (no press → first SMS row)
  --history N             incidents (with timelines) stored before the press phase, as after
                          years of service; 0 = an empty store                   (0)
  --no-escalation         skip the escalation phase (open incidents, steps due over 5–15 s, lateness;
                          on PGlite then alarm writes beside the engine's claims of 600 due steps)
  --escalation-incidents N open incidents in the escalation phase       (200)
  --escalation-tick-ms T  ESCALATION_TICK_MS of the system under test   (the system's default)
supervision phase (after the others, on each --db; the broker alone once, for comparison):
  --supervision           run only the supervision phase
  --no-supervision        skip it
  --supervision-bells N   supervised bells, in a child process of their own      (10000)
  --compress F            heartbeats every 60/F s and SUPERVISION_SWEEP_MS 5000/F
                          stand for 60 s and 5 s; F one of ${COMPRESS_FACTORS.join(', ')}   (3)
  --supervision-seconds S steady window over which CPU is measured               (60)
  --silent-bells N        bells whose heartbeats stop at a random moment          (100)
  --dropped-bells N       bells whose connection drops at a random moment (will)  (20)
  --supervision-broker B  embedded (on each --db, beside aedes alone) or mosquitto (an own
                          Mosquitto with the generated passwd and ACL, the gateway on it, PostgreSQL;
                          beside Mosquitto's own process in the same run)        (embedded)
  --bells-per-connection K bells sharing one MQTT connection; 1 = each its own,
                          with its will, as real bells (dropped bells: always)    (1)
console phase (Chromium, once, on the first --db; needs npm run build:console):
  --console               run only the console phase
  --no-console            skip it
  --console-alarms N      alarms timed from incident.created to painted   (50)
city phase (PostgreSQL, a Mosquitto of its own with the generated broker settings; after the others):
  guardbell start × 1, then × 3 with a shared subscription; --bells bells in a separate process at
  --rate presses/s, one guard console per process
  --city                  run only the city phase
  --no-city               skip it
  --city-seconds S        length of each press run; rate × S at most --bells (20)
reconnect phase (a power cut: bells with their own MQTT logins back at once; embedded broker and own Mosquitto):
  --reconnect             run only the reconnect phase
  --no-reconnect          skip it
  --reconnect-bells N     bells reconnecting at once, in a child process   (10000)
back-office phase (statistics and the managers' history over seeded incidents, on each --db):
  --backoffice            run only the back-office phase
  --no-backoffice         skip it
  --incidents N           incidents seeded, with their timelines             (100000)
start phase (npm start's command on an empty DATA_DIR; healthy, then idle RSS; node and PGlite alone beside it):
  --start                 run only the start phase
  --no-start              skip it
  --start-runs N          starts with the demo and without, each                (2)
  --idle-seconds S        idle window after each start, RSS sampled every second (30)
output:
  --summary FILE          the JSON summary file written at the end (.bench/summary-<time>.json)
  --json                  also print the JSON summary
  --csv FILE              write per-press timings (ms) to FILE (one file per database: FILE.pglite.csv …)`;

export class UsageError extends Error {}

function positiveInt(name: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number of at least ${min}, not "${text}"`);
  return n;
}

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, not "${text}"`);
  return n;
}

export function parseBenchArgs(args: string[]): BenchOptions | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        bells: { type: 'string' },
        rate: { type: 'string' },
        seconds: { type: 'string' },
        db: { type: 'string' },
        'heartbeat-seconds': { type: 'string' },
        'connect-batch': { type: 'string' },
        'no-sms': { type: 'boolean', default: false },
        history: { type: 'string' },
        'no-escalation': { type: 'boolean', default: false },
        'escalation-incidents': { type: 'string' },
        'escalation-tick-ms': { type: 'string' },
        supervision: { type: 'boolean', default: false },
        'no-supervision': { type: 'boolean', default: false },
        'supervision-bells': { type: 'string' },
        compress: { type: 'string' },
        'supervision-seconds': { type: 'string' },
        'silent-bells': { type: 'string' },
        'dropped-bells': { type: 'string' },
        'bells-per-connection': { type: 'string' },
        'supervision-broker': { type: 'string' },
        console: { type: 'boolean', default: false },
        'no-console': { type: 'boolean', default: false },
        'console-alarms': { type: 'string' },
        city: { type: 'boolean', default: false },
        'no-city': { type: 'boolean', default: false },
        'city-seconds': { type: 'string' },
        reconnect: { type: 'boolean', default: false },
        'no-reconnect': { type: 'boolean', default: false },
        'reconnect-bells': { type: 'string' },
        backoffice: { type: 'boolean', default: false },
        'no-backoffice': { type: 'boolean', default: false },
        incidents: { type: 'string' },
        start: { type: 'boolean', default: false },
        'no-start': { type: 'boolean', default: false },
        'start-runs': { type: 'string' },
        'idle-seconds': { type: 'string' },
        json: { type: 'boolean', default: false },
        summary: { type: 'string' },
        csv: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const v = parsed.values;
  if (v.help) return 'help';
  const db = v.db ?? 'both';
  if (!['pglite', 'postgres', 'both'].includes(db)) throw new UsageError(`--db must be pglite, postgres or both, not "${db}"`);
  const bells = positiveInt('bells', v.bells, 1000);
  if (bells > 99_999) throw new UsageError('--bells must be at most 99999');
  if (v.console && v['no-console']) throw new UsageError('--console and --no-console contradict each other');
  if (v.supervision && v['no-supervision']) throw new UsageError('--supervision and --no-supervision contradict each other');
  if (v.backoffice && v['no-backoffice']) throw new UsageError('--backoffice and --no-backoffice contradict each other');
  if (v.reconnect && v['no-reconnect']) throw new UsageError('--reconnect and --no-reconnect contradict each other');
  if (v.start && v['no-start']) throw new UsageError('--start and --no-start contradict each other');
  if (v.city && v['no-city']) throw new UsageError('--city and --no-city contradict each other');
  const rate = positiveNumber('rate', v.rate, 50);
  const citySeconds = positiveNumber('city-seconds', v['city-seconds'], 20);
  // Each city press goes to a bell not pressed before, so that each opens an incident of its own.
  const cityRuns = v.city || (!v['no-city'] && !v.console && !v.supervision && !v.reconnect && !v.backoffice && !v.start);
  if (cityRuns && Math.floor(rate * citySeconds) > bells) {
    throw new UsageError(`the city phase presses each bell at most once: --rate × --city-seconds (${Math.floor(rate * citySeconds)}) is more than the ${bells} bells`);
  }
  const compress = positiveInt('compress', v.compress, 3);
  if (!(COMPRESS_FACTORS as readonly number[]).includes(compress)) throw new UsageError(`--compress must be one of ${COMPRESS_FACTORS.join(', ')}, not "${v.compress}"`);
  const supervisionBells = positiveInt('supervision-bells', v['supervision-bells'], 10_000);
  if (supervisionBells > 100_000) throw new UsageError('--supervision-bells must be at most 100000');
  const supervisionDrops = positiveInt('dropped-bells', v['dropped-bells'], 20, 0);
  const supervisionSilent = positiveInt('silent-bells', v['silent-bells'], 100, 0);
  if (supervisionDrops + supervisionSilent > supervisionBells) {
    throw new UsageError(`--silent-bells and --dropped-bells (${supervisionSilent} + ${supervisionDrops}) are more than the ${supervisionBells} supervised bells`);
  }
  const supervisionBroker = v['supervision-broker'] ?? 'embedded';
  if (supervisionBroker !== 'embedded' && supervisionBroker !== 'mosquitto') throw new UsageError(`--supervision-broker must be embedded or mosquitto, not "${supervisionBroker}"`);
  const supervisionPerConnection = positiveInt('bells-per-connection', v['bells-per-connection'], 1);
  // On Mosquitto every bell logs in with its own credential, so it has a connection of its own.
  if (supervisionBroker === 'mosquitto' && supervisionPerConnection !== 1) throw new UsageError('--bells-per-connection must be 1 with --supervision-broker mosquitto (each bell logs in as itself)');
  return {
    bells,
    rate,
    seconds: positiveNumber('seconds', v.seconds, 30),
    dbs: db === 'both' ? ['pglite', 'postgres'] : [db as BenchDb],
    heartbeatSeconds: positiveNumber('heartbeat-seconds', v['heartbeat-seconds'], 10),
    json: v.json ?? false,
    summaryFile: v.summary,
    csv: v.csv,
    connectBatch: positiveInt('connect-batch', v['connect-batch'], 50),
    closeConcurrency: 4,
    stragglerSeconds: 10,
    sms: !v['no-sms'],
    history: positiveInt('history', v.history, 0, 0),
    escalation: !v['no-escalation'],
    escalationIncidents: positiveInt('escalation-incidents', v['escalation-incidents'], 200),
    escalationTickMs: v['escalation-tick-ms'] === undefined ? undefined : positiveInt('escalation-tick-ms', v['escalation-tick-ms'], 250, 10),
    supervision: v.supervision ? 'only' : v['no-supervision'] ? 'off' : 'after',
    supervisionBells,
    supervisionCompress: compress,
    supervisionSeconds: positiveNumber('supervision-seconds', v['supervision-seconds'], 60),
    supervisionSilent,
    supervisionDrops,
    supervisionPerConnection,
    supervisionBroker,
    console: v.console ? 'only' : v['no-console'] ? 'off' : 'after',
    consoleAlarms: positiveInt('console-alarms', v['console-alarms'], 50),
    city: v.city ? 'only' : v['no-city'] ? 'off' : 'after',
    citySeconds,
    reconnect: v.reconnect ? 'only' : v['no-reconnect'] ? 'off' : 'after',
    reconnectBells: positiveInt('reconnect-bells', v['reconnect-bells'], 10_000),
    backoffice: v.backoffice ? 'only' : v['no-backoffice'] ? 'off' : 'after',
    backofficeIncidents: positiveInt('incidents', v.incidents, 100_000),
    start: v.start ? 'only' : v['no-start'] ? 'off' : 'after',
    startRuns: positiveInt('start-runs', v['start-runs'], 2),
    idleSeconds: positiveInt('idle-seconds', v['idle-seconds'], 30),
  };
}
