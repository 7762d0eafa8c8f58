/** One benchmark run on one database: start, provision, connect the fleet, press, wait, count, tear down. */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import type { System } from '../../api/system.ts';
import { FakeTwilioThread } from './fake-twilio-worker.ts';
import { bellId } from './fleet.ts';
import { LoopDelay, MemorySampler, type LoopDelayReport, type MemoryReport } from './memory.ts';
import type { BenchDb, BenchOptions } from './options.ts';
import { RemotePressFleet } from './press-fleet.ts';
import { PressRun, type PressRecord } from './press-run.ts';
import { probeSystem, type ProbeReport } from './probes.ts';
import { threadCpuMs } from './proc.ts';
import { BENCH_PASSWORD, countRows, login, provisionBench, smsNamesBell, startBenchSystem, tapHub } from './setup.ts';
import { sleep, summarize, type Summary } from './stats.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { seedIncidents, seedProvisioning } from './seed-incidents.ts';
import { BenchChild } from './supervision-ipc.ts';
import { benchTwilioEnv, notificationIdOf, notificationIndex, rows, SmsMatcher } from './twilio.ts';

/**
 * Presses from this long after the first are also summarised apart: the process's code is then optimised (the first
 * seconds after a start ran it cold, and held the run's tail). The whole run stays the figure that is judged.
 */
export const WARM_AFTER_MS = 5_000;

export interface DbRunResult {
  db: BenchDb;
  bells: number;
  rate: number;
  seconds: number;
  heartbeatSeconds: number;
  setupMs: { system: number; provision: number; connectBells: number; history: number };
  /** Closed incidents stored before the presses (`--history`). */
  history: number;
  latency: { pressToReceived: Summary; pressToReceivedWarm: Summary; pressToConsole: Summary; pressToHub: Summary; hubToConsole: Summary; pressToSms: Summary; pressToStored: Summary; baseline: Summary };
  /** Presses whose first SMS reached Twilio before the incident was stored (the first alert goes from memory). */
  smsBeforeStored: { before: number; of: number };
  /** The engine, the outbox and the queues over the press phase and its stragglers. */
  probes: ProbeReport;
  /** Press → first SMS at the fake Twilio; undefined with --no-sms. */
  sms: SmsCheck | undefined;
  presses: {
    planned: number;
    sent: number;
    skipped: number;
    received: number;
    consoleCreated: number;
    lost: number;
    lostIds: string[];
    retransmissions: number;
    pressesRetransmitted: number;
    receivedRepeats: number;
    consoleUnmatched: number;
    achievedRate: number;
    maxSendLagMs: number;
  };
  baseline: { sent: number; received: number; lost: number };
  /** Rows in bell_events and incidents for the bench bells; `exactlyOnce` when rows = presses sent. */
  store: { bellEvents: number; incidents: number; exactlyOnce: boolean };
  cancels: { done: number; failed: number; firstFailure: string | undefined };
  heartbeatsSent: number;
  consoleMessages: number;
  bellDisconnects: number;
  memory: MemoryReport;
  loopDelay: LoopDelayReport;
  /**
   * CPU this process used in the press phase (1 = one core), its main thread's alone and that thread's milliseconds
   * per press (undefined without /proc), and the machine's 1-minute load around it.
   */
  cpu: { cores: number; mainThreadCores: number | undefined; mainThreadMsPerPress: number | undefined; loadBefore: number; loadAfter: number };
}

export interface SmsCheck {
  /** Presses whose incident's first SMS reached the fake, and those that got none. */
  texted: number;
  missing: number;
  /** Matched by incident on the hub; checked against the notifications table, and that the text names the press's counter. */
  confirmedByIncident: number;
  mismatched: number;
  namesCounter: number;
  /** SMS requests at the fake; `alert` SMS rows in the notifications table; requests for a notification already sent. */
  fakeRequests: number;
  alertRows: number;
  duplicates: number;
  /** SMS after each press's first (its other recipient), or naming no waiting press. */
  other: number;
}

