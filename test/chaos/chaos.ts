/**
 * `npm run chaos`: breaks the broker, the database, the processes and the SMS provider while a fleet of virtual
 * bells presses, and counts every press. Prints one line per fault, writes the figures as JSON, exits 1 on any loss.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FAULTS } from './faults.ts';
import { FULL_HOLD_MS, runChaos } from './run.ts';
import { parseDuration, warmupFor } from './slope.ts';
import { formatSoak, runSoak } from './soak.ts';

const USAGE = `usage: npm run chaos -- [--bells N] [--rate PER_S (10)] [--faults a,b,…] [--short] [--out FILE]
       npm run chaos -- --soak DURATION [--bells N] [--rate PER_S (2)] [--processes 1|2] [--embedded] [--out FILE]
  faults: ${Object.keys(FAULTS).join(', ')}
  --short  every fault held 3 s (the full run holds them as the issue says: the database cut 30 s, SIGSTOP 20 s, …)
  --soak   no fault: presses, heartbeats and closed incidents for DURATION (30m, 1h, …), then the slopes of each
           process's RSS, heap, open descriptors and the database connections after a warm-up; exit 1 on a loss or
           a leak (see test/chaos/slope.ts for the thresholds)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      bells: { type: 'string', default: '1000' },
      rate: { type: 'string' },
      faults: { type: 'string', default: Object.keys(FAULTS).join(',') },
      short: { type: 'boolean', default: false },
      out: { type: 'string', default: 'chaos-report.json' },
      soak: { type: 'string' },
      processes: { type: 'string', default: '2' },
      embedded: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.soak) return soak(values.soak, values);
  const results = await runChaos({
    bells: Number(values.bells),
    perSecond: Number(values.rate ?? 10),
    faults: values.faults.split(',').filter(Boolean),
    holdMs: values.short ? {} : FULL_HOLD_MS,
    defaultHoldMs: 3_000,
    settleMs: 3_000,
    afterMs: 5_000,
    drainMs: 90_000,
    log: (line) => console.log(line),
    logFile: `${values.out}.log`,
  });
  writeFileSync(values.out, JSON.stringify({ at: new Date().toISOString(), bells: Number(values.bells), rate: Number(values.rate ?? 10), results }, null, 2));
  const lost = results.filter((r) => r.lost);
  console.log(`${results.length} fault(s), ${lost.length} with a loss; figures in ${values.out}`);
  return lost.length > 0 ? 1 : 0;
}

async function soak(duration: string, values: { bells: string; rate?: string | undefined; processes: string; embedded: boolean; out: string }): Promise<number> {
  const durationMs = parseDuration(duration);
  // Every press opens an escalation with SMS and calls to several people: 10 a second (the fault runs' rate) keeps
  // the outbox and the provider's callbacks at the machine's limit, which is a load test, not a soak.
  const rate = Number(values.rate ?? 2);
  const report = await runSoak({
    durationMs,
    warmupMs: warmupFor(durationMs),
    sampleEveryMs: 10_000,
    bells: Number(values.bells),
    perSecond: rate,
    processes: values.embedded || values.processes === '1' ? 1 : 2,
    backend: values.embedded ? 'embedded' : 'postgres',
    heartbeatSeconds: 10,
    closeEveryMs: 15_000,
    retentionIntervalSeconds: 60,
    drainMs: 90_000,
    log: (line) => console.log(line),
    logFile: `${values.out}.log`,
  });
  for (const line of formatSoak(report)) console.log(line);
  writeFileSync(values.out, JSON.stringify({ at: new Date().toISOString(), bells: Number(values.bells), rate, soak: report }, null, 2));
  console.log(`figures in ${values.out}`);
  return report.failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
