import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

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
  },
});
