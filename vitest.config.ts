import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The short chaos runs first, then the other chaos files. Vitest orders a run without its cache (a clean clone, CI)
 * by file size, and these small files run real processes for two minutes each: started last, they were the run's
 * last two minutes on their own.
 */
class ChaosFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rank = (f: TestSpecification) => (/[\\/]test[\\/]chaos[\\/]faults-short/.test(f.moduleId) ? 0 : /[\\/]test[\\/]chaos[\\/]/.test(f.moduleId) ? 1 : 2);
    return [0, 1, 2].flatMap((r) => sorted.filter((f) => rank(f) === r));
  }
}

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'console-ui/dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll's own default (1 s) is a race with a loaded machine: a browser repaint after a click can take longer.
    expect: { poll: { timeout: 10_000 } },
    // Integration tests share the machine's PostgreSQL and Mosquitto; files isolate by database and topic root.
    fileParallelism: true,
    // One worker per core, two at least (most files wait on processes, brokers and browsers) and four at most (the
    // timing tests' margins assume a machine that is not oversubscribed).
    maxWorkers: Math.min(4, Math.max(2, availableParallelism())),
    reporters: ['default', './test/support/summary-reporter.ts'],
    sequence: { sequencer: ChaosFirst },
  },
});
