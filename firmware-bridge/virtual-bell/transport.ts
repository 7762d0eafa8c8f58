/**
 * How a virtual bell reaches the gateway. The bell's behaviour (seq kept across runs, retransmit every 2 s
 * until `received`, ack states) lives once in VirtualBell; a transport only moves its messages: native MQTT
 * (PROTOCOL.md §1) or a native serial line (§2).
 */
import type { BellEvent, Heartbeat } from '../protocol/index.ts';
import type { BellAck } from './ack-book.ts';

export interface TransportHandlers {
  ack(ack: BellAck): void;
  /** Something arrived for this bell that is not a valid ack. */
  invalid(where: string, detail: string): void;
  connect(): void;
  offline(): void;
}

export interface BellTransport {
  readonly connected: boolean;
  /** Connects; rejects with a phrase that follows "bell {id} …", e.g. "could not reach the MQTT broker at … (…)". */
  start(handlers: TransportHandlers): Promise<void>;
  /** The exact text put on the wire for this event: every copy of it is identical. */
  encode(event: BellEvent): string;
  /** Sends one copy. A lost copy needs no handling: the next one follows in `retransmitMs`. */
  send(payload: string): void;
  /** `nextSeq` allocates a seq for transports whose heartbeat carries one (serial frames do). */
  heartbeat(body: Heartbeat, nextSeq: () => Promise<number>): Promise<void>;
  /** Tells the gateway the bell is (or is no longer) online, where the transport can say so. */
  setOnline(online: boolean): Promise<void>;
  stop(opts: { graceful: boolean; announceOffline: boolean }): Promise<void>;
}
