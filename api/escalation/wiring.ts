import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Config } from '../config.ts';
import { TwilioSenderThread } from '../notify/twilio/sender-thread.ts';
import { PoliceWebhookSender } from '../notify/webhook-sender.ts';
import type { MessageSender, SendChannel } from '../notify/types.ts';

/** The senders this configuration has; a channel without one keeps its notifications as not configured. */
export function sendersFor(config: Config, logger: Logger, publicUrl: string): Partial<Record<SendChannel, MessageSender>> {
  const senders: Partial<Record<SendChannel, MessageSender>> = {};
  if (config.twilio) {
    const twilio = new TwilioSenderThread({ ...config.twilio, apiBase: config.twilio.apiBase, publicUrl }, (why) =>
      logger.error({ why }, 'the Twilio sender\'s thread ended; its sends in flight are retried, and the next send starts a new thread'));
    senders.sms = twilio;
    senders.voice = twilio;
  } else {
    logger.warn('Twilio is not configured: SMS and calls stay in the outbox, shown as not delivered');
  }
  if (config.policeWebhookSecret) senders.webhook = new PoliceWebhookSender({ secret: config.policeWebhookSecret, allowInsecure: config.policeWebhookAllowHttp });
  return senders;
}

/** Stops each sender once (SMS and calls share one). */
export async function closeSenders(senders: Partial<Record<SendChannel, MessageSender>>): Promise<void> {
  await Promise.all([...new Set(Object.values(senders))].map((s) => s.close?.()));
}

export function escalationMetricsFor(registry: Registry) {
  const registers = [registry];
  return {
    lateness: new Histogram({
      name: 'guardbell_escalation_step_lateness_seconds',
      help: 'How late escalation steps fired against their due time.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers,
    }),
    sent: new Counter({ name: 'guardbell_notifications_sent_total', help: 'Send attempts by channel and result.', labelNames: ['channel', 'status'], registers }),
    webhookRefused: new Counter({ name: 'guardbell_webhooks_refused_total', help: 'Webhooks refused, by reason.', labelNames: ['reason'], registers }),
  };
}
