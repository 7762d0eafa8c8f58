import { Counter, Gauge, type Registry } from 'prom-client';
import type { SerialFrameProblem } from './frames.ts';

/**
 * Serial-only metrics, beside the gateway's: its `guardbell_bell_messages_rejected_total` counts these
 * frames as reason="serial_frame"; these say which framing problem and on which port, with bounded labels
 * (a port is a configured path, a detail one of four words), so a noisy line is found without reading logs.
 */
export interface SerialMetrics {
  rejected: Counter<'port' | 'detail'>;
  connected: Gauge<'port'>;
  openFailures: Counter<'port'>;
}

export function serialMetrics(registry: Registry): SerialMetrics {
  const registers = [registry];
  return {
    rejected: new Counter({
      name: 'guardbell_serial_frames_rejected_total',
      help: 'Serial frames or runs of line noise refused, by port and detail (no_frame, frame_too_long, bad_crc, bad_field).',
      labelNames: ['port', 'detail'],
      registers,
    }),
    connected: new Gauge({ name: 'guardbell_serial_port_connected', help: '1 while the serial port is open, 0 while it is being retried.', labelNames: ['port'], registers }),
    openFailures: new Counter({ name: 'guardbell_serial_port_open_failures_total', help: 'Failed attempts to (re)open a serial port.', labelNames: ['port'], registers }),
  };
}

/** Every detail the decoder and the splitter give, so the counters exist at 0 from the start. */
export const SERIAL_FRAME_PROBLEMS: readonly SerialFrameProblem[] = ['no_frame', 'frame_too_long', 'bad_crc', 'bad_field'];
