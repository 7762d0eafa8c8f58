export * from './database.ts';
export * from './incident-records.ts';
export * from './incident-store.ts';
export * from './directory-store.ts';
export * as schema from './schema.ts';
export * from './escalation-store.ts';
export { isStoreAway } from './store-errors.ts';
export { RetryWhileAway } from './retry-while-away.ts';
