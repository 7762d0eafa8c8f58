export * from './engine.ts';
export * from './outbox.ts';
export * from './recipients.ts';
export * from '../notify/twilio/routes.ts';
export * from './first-alert.ts';
export * from './roster-cache.ts';
export * from './clock.ts';
