export * from './incident.ts';
export * from './bell-event-policy.ts';
export * from './escalation.ts';
export * from './confirmation.ts';
