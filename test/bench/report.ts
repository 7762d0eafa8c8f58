/** The plain-text report of one database run, and the JSON summary of all of them. */
import { cpus } from 'node:os';
import type { EscalationResult } from './escalation-run.ts';
import { WARM_AFTER_MS, type DbRunResult } from './run-db.ts';
import type { BrokerBaseline } from './supervision-baseline.ts';
import { supervisionOk, supervisionTargets } from './supervision-report.ts';
import type { SupervisionResult } from './supervision-run.ts';
import { formatProbes } from './probes.ts';
import { LATENCY_HEADER, latencyRow, mib, ms, table } from './stats.ts';

export const TARGET_P99_MS = 50;
export const TARGET_SMS_P99_MS = 100;
export const TARGET_STEP_LATENESS_MS = 1_000;
/** The write path's target: press → `received` at the bell. */
export const TARGET_RECEIVED_P99_MS = 25;
/** Press → console against the broker's own round trip in the same run: within this factor of its p99, plus 2 ms. */
export const CONSOLE_VS_BROKER = { factor: 1.5, plusMs: 2 } as const;

const DB_NAMES = { pglite: 'PGlite (embedded, in memory)', postgres: 'PostgreSQL (127.0.0.1:5432, fresh database)' } as const;

export function targetMet(r: DbRunResult): boolean {
  // Presses skipped for lack of a free bell were never sent: they show in throughput, not as lost.
  return r.latency.pressToConsole.p99 < TARGET_P99_MS && r.presses.lost === 0;
}

export function receivedTargetMet(r: DbRunResult): boolean {
  return r.latency.pressToReceived.p99 <= TARGET_RECEIVED_P99_MS && r.presses.lost === 0;
}

/** The console's p99 may be the broker's own p99 × 1.5 + 2 ms at most. */
export function consoleBesideBroker(r: DbRunResult): { met: boolean; limitMs: number } {
  const limitMs = CONSOLE_VS_BROKER.factor * r.latency.baseline.p99 + CONSOLE_VS_BROKER.plusMs;
  return { met: r.latency.pressToConsole.p99 <= limitMs && r.baseline.lost === 0, limitMs };
}

export function smsTargetMet(r: DbRunResult): boolean | undefined {
  return r.sms && r.latency.pressToSms.p99 < TARGET_SMS_P99_MS && r.sms.missing === 0;
}

export function escalationTargetMet(e: EscalationResult): boolean {
  return e.steps.pending === 0 && e.steps.fired === e.steps.planned && e.steps.planned > 0 && e.lateness.max <= TARGET_STEP_LATENESS_MS;
}

/** Every notification reached the fake exactly once. */
export function deliveryExact(e: EscalationResult): boolean {
  const f = e.fake;
  return f.missing === 0 && f.duplicates === 0 && f.duplicateToStep === 0 && f.unknown === 0;
}

