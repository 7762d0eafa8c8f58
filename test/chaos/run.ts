/** Runs a list of faults on the rigs they need (one Guardbell process, or two for a takeover) and gathers the results. */
import { FAULTS } from './faults.ts';
import { runFault, formatResult, type FaultResult, type PhaseTiming } from './measure.ts';
import { Rig } from './rig.ts';

export interface ChaosOptions {
  bells: number;
  perSecond: number;
  faults: string[];
  /** How long each fault lasts, by name (default `defaultHoldMs`). */
  holdMs: Record<string, number>;
  defaultHoldMs: number;
  settleMs: number;
  afterMs: number;
  drainMs: number;
  log: (line: string) => void;
  logFile?: string | undefined;
}

/** The hold times the issue names; the others are long enough for every bell to notice. */
export const FULL_HOLD_MS: Record<string, number> = {
  'broker-kill': 5_000,
  'db-cut': 30_000,
  'db-slow': 20_000,
  'guardbell-kill': 5_000,
  'guardbell-stop': 20_000,
  'guardbell-kill-two': 20_000,
  'db-pool': 20_000,
  'sms-500': 20_000,
  'sms-slow': 20_000,
  'sms-timeout': 30_000,
  'sms-down': 20_000,
  'embedded-kill': 5_000,
  'disk-full': 30_000,
  'broker-kill+db-cut': 30_000,
  'guardbell-kill+sms-500': 10_000,
  restore: 5_000,
};

export async function runChaos(opts: ChaosOptions): Promise<FaultResult[]> {
  const unknown = opts.faults.filter((f) => !FAULTS[f]);
  if (unknown.length > 0) throw new Error(`unknown fault(s) ${unknown.join(', ')}; known: ${Object.keys(FAULTS).join(', ')}`);
  const results: FaultResult[] = [];
  const rigs = [
    { processes: 1, backend: 'postgres' },
    { processes: 2, backend: 'postgres' },
    { processes: 1, backend: 'embedded' },
  ] as const;
  for (const { processes, backend } of rigs) {
    const names = opts.faults.filter((f) => (FAULTS[f]!.needsTwo ? 2 : 1) === processes && (FAULTS[f]!.backend ?? 'postgres') === backend);
    if (names.length === 0) continue;
    opts.log(backend === 'embedded'
      ? `starting: 1 Guardbell process on its embedded database and broker (DATA_DIR on a tmpfs), ${opts.bells} bells`
      : `starting: ${processes} Guardbell process(es) on PostgreSQL behind a proxy, Mosquitto, ${opts.bells} bells`);
    const rig = await Rig.start({ bells: opts.bells, processes, backend, log: opts.log, logFile: opts.logFile && `${opts.logFile}.${backend}-${processes}` });
    try {
      for (const name of names) {
        const timing: PhaseTiming = {
          settleMs: opts.settleMs,
          holdMs: opts.holdMs[name] ?? opts.defaultHoldMs,
          afterMs: opts.afterMs,
          drainMs: opts.drainMs,
          perSecond: opts.perSecond,
        };
        const result = await runFault(rig, FAULTS[name]!, timing);
        opts.log(formatResult(result));
        results.push(result);
      }
    } finally {
      await rig.close();
    }
  }
  return results;
}
