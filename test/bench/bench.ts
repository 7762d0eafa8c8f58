/**
 * `npm run bench`: N virtual bells (each its own MQTT connection, heartbeating, in a child process) on the
 * embedded broker of a Guardbell process started here, presses at R per second for S seconds, and the
 * latency of press → `received` at the bell and press → `incident.created` at a WebSocket console, beside
 * the broker's own publish → subscribe latency in the same run, with the process's peak memory; on PGlite
 * and on PostgreSQL. With a fake Twilio, press → first SMS request at Twilio too. Then, per database, an
 * escalation phase on a fresh system: 200 unacknowledged alarms whose steps fall due over 15 s, and how late
 * each step fired; on PGlite then how long an alarm write waits beside the engine's claims of a burst of due steps, in
 * the PGlite thread beside the raw baseline of the same claims driven from the main thread (claims-beside-writes.ts).
 * Targets: press → console p99 under 50 ms, no press lost; press → first SMS p99 under 100 ms; no escalation step
 * later than 1 s.
 * Then (or alone, with --supervision) a supervision phase per database: 10,000 bells heartbeating every 60 s,
 * compressed in time, with the CPU and memory of the system per 1,000 bells beside the broker alone for the same
 * traffic, and the time from a silent bell's missed-heartbeat deadline (or a dropped connection) to `offline` at a
 * console (supervision-run.ts).
 * Then (or alone, with --city) a city phase: `guardbell start` × 1, then × 3 on PostgreSQL and a Mosquitto of its
 * own (shared subscription), the bells in a separate process, a console per process: press → every console
 * beside the broker's round trip and the single process, and the consoles that missed an incident (city-run.ts).
 * Then the reconnect and back-office phases, and last (or alone, with --start) the start phase: npm start's command on
 * an empty data folder, time to healthy and idle RSS, beside node and PGlite alone (start-run.ts).
 *
 * A report: exits 0 whether or not the target is met; non-zero on a crash, a usage error or the time limit.
 */
import { execFileSync } from 'node:child_process';
import { BENCH_USAGE, parseBenchArgs, UsageError, type BenchOptions } from './options.ts';
import { runEscalation, type EscalationResult } from './escalation-run.ts';
import { formatClaimsBesideWrites, runClaimsBesideWrites, type ClaimsBesideWritesResult } from './claims-beside-writes.ts';
import { formatEscalation, formatRun, jsonSummary } from './report.ts';
import { runOnDatabase, type DbRunResult } from './run-db.ts';
import { runBrokerBaseline, type BrokerBaseline } from './supervision-baseline.ts';
import { runConsole, type ConsoleResult } from './console-run.ts';
import { consoleTargetMet, formatConsole } from './console-report.ts';
import { formatSupervision } from './supervision-report.ts';
import { runSupervision, type SupervisionResult } from './supervision-run.ts';
import { cityTargetMet, runCity, type CityResult } from './city-run.ts';
import { formatCity } from './city-report.ts';
import { runReconnect, stormTargetMet, type ReconnectResult } from './reconnect-run.ts';
import { formatReconnect } from './reconnect-report.ts';
import { writeSummaryFile } from './summary-file.ts';
import { backofficeTargetMet, formatBackoffice, runBackoffice, type BackofficeResult } from './backoffice-run.ts';
import { formatStart, runStart, startTargetMet, type StartResult } from './start-run.ts';

/** Setup, connecting, stragglers and teardown on top of the press phase, per database. */
const OVERHEAD_PER_DB_MS = 240_000;
/**
 * The escalation phase per database: start, 15 s of steps, draining, teardown, with room for a busy machine; on PGlite
 * then the claims beside alarm writes (about 15 s).
 */
const ESCALATION_PER_DB_MS = 120_000;
/** The supervision phase: start, provisioning, connecting (~5 ms a bell on a busy machine), warm-up, silences, teardown. */
/** The console phase: start, Chromium, first loads, each alarm raised, shown, acknowledged (~0.5 s), teardown. */
const consoleMs = (o: BenchOptions) => 120_000 + o.consoleAlarms * 3_000;
/** The city phase: two rounds of a fresh database, processes started, bells connected, presses, stragglers, teardown. */
const cityMs = (o: BenchOptions) => 2 * (150_000 + (o.citySeconds + o.stragglerSeconds) * 1000);
/**
 * The reconnect phase: two systems started, the bells provisioned twice (~25 ms a bell into PGlite on a busy machine),
 * six storms of up to a minute each with settling, the Mosquitto files (a PBKDF2 a bell).
 */
