import { Counter, Gauge, type Registry } from 'prom-client';
import { RFLINK_PROBLEMS } from './rflink-line.ts';

/** Why a line (or a frame) said nothing to act on: counted, never an emergency. */
export const RFLINK_IGNORED = ['startup', 'debug', 'reply', 'not_a_device', 'not_a_press', 'unknown_cmd', 'unknown_device', 'repeat'] as const;
export type RflinkIgnored = (typeof RFLINK_IGNORED)[number];

/**
 * RFLink-only metrics beside the gateway's (which counts refused lines as reason="serial_frame" and presses
 * of devices nobody provisioned as reason="unknown_bell", transport="rflink"), with bounded labels: a port is
 * a configured path, a detail one of a fixed list.
 */
export interface RflinkMetrics {
  rejected: Counter<'port' | 'detail'>;
  ignored: Counter<'port' | 'detail'>;
  connected: Gauge<'port'>;
  openFailures: Counter<'port'>;
}

export function rflinkMetrics(registry: Registry): RflinkMetrics {
  const registers = [registry];
  return {
    rejected: new Counter({
      name: 'guardbell_rflink_lines_rejected_total',
      help: `RFLink lines refused, by port and detail (${RFLINK_PROBLEMS.join(', ')}).`,
      labelNames: ['port', 'detail'],
      registers,
    }),
    ignored: new Counter({
      name: 'guardbell_rflink_lines_ignored_total',
      help: `RFLink lines that say nothing to act on, by port and detail (${RFLINK_IGNORED.join(', ')}).`,
      labelNames: ['port', 'detail'],
      registers,
    }),
    connected: new Gauge({ name: 'guardbell_rflink_port_connected', help: '1 while the RFLink receiver port is open, 0 while it is being retried.', labelNames: ['port'], registers }),
    openFailures: new Counter({ name: 'guardbell_rflink_port_open_failures_total', help: 'Failed attempts to (re)open an RFLink receiver port.', labelNames: ['port'], registers }),
  };
}
