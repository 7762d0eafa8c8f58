export * from './clock.ts';
export * from './slew.ts';
export * from './steady-clock.ts';
export * from './process-clock.ts';
