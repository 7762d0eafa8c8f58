/**
 * The ports of the notifiers: the escalation engine hands an OutboundMessage to a MessageSender and
 * records the outcome on the notification row. Adapters: Twilio SMS and voice, the police webhook.
 */
import type { Mode } from '../contract/index.ts';

export type SendChannel = 'sms' | 'voice' | 'webhook';

export interface OutboundMessage {
  /** Our notification id: callback URLs carry it so status updates find their row. */
  notificationId: string;
  channel: SendChannel;
  /** E.164 number for sms/voice; https URL for webhook. */
  to: string;
  language: 'ko' | 'en';
  /** SMS body, or the words a call speaks. Already marked [훈련/DRILL] for drills. */
  text: string;
  mode: Mode;
  isPolice: boolean;
  /** Voice: gather one key; 1 acknowledges the incident. */
  gatherAck: boolean;
  /** Webhook: the JSON document to post (signed). */
  payload?: Record<string, unknown>;
}

export type SendOutcome =
  | { ok: true; providerId: string; status: 'queued' | 'sent' | 'delivered' }
  | {
      ok: false;
      retryable: boolean;
      error: string;
      /** The request went out and no answer came (a timeout, a reset): the provider may have taken it. */
      uncertain?: boolean;
    };

export interface MessageSender {
  readonly channels: readonly SendChannel[];
  send(message: OutboundMessage): Promise<SendOutcome>;
  /** Releases what the sender holds (a thread): called once, when the system stops. */
  close?(): Promise<void>;
}

/** Statuses a notification goes through, as shown on the timeline and the console. */
export const NOTIFICATION_STATUSES = [
  'queued', 'not_configured', 'sending', 'sent', 'delivered', 'answered', 'acknowledged', 'failed', 'no_answer', 'busy', 'cancelled',
] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** Facts about an incident that every message names (DESIGN.md: office, address, floor, counter, what, when, call-back). */
export interface AlarmFacts {
  incidentId: string;
  mode: Mode;
  siteName: string;
  address: string;
  floor: string | null;
  counterName: string;
  violence: boolean;
  openedAt: Date;
  timezone: string;
  callbackNumber: string | null;
  /** Which step of the escalation sent it, e.g. `unacknowledged_30s`. */
  stepKind: string;
}
