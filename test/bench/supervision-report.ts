/** The plain-text report of the supervision phase, beside the broker alone. */
import { latencyRow, mib, ms, table } from './stats.ts';
import type { BrokerBaseline, Cost } from './supervision-baseline.ts';
import type { SupervisionResult } from './supervision-run.ts';

const DB_NAMES = { pglite: 'PGlite (embedded, in memory, on its own thread)', postgres: 'PostgreSQL (127.0.0.1:5432, fresh database; its own CPU is another process, not counted)' } as const;

const pct = (cores: number) => (Number.isFinite(cores) ? `${(cores * 100).toFixed(cores < 0.1 ? 2 : 1)}%` : '-');
const perK = (x: number, bells: number) => (x * 1000) / bells;
const cpuPerK = (c: Cost, bells: number) => perK(c.steadyCores - c.idleCores, bells);
const rssPerK = (c: Cost, bells: number) => perK(c.rssSteady - c.rssProvisioned, bells);
const heapPerK = (c: Cost, bells: number) => perK(c.heapSteady - c.heapEmpty, bells);
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
const rssPath = (c: Cost) => `${mib(c.rssEmpty)} → ${mib(c.rssProvisioned)} → ${mib(c.rssSteady)}`;
const mib1 = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const TARGETS_FROM_BELLS = 10_000;

/**
 * The issue's scale targets: CPU per 1,000 bells within 2× the broker's own, memory per 1,000 bells within 2 MiB.
 * On the embedded broker the system (its process, broker inside) against aedes alone; on Mosquitto the CPU of both
 * processes against Mosquitto's own share of the same run, and the memory of Guardbell's process.
 * Not judged for fewer than TARGETS_FROM_BELLS bells: a few thousand bells cost less than the readings' noise
 * (a 1,000-bell run read −66 MiB and 0.64×).
 */
export function supervisionTargets(
  r: SupervisionResult,
  b: BrokerBaseline | undefined,
): { cpuRatio: number; cpuMet: boolean; rssPerThousand: number; rssMet: boolean; clientFloorRatio?: number } | undefined {
  const broker = r.broker === 'mosquitto' ? r.brokerProcess : b?.cost;
  if (!broker || r.bells < TARGETS_FROM_BELLS) return undefined;
  const both = r.broker === 'mosquitto';
  const brokerCpu = cpuPerK(broker, r.bells);
  const cpu = cpuPerK(r.system, r.bells) + (both ? brokerCpu : 0);
  // Memory is Guardbell's own: on Mosquitto the broker's (2.2 MiB per 1,000 connections here) is the broker's.
  const rss = rssPerK(r.system, r.bells);
  const cpuRatio = cpu / brokerCpu;
  // The same ratio for a gateway that only counted what its MQTT client hands it.
  const clientFloorRatio = both && r.clientFloor ? (cpuPerK(r.clientFloor, r.bells) + brokerCpu) / brokerCpu : undefined;
  return { cpuRatio, cpuMet: cpuRatio <= 2, rssPerThousand: rss, rssMet: rss <= 2 * 1024 * 1024, ...(clientFloorRatio !== undefined ? { clientFloorRatio } : {}) };
}

/** Every silenced bell shown offline, none early, no false offline, every dropped bell shown offline. */
export function supervisionOk(r: SupervisionResult): boolean {
  return r.silent.missing.length === 0 && r.silent.early === 0 && r.falseOffline.events === 0 && r.dropped.missing.length === 0 && r.endCheck.unplannedOffline === 0;
}

