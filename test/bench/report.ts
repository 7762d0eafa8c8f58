/** The plain-text report of one database run, and the JSON summary of all of them. */
import { cpus } from 'node:os';
import type { DbRunResult } from './run-db.ts';
import { LATENCY_HEADER, latencyRow, mib, ms, table } from './stats.ts';

export const TARGET_P99_MS = 50;

const DB_NAMES = { pglite: 'PGlite (embedded, in memory)', postgres: 'PostgreSQL (127.0.0.1:5432, fresh database)' } as const;

export function targetMet(r: DbRunResult): boolean {
  // Presses skipped for lack of a free bell were never sent: they show in throughput, not as lost.
  return r.latency.pressToConsole.p99 < TARGET_P99_MS && r.presses.lost === 0;
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
      latencyRow('press → incident.created (console)', l.pressToConsole),
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
  out.push('');
  out.push(`throughput:       ${p.sent} presses in ${(p.sent / p.achievedRate).toFixed(1)} s = ${p.achievedRate.toFixed(1)}/s (planned ${p.planned}; skipped for lack of a free bell ${p.skipped}; max send lag ${ms(p.maxSendLagMs)} ms)`);
  out.push(`presses:          sent ${p.sent}, received-acked ${p.received}, console incident.created ${p.consoleCreated}, lost ${p.lost}${p.lostIds.length ? ` (e.g. ${p.lostIds.join(', ')})` : ''}`);
  out.push(`retransmissions:  ${p.retransmissions} copies for ${p.pressesRetransmitted} presses (every ${2} s until received); repeated received acks ${p.receivedRepeats}; unmatched incident.created ${p.consoleUnmatched}`);
  out.push(`store:            bell_events rows ${r.store.bellEvents} for ${p.sent} presses (${r.store.exactlyOnce ? 'exactly once' : 'NOT exactly once'}); incidents ${r.store.incidents}`);
  out.push(`baseline:         sent ${r.baseline.sent}, received ${r.baseline.received}, lost ${r.baseline.lost}`);
  out.push(`other load:       ${r.heartbeatsSent} heartbeats (QoS 0); ${r.consoleMessages} console stream messages; ${r.cancels.done} manager cancels (${r.cancels.failed} failed${r.cancels.firstFailure ? `: ${r.cancels.firstFailure}` : ''}; not measured); ${r.bellDisconnects} bell disconnects`);
  out.push(`event loop delay: p50 ${ms(r.loopDelay.p50)} ms, p99 ${ms(r.loopDelay.p99)} ms, max ${ms(r.loopDelay.max)} ms (during the press phase)`);
  out.push(`cpu:              this process ${(r.cpu.cores * 100).toFixed(0)}% of one core during the press phase; machine load average ${r.cpu.loadBefore.toFixed(1)} → ${r.cpu.loadAfter.toFixed(1)} on ${cpus().length} cores`);
  out.push(`memory:           peak RSS ${mib(m.peakRss)}, peak heap ${mib(m.peakHeapUsed)}; RSS before bells connect ${mib(m.rssBeforeBells)}, after ${mib(m.rssAfterBells)}`);
  out.push(`                  (one process holds the ${r.bells} bell clients, the broker, the gateway, the API and ${r.db === 'pglite' ? 'the PGlite engine' : 'the pg pool; PostgreSQL itself is another process'})`);
  out.push(`setup:            system ${(r.setupMs.system / 1000).toFixed(1)} s, provisioning ${(r.setupMs.provision / 1000).toFixed(1)} s, connecting bells ${(r.setupMs.connectBells / 1000).toFixed(1)} s`);
  out.push('');
  const met = targetMet(r);
  const why = met
    ? ''
    : ` (${[
        l.pressToConsole.p99 >= TARGET_P99_MS || !Number.isFinite(l.pressToConsole.p99) ? `p99 ${ms(l.pressToConsole.p99)} ms` : '',
        p.lost > 0 ? `${p.lost} lost` : '',
      ].filter(Boolean).join(', ')})`;
  out.push(`target press→console p99 < ${TARGET_P99_MS} ms and no press lost: ${met ? 'MET' : 'NOT MET'}${why}`);
  if (p.skipped > 0) {
    out.push(`note: ${p.skipped} of ${p.planned} planned presses were not sent: every bell still had an open incident (the manager's cancels were behind)`);
  }
  return out.join('\n');
}

export function jsonSummary(runs: DbRunResult[]): string {
  return JSON.stringify(
    {
      targetP99Ms: TARGET_P99_MS,
      runs: runs.map((r) => ({ ...r, targetMet: targetMet(r) })),
    },
    (_k, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 1000) / 1000 : v),
    2,
  );
}