export async function runOnDatabase(db: BenchDb, o: BenchOptions, deadline: number): Promise<DbRunResult> {
  const memory = new MemorySampler();
  memory.start();
  const loop = new LoopDelay();
  let t = performance.now();
  const fake = o.sms ? await FakeTwilioThread.start() : undefined;
  const bench = await startBenchSystem(db, fake ? benchTwilioEnv(fake, o.escalationTickMs) : {}).catch(async (err: unknown) => {
    await fake?.close();
    throw err;
  });
  const { system } = bench;
  const setupMs = { system: performance.now() - t, provision: 0, connectBells: 0, history: 0 };
  // The bells and the broker's baseline in a process of their own: their clients do not share Guardbell's CPU.
  const child = BenchChild.start('fleet');
  let fleet: RemotePressFleet | undefined;
  let untap: (() => void) | undefined;
  let run: PressRun | undefined;
  let sms: SmsMatcher | undefined;
  try {
    t = performance.now();
    await provisionBench(system, o.bells, { phones: fake !== undefined });
    setupMs.provision = performance.now() - t;
    if (o.history > 0) {
      t = performance.now();
      await seedHistory(system, o.history);
      setupMs.history = performance.now() - t;
    }
    const [guard, manager] = await Promise.all([login(system, 'bench-guard'), login(system, 'bench-manager')]);

    memory.markBeforeBells();
    t = performance.now();
    fleet = await RemotePressFleet.connect(child, {
      url: system.mqttUrl, root: bench.topicRoot, runTag: bench.runTag, bells: o.bells, connectBatch: o.connectBatch, deadline,
      heartbeatMs: o.heartbeatSeconds * 1000, rate: o.rate,
    }, bellId);
    setupMs.connectBells = performance.now() - t;
    memory.markAfterBells();
    const bells = fleet.bells;
    const f = fleet;

    run = new PressRun(bells, {
      rate: o.rate,
      seconds: o.seconds,
      closeConcurrency: o.closeConcurrency,
      requireSms: fake !== undefined,
      close: (id) => f.cancel(id),
    });
    const pressRun = run;
    untap = tapHub(
      system,
      (bellId, incidentId, at) => pressRun.onHub(bellId, at, incidentId),
      (incidentId, at) => pressRun.onStored(incidentId, at),
    );
    await fleet.openClients({ url: system.url, guardToken: guard.token!, managerToken: manager.token! }, (bellId, id, at) => pressRun.onConsole(bellId, id, at));
    if (fake) {
      sms = new SmsMatcher(fake, (incidentId, at, r) => pressRun.onSms(incidentId, at, r));
      sms.start(system);
    }
    // Let the bells' online announcements be stored before measuring.
    await system.core.idle(5_000);
    await sleep(1_000);

    loop.start();
    const probe = probeSystem(system);
    const loadBefore = loadavg()[0]!;
    const cpuStart = process.cpuUsage();
    const mainStart = threadCpuMs();
    const pressStart = performance.now();
    await fleet.startBaseline(o.rate, o.seconds);
    await run.run();
    const pressMs = performance.now() - pressStart;
    await run.waitForStragglers(o.stragglerSeconds * 1000, async () => (await f.baselineOutstanding()) === 0);
    const loopDelay = loop.stop();
    const probes = probe.stop();
    const cpuUsed = process.cpuUsage(cpuStart);
    const mainEnd = threadCpuMs();
    const mainMs = mainStart === undefined || mainEnd === undefined ? undefined : mainEnd - mainStart;
    const cpu = {
      cores: (cpuUsed.user + cpuUsed.system) / 1000 / (performance.now() - pressStart),
      mainThreadCores: mainMs === undefined ? undefined : mainMs / (performance.now() - pressStart),
      mainThreadMsPerPress: mainMs === undefined || run.presses.length === 0 ? undefined : mainMs / run.presses.length,
      loadBefore, loadAfter: loadavg()[0]!,
    };
    run.stop();
    sms?.stop();
    const baselineResult = await fleet.stopBaseline();
    const fleetCounts = await fleet.counts();
    await system.core.idle(5_000);
    const stored = await countRows(system);
    await fake?.flush();
    const smsCheck = fake ? await checkSms(system, fake, run, o.bells) : undefined;

    const presses = run.presses;
    if (o.csv) writeCsv(`${o.csv}.${db}.csv`, presses);
    const lat = (pick: (p: (typeof presses)[number]) => number | undefined) =>
      summarize(presses.map(pick).filter((x): x is number => x !== undefined));
    const lostList = presses.filter((p) => p.tReceived === undefined || p.tConsole === undefined);
    const received = presses.filter((p) => p.tReceived !== undefined).length;
    return {
      db,
      bells: o.bells,
      rate: o.rate,
      seconds: o.seconds,
      heartbeatSeconds: o.heartbeatSeconds,
      setupMs,
      history: o.history,
      latency: {
        pressToReceived: lat((p) => (p.tReceived === undefined ? undefined : p.tReceived - p.t0)),
        pressToReceivedWarm: lat((p) => (p.tReceived === undefined || p.t0 - presses[0]!.t0 < WARM_AFTER_MS ? undefined : p.tReceived - p.t0)),
        pressToConsole: lat((p) => (p.tConsole === undefined ? undefined : p.tConsole - p.t0)),
        pressToHub: lat((p) => (p.tHub === undefined ? undefined : p.tHub - p.t0)),
        hubToConsole: lat((p) => (p.tHub === undefined || p.tConsole === undefined ? undefined : p.tConsole - p.tHub)),
        pressToSms: lat((p) => (p.tSms === undefined ? undefined : p.tSms - p.t0)),
        pressToStored: lat((p) => (p.tStored === undefined ? undefined : p.tStored - p.t0)),
        baseline: summarize(baselineResult.latencies),
      },
      smsBeforeStored: {
        before: presses.filter((p) => p.tSms !== undefined && p.tStored !== undefined && p.tSms < p.tStored).length,
        of: presses.filter((p) => p.tSms !== undefined && p.tStored !== undefined).length,
      },
      presses: {
        planned: run.planned,
        sent: presses.length,
        skipped: run.skipped,
        received,
        consoleCreated: presses.filter((p) => p.tConsole !== undefined).length,
        lost: lostList.length,
        lostIds: lostList.slice(0, 10).map((p) => `${p.bell.id}#${p.seq}${p.tReceived === undefined ? ' no-received' : ''}${p.tConsole === undefined ? ' no-console' : ''}`),
        retransmissions: presses.reduce((n, p) => n + p.retransmits, 0),
        pressesRetransmitted: presses.filter((p) => p.retransmits > 0).length,
        receivedRepeats: run.receivedRepeats,
        consoleUnmatched: run.consoleUnmatched,
        achievedRate: presses.length / (pressMs / 1000),
        maxSendLagMs: presses.reduce((m, p) => Math.max(m, p.lagMs), 0),
      },
      baseline: { sent: baselineResult.sent, received: baselineResult.latencies.length, lost: baselineResult.lost },
      sms: smsCheck,
      store: { ...stored, exactlyOnce: stored.bellEvents === presses.length },
      cancels: { done: run.closes, failed: run.closeFailures, firstFailure: run.firstCloseFailure },
      heartbeatsSent: fleetCounts.heartbeats,
      consoleMessages: fleetCounts.consoleMessages,
      bellDisconnects: fleetCounts.disconnects,
      probes,
      memory: memory.stop(),
      loopDelay,
      cpu,
    };
  } finally {
    run?.stop();
    sms?.stop();
    memory.stop();
    untap?.();
    await fleet?.close().catch(() => undefined);
    await child.close();
    await bench.close();
    await fake?.close();
  }
}