export function formatSupervision(r: SupervisionResult, b: BrokerBaseline | undefined): string {
  const out: string[] = [];
  const s = r.system;
  const F = r.compress;
  const realHb = r.heartbeatSeconds * F;
  const realSweepS = Math.round((r.sweepMs * F) / 100) / 10;
  out.push(
    `-- supervision phase: ${DB_NAMES[r.db]} (a fresh system)${r.broker === 'mosquitto' ? ', the bells and the gateway on an own Mosquitto' : ', the embedded broker'} | ${r.bells} bells on ${r.connections} MQTT connections | ` +
      `heartbeat every ${r.heartbeatSeconds} s standing for ${realHb} s, sweep every ${r.sweepMs} ms standing for ${realSweepS} s (${F}× compressed) --`,
  );
  out.push('');
  const dash = '-';
  const onMosquitto = r.broker === 'mosquitto';
  // On the embedded broker the system's process holds the broker, measured alone beside it; on Mosquitto the
  // broker is a process of its own, read in the same run, and the system is both processes.
  const broker = onMosquitto ? r.brokerProcess : b?.cost;
  const col = (f: (c: Cost) => number, fmt: (x: number) => string) =>
    onMosquitto ? [fmt(f(s)), broker ? fmt(f(broker)) : dash, broker ? fmt(f(s) + f(broker)) : dash] : [fmt(f(s)), broker ? fmt(f(broker)) : dash, broker ? fmt(f(s) - f(broker)) : dash];
  const headers = onMosquitto
    ? [`cost (${r.steadySeconds} s steady window, this machine)`, 'Guardbell (gateway + API)', 'Mosquitto (same run)', 'both: the system']
    : [`cost (${r.steadySeconds} s steady window, this machine)`, 'system under test', 'broker alone', 'difference: gateway + API'];
  out.push(
    table(headers, [
      ['heartbeats/s reaching the gateway / subscriber', s.receivedPerSec.toFixed(0), !onMosquitto && b ? b.cost.receivedPerSec.toFixed(0) : dash, dash],
      ['CPU with no bell (% of one core)', ...col((c) => c.idleCores, pct)],
      ['CPU, steady heartbeats', ...col((c) => c.steadyCores, pct)],
      ['CPU per 1,000 bells (steady − no bell)', ...col((c) => cpuPerK(c, r.bells), pct)],
      [`  at 1× (÷ ${F}: heartbeats and sweeps ${F}× rarer; estimate)`, ...col((c) => cpuPerK(c, r.bells) / F, pct)],
      ['RSS no bell → provisioned → steady (after a full GC)', rssPath(s), broker ? rssPath(broker) : dash, dash],
      ['RSS per 1,000 bells (provisioned → steady)', ...col((c) => rssPerK(c, r.bells), mib1)],
      ['main-thread heap per 1,000 bells (no bell → steady)', kib(heapPerK(s, r.bells)), onMosquitto ? dash : broker ? kib(heapPerK(broker, r.bells)) : dash, dash],
    ]),
  );
  const t = supervisionTargets(r, b);
  if (!t && r.bells < TARGETS_FROM_BELLS) out.push(`targets:          not judged below ${TARGETS_FROM_BELLS.toLocaleString('en')} bells (the readings' noise is larger than the bells' cost)`);
  if (t) {
    out.push(
      `targets:          CPU per 1,000 bells ${t.cpuRatio.toFixed(2)}× the broker's own (${onMosquitto ? 'Guardbell + Mosquitto ÷ Mosquitto' : 'system ÷ broker alone'}; ≤ 2×: ${t.cpuMet ? 'MET' : 'NOT MET'}); ` +
        `memory per 1,000 bells ${mib1(t.rssPerThousand)} (${onMosquitto ? "Guardbell's process" : 'the system'}; ≤ 2 MiB: ${t.rssMet ? 'MET' : 'NOT MET'})`,
    );
  }
  const floor = r.clientFloor;
  if (floor) {
    const perBeatUs = floor.receivedPerSec > 0 ? ((floor.steadyCores - floor.idleCores) * 1e6) / floor.receivedPerSec : NaN;
    out.push(
      `client floor:     a subscriber set up as the gateway (its MQTT client code, login and filter) counting messages only, a process of its own, after the window: ` +
        `${floor.receivedPerSec.toFixed(0)} heartbeats/s, CPU per 1,000 bells ${pct(cpuPerK(floor, r.bells))} (${perBeatUs.toFixed(0)} µs of CPU a heartbeat; Guardbell ` +
        `${s.receivedPerSec > 0 ? (((s.steadyCores - s.idleCores) * 1e6) / s.receivedPerSec).toFixed(0) : '-'} µs)` +
        (t?.clientFloorRatio !== undefined ? `; a gateway doing nothing more would be ${t.clientFloorRatio.toFixed(2)}× the broker's own` : ''),
    );
  }
  out.push('');
  out.push(
    table(['time to offline at the console (ms)', 'p50', 'p95', 'p99', 'max', 'n'], [
      latencyRow('silenced bell: deadline → offline on the stream', r.silent.toOffline),
      latencyRow(`  (from its last heartbeat sent + 3 × ${r.heartbeatSeconds} s)`, r.silent.fromLastSend),
      latencyRow('dropped connection → offline (the will)', r.dropped.toOffline),
    ]),
  );
  out.push('  deadline = lastSeenAt + 3 × heartbeatSeconds, as the offline bell.status itself carries (gateway/supervision.ts)');
  out.push('');
  const sw = r.sweeps;
  out.push(`sweeps:           ${sw.calls} in the steady window, mean ${ms(sw.meanMs)} ms, max ${ms(sw.maxMs)} ms, inside sweeps ${(sw.busyFraction * 100).toFixed(0)}% of the time (summed), at most ${sw.maxOverlap} at once (every ${r.sweepMs} ms; at 1× every ${realSweepS} s)`);
  if (sw.maxOverlap > 1) {
    out.push(`                  SATURATED: a sweep started before the last one ended (the sweep timer does not wait): at ${F}× this system cannot keep up, and the ÷ ${F} estimates do not hold; try a smaller --compress`);
  }
  if (r.warmOnline < r.bells) out.push(`                  only ${r.warmOnline} of ${r.bells} bells were shown online when the steady window began`);
  out.push(`                  an offline waits for the next sweep: at 1× expect up to ${realSweepS} s + one sweep (max ${ms(sw.maxMs)} ms here) after the deadline`);
  out.push(`silenced:         ${r.silent.sample} bells (heartbeats stop at a random moment of one interval, connection up); ${r.silent.sample - r.silent.missing.length} shown offline, ${r.silent.missing.length} not${r.silent.missing.length ? ` (e.g. ${r.silent.missing.slice(0, 5).join(', ')})` : ''}; ${r.silent.early} before their deadline (earliest ${ms(r.silent.minMs)} ms)`);
  out.push(`dropped:          ${r.dropped.sample} bells, each on its own connection with its will; socket destroyed without DISCONNECT; ${r.dropped.sample - r.dropped.missing.length} shown offline, ${r.dropped.missing.length} not${r.dropped.missing.length ? ` (e.g. ${r.dropped.missing.slice(0, 5).join(', ')})` : ''}`);
  out.push(`false offlines:   ${r.falseOffline.events} on the stream over the steady window and the silences (${r.falseOffline.bells.length} bells${r.falseOffline.bells.length ? `: ${r.falseOffline.bells.slice(0, 5).join(', ')}` : ''})`);
  const e = r.endCheck;
  out.push(`at the end:       GET /api/v1/bells shows ${e.offline} offline for ${e.planned} taken down (${e.unplannedOffline} others), ${e.online} online`);
  out.push(`event loop delay: p50 ${ms(r.loopDelay.p50)} ms, p99 ${ms(r.loopDelay.p99)} ms, max ${ms(r.loopDelay.max)} ms (steady window); machine load average ${r.load.before.toFixed(1)} → ${r.load.after.toFixed(1)}`);
  out.push(`bells:            a child process of their own (not counted above) used ${pct(r.fleetCores)} of a core; ${r.fleetDisconnects} unplanned disconnects`);
  out.push(`setup:            provisioning ${(r.setupMs.provision / 1000).toFixed(1)} s, connecting ${(r.setupMs.connect / 1000).toFixed(1)} s, warm-up (all online, one more beat) ${(r.setupMs.warmup / 1000).toFixed(1)} s`);
  out.push(
    onMosquitto
      ? `broker:           an own Mosquitto with the files guardbell devices mosquitto-acl wrote (a passwd entry and ACL per bell, each bell logged in as itself), Guardbell's gateway on its own listener; Mosquitto's CPU and RSS read from /proc over the same windows`
      : b
      ? `baseline:         the broker alone in a process of its own: aedes with the same device-auth hooks, one plain subscriber on {root}/# at QoS 1 logged in as the gateway (counting only), the same fleet (${b.connections} connections, ${b.sentPerSec.toFixed(0)} heartbeats/s sent); the difference is what decoding, supervision, the store and the hub cost`
      : 'baseline:         not measured',
  );
  out.push('');
  const worst = r.silent.toOffline.max;
  const willMax = r.dropped.toOffline.max;
  out.push(
    `verdict: ${r.silent.missing.length === 0 ? 'every silent bell' : `${r.silent.sample - r.silent.missing.length} of ${r.silent.sample} silent bells`} marked offline within ${(worst / 1000).toFixed(2)} s of its deadline ` +
      `(p99 ${(r.silent.toOffline.p99 / 1000).toFixed(2)} s, sweep every ${r.sweepMs} ms); ${r.falseOffline.events + e.unplannedOffline === 0 ? 0 : Math.max(r.falseOffline.bells.length, e.unplannedOffline)} false offlines; ` +
      `${r.dropped.missing.length === 0 ? 'every' : `${r.dropped.sample - r.dropped.missing.length} of ${r.dropped.sample}`} dropped connection offline within ${ms(willMax)} ms` +
      (supervisionOk(r) ? '' : ' — NOT ALL AS EXPECTED'),
  );
  return out.join('\n');
}
