export * from './policy.ts';
export * from './retention-job.ts';
export * from './retention-timer.ts';
