/**
 * Runs the retention job in the server once a day (first an hour after start, away from the start's own work, or
 * sooner when it runs more often), then `after` (the embedded database's vacuum) whether or not the job succeeded.
 */
import type { Logger } from 'pino';
import type { Db } from '../store/index.ts';
import type { RetentionPolicy } from './policy.ts';
import { runRetention } from './retention-job.ts';

const DAY_MS = 86_400_000;

export function startRetentionTimer(deps: {
  db: Db; policy: RetentionPolicy; logger: Pick<Logger, 'info' | 'error'>; firstAfterMs?: number; everyMs?: number;
  after?: { name: string; run: () => Promise<unknown> };
}): { stop(): void } {
  const every = deps.everyMs ?? DAY_MS;
  let timer: NodeJS.Timeout;
  const run = () => {
    void runRetention(deps.db, deps.policy)
      .then(
        (report) => deps.logger.info({ report }, 'retention job done'),
        (err: unknown) => deps.logger.error({ err }, 'retention job failed; it runs again at the next period'),
      )
      .then(() => deps.after?.run())
      .then(
        (result) => deps.after && deps.logger.info({ result }, `${deps.after.name} done`),
        (err: unknown) => deps.logger.error({ err }, `${deps.after?.name ?? 'after retention'} failed; it runs again at the next period`),
      );
    timer = setTimeout(run, every).unref();
  };
  timer = setTimeout(run, deps.firstAfterMs ?? Math.min(3_600_000, every)).unref();
  return { stop: () => clearTimeout(timer) };
}