export function formatRun(r: DbRunResult): string {
  const p = r.presses;
  const l = r.latency;
  const m = r.memory;
  const out: string[] = [];
  out.push(`== ${DB_NAMES[r.db]} | embedded aedes broker | ${r.bells} bells | ${r.rate} presses/s for ${r.seconds} s | heartbeat every ${r.heartbeatSeconds} s ==`);
  out.push('');
  out.push(
    table(LATENCY_HEADER, [
      latencyRow('press → received (at the bell)', l.pressToReceived),
      latencyRow(`  … from ${WARM_AFTER_MS / 1000} s on (code warm)`, l.pressToReceivedWarm),
      latencyRow('press → incident.created (console)', l.pressToConsole),
      ...(r.sms ? [latencyRow('press → first SMS at (fake) Twilio', l.pressToSms)] : []),
      latencyRow('broker pub → sub (baseline, QoS 1)', l.baseline),
    ]),
  );
  out.push('');
  out.push('  where press → console goes:');
  out.push(
    table(['    stage (ms)', 'p50', 'p95', 'p99', 'max', 'n'], [
      latencyRow('    press → hub (bell, broker, gateway, core)', l.pressToHub),
      latencyRow('    hub → console (WebSocket)', l.hubToConsole),
    ]),
  );
  if (r.sms) {
    out.push('');
    out.push('  the first alert is sent from memory when the console rings; the store follows (api/escalation/first-alert.ts):');
    out.push(
      table(['    stage (ms)', 'p50', 'p95', 'p99', 'max', 'n'], [
        latencyRow('    press → first SMS at (fake) Twilio', l.pressToSms),
        latencyRow('    press → stored (incident.updated on the hub)', l.pressToStored),
      ]),
    );
    out.push(`    first SMS at Twilio before the incident was stored: ${r.smsBeforeStored.before} of ${r.smsBeforeStored.of} presses`);
  }
  out.push('');
  out.push(`throughput:       ${p.sent} presses in ${(p.sent / p.achievedRate).toFixed(1)} s = ${p.achievedRate.toFixed(1)}/s (planned ${p.planned}; skipped for lack of a free bell ${p.skipped}; max send lag ${ms(p.maxSendLagMs)} ms)`);
  out.push(`presses:          sent ${p.sent}, received-acked ${p.received}, console incident.created ${p.consoleCreated}, lost ${p.lost}${p.lostIds.length ? ` (e.g. ${p.lostIds.join(', ')})` : ''}`);
  out.push(`retransmissions:  ${p.retransmissions} copies for ${p.pressesRetransmitted} presses (every ${2} s until received); repeated received acks ${p.receivedRepeats}; unmatched incident.created ${p.consoleUnmatched}`);
  if (r.sms) {
    const s = r.sms;
    out.push(`sms:              ${s.texted} of ${p.sent} presses texted (${s.missing} not by the end of the straggler wait), matched by incident; ${s.confirmedByIncident} confirmed in the notifications table (${s.mismatched} not), ${s.namesCounter} name the press's site and counter`);
    out.push(`                  the fake received ${s.fakeRequests} SMS for ${s.alertRows} alert SMS rows (${s.duplicates} duplicates); ${s.other} were an incident's second SMS`);
  }
  out.push(`inside:           ${formatProbes(r.probes)} (press phase and stragglers)`);
  out.push(`store:            bell_events rows ${r.store.bellEvents} for ${p.sent} presses (${r.store.exactlyOnce ? 'exactly once' : 'NOT exactly once'}); incidents ${r.store.incidents}`);
  out.push(`baseline:         sent ${r.baseline.sent}, received ${r.baseline.received}, lost ${r.baseline.lost}`);
  out.push(`other load:       ${r.heartbeatsSent} heartbeats (QoS 0); ${r.consoleMessages} console stream messages; ${r.cancels.done} manager cancels (${r.cancels.failed} failed${r.cancels.firstFailure ? `: ${r.cancels.firstFailure}` : ''}; not measured); ${r.bellDisconnects} bell disconnects`);
  out.push(`event loop delay: p50 ${ms(r.loopDelay.p50)} ms, p99 ${ms(r.loopDelay.p99)} ms, max ${ms(r.loopDelay.max)} ms (during the press phase)`);
  const main = r.cpu.mainThreadCores === undefined ? '' : ` (its main thread ${(r.cpu.mainThreadCores * 100).toFixed(0)}%, ${r.cpu.mainThreadMsPerPress!.toFixed(1)} ms a press, with the press's SMS, reports and cancels)`;
  out.push(`cpu:              this process ${(r.cpu.cores * 100).toFixed(0)}% of one core during the press phase${main}; machine load average ${r.cpu.loadBefore.toFixed(1)} → ${r.cpu.loadAfter.toFixed(1)} on ${cpus().length} cores`);
  out.push(`memory:           peak RSS ${mib(m.peakRss)}, peak heap ${mib(m.peakHeapUsed)}; RSS before bells connect ${mib(m.rssBeforeBells)}, after ${mib(m.rssAfterBells)}`);
  out.push(`                  (this process holds the broker, the gateway, the API and ${r.db === 'pglite' ? 'the PGlite engine' : 'the pg pool; PostgreSQL itself is another process'}; the ${r.bells} bell clients are a child process)`);
  const history = r.history > 0 ? `, ${r.history} incidents of history ${(r.setupMs.history / 1000).toFixed(1)} s` : '';
  out.push(`setup:            system ${(r.setupMs.system / 1000).toFixed(1)} s, provisioning ${(r.setupMs.provision / 1000).toFixed(1)} s${history}, connecting bells ${(r.setupMs.connectBells / 1000).toFixed(1)} s`);
  out.push('');
  const met = targetMet(r);
  const why = met
    ? ''
    : ` (${[
        l.pressToConsole.p99 >= TARGET_P99_MS || !Number.isFinite(l.pressToConsole.p99) ? `p99 ${ms(l.pressToConsole.p99)} ms` : '',
        p.lost > 0 ? `${p.lost} lost` : '',
      ].filter(Boolean).join(', ')})`;
  out.push(`target press→console p99 < ${TARGET_P99_MS} ms and no press lost: ${met ? 'MET' : 'NOT MET'}${why}`);
  const beside = consoleBesideBroker(r);
  out.push(`target press→console p99 within ${CONSOLE_VS_BROKER.factor}× the broker's own p99 + ${CONSOLE_VS_BROKER.plusMs} ms: ${beside.met ? 'MET' : 'NOT MET'} (${ms(l.pressToConsole.p99)} vs ${ms(beside.limitMs)} ms${r.baseline.lost > 0 ? `; ${r.baseline.lost} baseline messages lost` : ''})`);
  out.push(`target press→received p99 ≤ ${TARGET_RECEIVED_P99_MS} ms at ${r.rate} presses/s: ${receivedTargetMet(r) ? 'MET' : 'NOT MET'} (p99 ${ms(l.pressToReceived.p99)} ms; from ${WARM_AFTER_MS / 1000} s on ${ms(l.pressToReceivedWarm.p99)} ms)`);
  if (r.sms) {
    const smsMet = smsTargetMet(r);
    const whySms = smsMet ? '' : ` (p99 ${ms(l.pressToSms.p99)} ms${r.sms.missing > 0 ? `, ${r.sms.missing} presses not texted in time` : ''})`;
    out.push(`target press→first SMS p99 < ${TARGET_SMS_P99_MS} ms and every press texted: ${smsMet ? 'MET' : 'NOT MET'}${whySms}`);
  }
  if (p.skipped > 0) {
    out.push(`note: ${p.skipped} of ${p.planned} planned presses were not sent: every bell still had an open incident (the manager's cancels were behind)`);
  }
  return out.join('\n');
}

