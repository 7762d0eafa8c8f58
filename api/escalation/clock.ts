// The clock port moved to api/clock (the whole process keeps one clock); the escalation's imports still work.
export * from '../clock/clock.ts';