const reconnectMs = (o: BenchOptions) => 600_000 + o.reconnectBells * 100;
/** The back-office phase per database: start, seeding (~1 s per 10,000 incidents on a busy machine), 22 requests × 11 endpoints. */
const backofficeMs = (o: BenchOptions) => 240_000 + o.backofficeIncidents * 1;
/** The start phase: the two floors and 2 × runs starts, each up to a minute and then idle. */
const startMs = (o: BenchOptions) => (2 + 2 * o.startRuns) * (90_000 + o.idleSeconds * 1000);
const supervisionMs = (o: BenchOptions) => 240_000 + o.supervisionSeconds * 1000 + o.supervisionBells * 5 + (8 * 60_000) / o.supervisionCompress;

export async function runBench(args: string[]): Promise<number> {
  let o: BenchOptions | 'help';
  try {
    o = parseBenchArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`bench: ${err.message}\n${BENCH_USAGE}`);
    return 2;
  }
  if (o === 'help') {
    console.log(BENCH_USAGE);
    return 0;
  }
  const opts = o;

  // The whole benchmark stops by itself: a hung connection or query ends the process, not the machine's patience.
  // `--console`, `--supervision` and `--city` each run only their phase (several given: those).
  const only = opts.supervision === 'only' || opts.console === 'only' || opts.city === 'only' || opts.reconnect === 'only' || opts.backoffice === 'only' || opts.start === 'only';
  const pressPhases = !only;
  const supervision = opts.supervision === 'only' || (!only && opts.supervision !== 'off');
  const consolePhase = opts.console === 'only' || (!only && opts.console !== 'off');
  const cityPhase = opts.city === 'only' || (!only && opts.city !== 'off');
  const reconnectPhase = opts.reconnect === 'only' || (!only && opts.reconnect !== 'off');
  const backofficePhase = opts.backoffice === 'only' || (!only && opts.backoffice !== 'off');
  const startPhase = opts.start === 'only' || (!only && opts.start !== 'off');
  const perDbMs =
    (pressPhases ? opts.seconds * 1000 + OVERHEAD_PER_DB_MS + (opts.escalation ? ESCALATION_PER_DB_MS : 0) : 0) + (supervision ? supervisionMs(opts) : 0);
  // The broker baseline of the supervision phase runs once, before the first database's supervision phase.
  const limitMs = opts.dbs.length * perDbMs + (supervision ? supervisionMs(opts) : 0) + (consolePhase ? consoleMs(opts) : 0) + (cityPhase ? cityMs(opts) : 0) + (reconnectPhase ? reconnectMs(opts) : 0) + (backofficePhase ? opts.dbs.length * backofficeMs(opts) : 0) + (startPhase ? startMs(opts) : 0);
  const watchdog = setTimeout(() => {
    console.error(`bench: time limit of ${Math.round(limitMs / 1000)} s exceeded; stopping`);
    process.exit(3);
  }, limitMs);
  watchdog.unref();

  const sup = supervision
    ? `supervision phase with ${opts.supervisionBells} bells heartbeating every ${60 / opts.supervisionCompress} s standing for 60 s (${opts.supervisionCompress}× compressed), ${opts.supervisionBroker === 'mosquitto' ? 'each logged in as itself on an own Mosquitto with the gateway on it (PostgreSQL), beside Mosquitto\'s own process' : `${opts.supervisionBells === 1 ? '' : `${opts.supervisionPerConnection} per MQTT connection, `}beside the broker alone`}`
    : '';
  const city = `a city phase: guardbell start × 1, then × 3, on PostgreSQL and an own Mosquitto (shared subscription), ${opts.bells} bells in a separate process at ${opts.rate} presses/s for ${opts.citySeconds} s, a guard console per process`;
  if (!pressPhases && !supervision && !consolePhase && !cityPhase && !reconnectPhase && !backofficePhase) console.log(`Guardbell bench, start only: npm start's command on an empty DATA_DIR, with the demo and without, ${opts.startRuns} time(s) each, then ${opts.idleSeconds} s idle; node and PGlite alone beside it (${process.platform}, node ${process.version}${codeVersion()}).`);
  else if (!pressPhases && !supervision && !consolePhase && !cityPhase && !reconnectPhase) console.log(`Guardbell bench, back office only: ${opts.backofficeIncidents} seeded incidents, statistics and the managers' history on ${opts.dbs.join(' and ')} (${process.platform}, node ${process.version}${codeVersion()}).`);
  else if (!pressPhases && !supervision && !consolePhase && !cityPhase) console.log(`Guardbell bench, reconnect only: ${opts.reconnectBells} bells with their own MQTT logins back at once, on the embedded broker and on an own Mosquitto, each beside the broker alone (${process.platform}, node ${process.version}${codeVersion()}).`);
  else if (!pressPhases && !supervision && !consolePhase) console.log(`Guardbell bench, city only: ${city} (${process.platform}, node ${process.version}${codeVersion()}).`);
  else console.log(
    (!pressPhases && !supervision
      ? `Guardbell bench, console only: ${opts.consoleAlarms} alarms in Chromium on ${opts.dbs[0]}, and the console's first load (${process.platform}, node ${process.version}${codeVersion()}).`
      : pressPhases
      ? `Guardbell bench: ${opts.bells} bells, ${opts.rate} presses/s for ${opts.seconds} s, heartbeat every ${opts.heartbeatSeconds} s, ` +
          `on ${opts.dbs.join(' and ')}${opts.sms ? '; Twilio is a local fake (test/support/fake-twilio.ts) over HTTP' : ''}${opts.escalation ? `; then an escalation phase with ${opts.escalationIncidents} open incidents` : ''}${supervision ? `; then a ${sup}` : ''}. ` +
          `Broker, gateway, API and fake Twilio (a worker thread) share this process; the bells, the broker's baseline, the guard's console and the manager's cancels run in a child process (${process.platform}, node ${process.version}${codeVersion()}).`
      : `Guardbell bench, supervision only: a ${sup}, on ${opts.dbs.join(' and ')}. Broker, gateway, API and console client share this process; ` +
          `the bells and the broker-alone baseline are child processes (${process.platform}, node ${process.version}${codeVersion()}).`) +
      (consolePhase && (pressPhases || supervision) ? ` Then a console phase: ${opts.consoleAlarms} alarms in Chromium on ${opts.dbs[0]}.` : '') +
      (cityPhase ? ` Last, ${city}.` : ''),
  );
  const started = Date.now();
  const runs: DbRunResult[] = [];
  const escalations: EscalationResult[] = [];
  const claimsBesideWrites: ClaimsBesideWritesResult[] = [];
  const supervisions: SupervisionResult[] = [];
  const consoles: ConsoleResult[] = [];
  const cities: CityResult[] = [];
  const reconnects: ReconnectResult[] = [];
  const backoffices: BackofficeResult[] = [];
  const starts: StartResult[] = [];
  let broker: BrokerBaseline | undefined;
  try {
    for (const db of opts.dbs) {
      const deadline = Date.now() + limitMs;
      if (pressPhases) {
        console.log(`\n[${db}] starting…`);
        const result = await runOnDatabase(db, opts, deadline);
        runs.push(result);
        console.log('');
        console.log(formatRun(result));
        if (opts.escalation) {
          console.log(`\n[${db}] escalation phase: starting a fresh system…`);
          const e = await runEscalation(db, opts, deadline);
          escalations.push(e);
          console.log('');
          console.log(formatEscalation(e));
          if (db === 'pglite') {
            console.log(`\n[pglite] escalation claims beside alarm writes…`);
            const c = await runClaimsBesideWrites();
            claimsBesideWrites.push(c);
            console.log(formatClaimsBesideWrites(c));
          }
        }
      }
      // On Mosquitto the phase runs once, on PostgreSQL, beside Mosquitto's own process (no separate baseline).
      if (supervision && opts.supervisionBroker === 'mosquitto') {
        if (db === opts.dbs[opts.dbs.length - 1]) {
          console.log(`\n[postgres] supervision phase on an own Mosquitto: starting a fresh system, ${opts.supervisionBells} bells…`);
          const s = await runSupervision('postgres', opts, deadline);
          supervisions.push(s);
          console.log('');
          console.log(formatSupervision(s, undefined));
        }
      } else if (supervision) {
        if (!broker) {
          console.log(`\nsupervision baseline: the broker alone, ${opts.supervisionBells} bells…`);
          broker = await runBrokerBaseline(opts);
        }
        console.log(`\n[${db}] supervision phase: starting a fresh system, ${opts.supervisionBells} bells…`);
        const s = await runSupervision(db, opts, deadline);
        supervisions.push(s);
        console.log('');
        console.log(formatSupervision(s, broker));
      }
    }
    if (consolePhase) {
      const db = opts.dbs[0]!;
      console.log(`\n[${db}] console phase: a fresh system, Chromium, ${opts.consoleAlarms} alarms…`);
      const c = await runConsole(db, opts, Date.now() + consoleMs(opts));
      consoles.push(c);
      console.log('');
      console.log(formatConsole(c));
    }
    if (cityPhase) {
      console.log(`\ncity phase: guardbell start × 1, then × 3, on PostgreSQL and Mosquitto…`);
      const c = await runCity(opts, Date.now() + cityMs(opts), (line) => console.log(line));
      cities.push(c);
      console.log('');
      console.log(formatCity(c));
    }
    if (reconnectPhase) {
      console.log(`\nreconnect phase: ${opts.reconnectBells} bells with their own logins back at once…`);
      const r = await runReconnect(opts.reconnectBells, (line) => console.log(line));
      reconnects.push(r);
      console.log('');
      console.log(formatReconnect(r));
    }
    if (backofficePhase) {
      for (const db of opts.dbs) {
        console.log(`\n[${db}] back-office phase: ${opts.backofficeIncidents} incidents…`);
        const b = await runBackoffice(db, opts.backofficeIncidents, (line) => console.log(line));
        backoffices.push(b);
        console.log('');
        console.log(formatBackoffice(b));
      }
    }
    if (startPhase) {
      console.log(`\nstart phase: npm start's command on an empty DATA_DIR…`);
      const r = await runStart(opts.startRuns, opts.idleSeconds, (line) => console.log(line));
      starts.push(r);
      console.log('');
      console.log(formatStart(r));
    }
    console.log(`\nbench finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    clearTimeout(watchdog);
  }
  const summary = JSON.parse(jsonSummary(runs, escalations, { baseline: broker, runs: supervisions })) as Record<string, unknown>;
  summary.claimsBesideWrites = claimsBesideWrites;
  summary.console = consoles.map((c) => ({ ...c, targetMet: consoleTargetMet(c) }));
  summary.city = cities.map((c) => ({ ...c, targetMet: cityTargetMet(c) }));
  summary.reconnect = reconnects.map((r) => ({ ...r, embeddedTargetMet: stormTargetMet(r.embedded), mosquittoTargetMet: stormTargetMet(r.mosquitto) }));
  summary.backoffice = backoffices.map((b) => ({ ...b, targetMet: backofficeTargetMet(b) }));
  summary.start = starts.map((r) => ({ ...r, targetMet: startTargetMet(r) }));
  const file = await writeSummaryFile(opts.summaryFile, summary);
  console.log(`\nsummary: ${file}`);
  if (opts.json) {
    console.log('');
    console.log(JSON.stringify(summary, null, 2));
  }
  return 0;
}

/** The commit measured (other work may be in progress in the tree): `, code abc1234+changes`. */
function codeVersion(): string {
  try {
    const git = (...a: string[]) => execFileSync('git', a, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5_000 }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'api', 'gateway', 'firmware-bridge').length > 0;
    return `, code ${head}${dirty ? '+local changes' : ''}`;
  } catch {
    return '';
  }
}
