/**
 * `npm run chaos`: breaks the broker, the database, the processes and the SMS provider while a fleet of virtual
 * bells presses, and counts every press. Prints one line per fault, writes the figures as JSON, exits 1 on any loss.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FAULTS } from './faults.ts';
import { FULL_HOLD_MS, runChaos } from './run.ts';

const USAGE = `usage: npm run chaos -- [--bells N] [--rate PER_S] [--faults a,b,…] [--short] [--out FILE]
  faults: ${Object.keys(FAULTS).join(', ')}
  --short  every fault held 3 s (the full run holds them as the issue says: the database cut 30 s, SIGSTOP 20 s, …)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      bells: { type: 'string', default: '1000' },
      rate: { type: 'string', default: '10' },
      faults: { type: 'string', default: Object.keys(FAULTS).join(',') },
      short: { type: 'boolean', default: false },
      out: { type: 'string', default: 'chaos-report.json' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const results = await runChaos({
    bells: Number(values.bells),
    perSecond: Number(values.rate),
    faults: values.faults.split(',').filter(Boolean),
    holdMs: values.short ? {} : FULL_HOLD_MS,
    defaultHoldMs: 3_000,
    settleMs: 3_000,
    afterMs: 5_000,
    drainMs: 90_000,
    log: (line) => console.log(line),
    logFile: `${values.out}.log`,
  });
  writeFileSync(values.out, JSON.stringify({ at: new Date().toISOString(), bells: Number(values.bells), rate: Number(values.rate), results }, null, 2));
  const lost = results.filter((r) => r.lost);
  console.log(`${results.length} fault(s), ${lost.length} with a loss; figures in ${values.out}`);
  return lost.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