/** Every press texted? Each matched SMS checked against the press's incident; the fake's requests against the table. */
async function checkSms(system: System, fake: FakeTwilioThread, run: PressRun, bells: number): Promise<SmsCheck> {
  const byId = await notificationIndex(system, 'alert');
  const texted = run.presses.filter((p) => p.tSms !== undefined);
  const confirmed = texted.filter((p) => {
    const id = p.sms && notificationIdOf(p.sms);
    return id !== undefined && byId.get(id)?.incidentId === p.incidentId;
  }).length;
  const smsRequests = fake.requests.filter((r) => r.kind === 'sms');
  const ids = smsRequests.map(notificationIdOf).filter((id): id is string => id !== undefined);
  const [alert] = await rows<{ n: number | string }>(system, sql`select count(*)::int as n from notifications where step_id = 'alert' and channel = 'sms'`);
  return {
    texted: texted.length,
    missing: run.presses.length - texted.length,
    confirmedByIncident: confirmed,
    mismatched: texted.length - confirmed,
    namesCounter: texted.filter((p) => smsNamesBell(p.sms?.body, p.bell.index, bells)).length,
    fakeRequests: smsRequests.length,
    alertRows: Number(alert?.n ?? 0),
    duplicates: ids.length - new Set(ids).size,
    other: run.smsOther,
  };
}

function writeCsv(file: string, presses: PressRecord[]): void {
  const first = presses[0]?.t0 ?? 0;
  const rel = (t: number | undefined, from: number) => (t === undefined ? '' : (t - from).toFixed(3));
  const lines = ['k,bell,seq,sent_at,send_lag,to_hub,to_console,to_received,to_first_sms,retransmits'];
  for (const p of presses) {
    lines.push([p.k, p.bell.id, p.seq, rel(p.t0, first), p.lagMs.toFixed(3), rel(p.tHub, p.t0), rel(p.tConsole, p.t0), rel(p.tReceived, p.t0), rel(p.tSms, p.t0), p.retransmits].join(','));
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

/** Years of service before the presses: closed incidents of other sites, as the back-office phase seeds them. */
async function seedHistory(system: System, count: number): Promise<void> {
  const [sites, counters] = [10, 5];
  await applyProvisioning(system.database.db, seedProvisioning(sites, counters, BENCH_PASSWORD));
  await seedIncidents(system.database.db, { count, sites, counters, now: new Date(), open: 0 });
  await system.reloadDirectory();
}
