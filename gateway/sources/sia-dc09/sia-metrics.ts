import { Counter, Gauge, type Registry } from 'prom-client';
import type { FrameProblem } from './frame.ts';

/** Why a DC-09 message was refused, beyond the framing: answered DUH (unknown code or account). */
export type SiaRefusal = FrameProblem | 'unknown_code' | 'unknown_account' | 'plaintext' | 'too_many_connections';

export const SIA_REFUSALS: readonly SiaRefusal[] = [
  'no_frame', 'frame_too_long', 'bad_crc', 'bad_length', 'bad_format', 'bad_timestamp', 'encrypted', 'unknown_code', 'unknown_account',
  'plaintext', 'too_many_connections',
];

/**
 * DC-09-only metrics beside the gateway's (which count these as reason invalid_field / unknown_type /
 * unknown_bell on transport sia-dc09), with bounded labels.
 */
export interface SiaMetrics {
  rejected: Counter<'detail'>;
  restores: Counter;
  connections: Gauge;
  unanswered: Counter;
}

export function siaMetrics(registry: Registry): SiaMetrics {
  const registers = [registry];
  return {
    rejected: new Counter({
      name: 'guardbell_sia_dc09_rejected_total',
      help: `SIA DC-09 messages refused (answered NAK or DUH), by detail (${SIA_REFUSALS.join(', ')}).`,
      labelNames: ['detail'],
      registers,
    }),
    restores: new Counter({ name: 'guardbell_sia_dc09_restores_total', help: 'Panel restores (Contact ID qualifier 3, SIA PH/HH/TR/YR): acknowledged, logged, open nothing.', registers }),
    connections: new Gauge({ name: 'guardbell_sia_dc09_connections', help: 'Open TCP connections from alarm panels.', registers }),
    unanswered: new Counter({ name: 'guardbell_sia_dc09_unanswered_total', help: 'Panel events not stored in time: no ACK sent, the panel retransmits.', registers }),
  };
}
