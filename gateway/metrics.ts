import { Counter, type Registry } from 'prom-client';

export interface GatewayMetrics {
  received: Counter<'transport' | 'kind'>;
  rejected: Counter<'reason' | 'transport'>;
}

export function gatewayMetrics(registry: Registry): GatewayMetrics {
  return {
    received: new Counter({
      name: 'guardbell_bell_messages_received_total',
      help: 'Bell messages accepted by the gateway, by transport and kind (event, heartbeat, status).',
      labelNames: ['transport', 'kind'],
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'guardbell_bell_messages_rejected_total',
      help: 'Bell messages refused, by reason.',
      labelNames: ['reason', 'transport'],
      registers: [registry],
    }),
  };
}
