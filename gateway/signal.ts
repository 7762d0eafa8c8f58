/**
 * One type for everything a bell can say, whatever it came through (STYLE.md: one BellSource, one BellSignal).
 */
import type { Ack, BellEventType, RejectReason } from '../firmware-bridge/protocol/index.ts';

export type Transport = 'mqtt' | 'serial' | 'sia-dc09' | 'console' | 'drill' | 'zigbee2mqtt' | 'shelly' | 'tasmota' | 'rflink';

interface SignalBase {
  bellId: string;
  /** Gateway receive time: incidents are ordered by it, never by the bell's clock. */
  receivedAt: Date;
  transport: Transport;
}

export interface BellEventSignal extends SignalBase {
  kind: 'event';
  seq: number;
  type: BellEventType;
  at?: string | undefined;
  battery?: number | undefined;
  rssi?: number | undefined;
  fw?: string | undefined;
  mac?: string | undefined;
  /** The bell's boot counter (PROTOCOL.md §1, added): a higher one starts a new run of `seq`. */
  boot?: number | undefined;
  /** Answers this event on the transport it came through. */
  reply(ack: Ack): void;
}

export interface BellHeartbeatSignal extends SignalBase {
  kind: 'heartbeat';
  battery?: number | undefined;
  rssi?: number | undefined;
  fw?: string | undefined;
  uptime?: number | undefined;
}

export interface BellStatusSignal extends SignalBase {
  kind: 'status';
  online: boolean;
}

export type BellSignal = BellEventSignal | BellHeartbeatSignal | BellStatusSignal;

export interface Rejection {
  reason: RejectReason;
  detail: string;
  transport: Transport;
  bellId?: string | undefined;
  topic?: string | undefined;
  at: Date;
}

/** A source of bell signals: native MQTT now; serial, Zigbee2MQTT, SIA DC-09… behind the same interface. */
export interface BellSource {
  readonly name: string;
  start(handlers: { signal(s: BellSignal): void; rejected(r: Rejection): void }): Promise<void>;
  stop(): Promise<void>;
  /** Sends an ack to a bell outside of a reply (states that follow a person's action). */
  sendAck(bellId: string, ack: Ack): void;
  readonly connected: boolean;
}