export function formatEscalation(e: EscalationResult): string {
  const out: string[] = [];
  const st = e.steps;
  out.push(`-- escalation phase: ${DB_NAMES[e.db]} (a fresh system) | ${e.incidents} unacknowledged console alarms | steps at 0, 5, 10, 15 s | tick ${e.tickMs} ms --`);
  out.push('');
  out.push(
    table(['step lateness (ms)', 'p50', 'p95', 'p99', 'max', 'n'], [
      latencyRow('fired_at − due_at, all steps', e.lateness),
      ...e.byStep.map((b) => latencyRow(`  ${b.stepId}`, b.lateness)),
      latencyRow('fired_at → request at (fake) Twilio', e.firedToTwilio),
      latencyRow('due → request at (fake) Twilio', e.dueToTwilio),
    ]),
  );
  out.push('');
  out.push(`alarms:           ${e.incidents - e.openFailures} raised in ${(e.openMs / 1000).toFixed(1)} s (${e.openFailures} refused), ${OPEN_NOTE}; every step fired and the outbox empty ${(e.waitedMs / 1000).toFixed(1)} s after the first`);
  out.push(`steps:            ${st.fired} of ${st.planned} fired, ${st.skipped} skipped, ${st.pending} still pending`);
  out.push(`histogram:        guardbell_escalation_step_lateness_seconds: ${e.histogram.count} observations, ${e.histogram.atMost1s} ≤ 1 s, p99 bucket ${e.histogram.p99Bucket}`);
  const statuses = Object.entries(e.notifications.byStatus).map(([k, v]) => `${k} ${v}`).join(', ');
  out.push(`notifications:    ${e.notifications.rows} rows (sms ${e.notifications.sms}, voice ${e.notifications.voice}; ${statuses})`);
  out.push(`fake Twilio:      ${e.fake.requests} requests (sms ${e.fake.sms}, calls ${e.fake.calls}); rows never sent ${e.fake.missing}; duplicates ${e.fake.duplicates} by notification, ${e.fake.duplicateToStep} by (incident, step, to, kind); unknown ${e.fake.unknown}`);
  out.push(`inside:           ${formatProbes(e.probes)}`);
  out.push(`event loop delay: p50 ${ms(e.loopDelay.p50)} ms, p99 ${ms(e.loopDelay.p99)} ms, max ${ms(e.loopDelay.max)} ms; machine load average ${e.load.before.toFixed(1)} → ${e.load.after.toFixed(1)}`);
  out.push('');
  const met = escalationTargetMet(e);
  const why = met ? '' : ` (max ${ms(e.lateness.max)} ms${st.pending > 0 || st.fired < st.planned ? `, ${st.planned - st.fired} steps not fired` : ''})`;
  out.push(`target no escalation step later than ${TARGET_STEP_LATENESS_MS / 1000} s (fired_at − due_at), all fired: ${met ? 'MET' : 'NOT MET'}${why}`);
  out.push(`  (due → Twilio request, end to end: max ${ms(e.dueToTwilio.max)} ms${e.dueToTwilio.max <= TARGET_STEP_LATENESS_MS ? ', also within 1 s' : ', NOT within 1 s'})`);
  out.push(`target every notification at Twilio exactly once (no loss, no duplicates): ${deliveryExact(e) ? 'MET' : 'NOT MET'}`);
  return out.join('\n');
}

const OPEN_NOTE = 'as a manager over POST /api/v1/incidents, 10 at a time';

export function jsonSummary(
  runs: DbRunResult[],
  escalations: EscalationResult[] = [],
  supervision: { baseline: BrokerBaseline | undefined; runs: SupervisionResult[] } = { baseline: undefined, runs: [] },
): string {
  return JSON.stringify(
    {
      targetP99Ms: TARGET_P99_MS,
      targetSmsP99Ms: TARGET_SMS_P99_MS,
      targetStepLatenessMs: TARGET_STEP_LATENESS_MS,
      targetReceivedP99Ms: TARGET_RECEIVED_P99_MS,
      consoleVsBroker: CONSOLE_VS_BROKER,
      runs: runs.map((r) => ({
        ...r, targetMet: targetMet(r), smsTargetMet: smsTargetMet(r), receivedTargetMet: receivedTargetMet(r),
        consoleBesideBroker: consoleBesideBroker(r),
      })),
      escalations: escalations.map((e) => ({ ...e, targetMet: escalationTargetMet(e), deliveryExact: deliveryExact(e) })),
      supervision: { brokerAlone: supervision.baseline, runs: supervision.runs.map((s) => ({ ...s, allAsExpected: supervisionOk(s), targets: supervisionTargets(s, supervision.baseline) })) },
    },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v),
    2,
  );
}
