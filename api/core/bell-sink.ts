/**
 * What the gateway hands on (gateway/gateway.ts `BellSignalSink`), split by job: bell events to intake, the
 * bell's health and security rejections to the supervisor.
 */
import type { BellSignalSink } from '../../gateway/index.ts';
import type { BellIntake } from './bell-intake.ts';
import type { BellSupervisor } from './bell-supervisor.ts';

export function bellSink(intake: Pick<BellIntake, 'onEvent'>, supervisor: Pick<BellSupervisor, 'onHeartbeat' | 'onStatus' | 'onRejected'>): BellSignalSink {
  return {
    onEvent: (s, bell) => intake.onEvent(s, bell),
    onHeartbeat: (s) => supervisor.onHeartbeat(s),
    onStatus: (s) => supervisor.onStatus(s),
    onRejected: (r, bell) => supervisor.onRejected(r, bell),
  };
}
