import type { Logger } from 'pino';
import type { GatewayMetrics } from './metrics.ts';
import type { BellEventSignal, BellHeartbeatSignal, BellSignal, BellSource, BellStatusSignal, Rejection } from './signal.ts';
import { AlertBursts } from './alert-bursts.ts';
import { isSecurityRejection, verifyEvent, type BellDirectory, type BellRecord } from './verify.ts';

/** What the gateway hands on: the alarm core implements it. Calls must not throw. */
export interface BellSignalSink {
  onEvent(s: BellEventSignal, bell: BellRecord): void;
  onHeartbeat(s: BellHeartbeatSignal, bell: BellRecord): void;
  onStatus(s: BellStatusSignal, bell: BellRecord): void;
  onRejected(r: Rejection, bell: BellRecord | undefined): void;
}

export interface GatewayDeps {
  sources: BellSource[];
  directory: BellDirectory;
  sink: BellSignalSink;
  metrics: GatewayMetrics;
  logger: Logger;
}

/** Decodes and verifies what every source hears, and hands valid signals to the sink. */
export class Gateway {
  private readonly bursts = new AlertBursts();

  constructor(private readonly deps: GatewayDeps) {}

  private readonly handlers = { signal: (s: BellSignal) => this.onSignal(s), rejected: (r: Rejection) => this.reject(r) };

  async start(): Promise<void> {
    for (const source of this.deps.sources) await source.start(this.handlers);
  }

  /** A source configured while running (a site's serial line provisioned): started and heard from now on. */
  async add(source: BellSource): Promise<void> {
    this.deps.sources.push(source);
    await source.start(this.handlers);
  }

  async stop(): Promise<void> {
    for (const source of this.deps.sources) await source.stop();
  }

  get connected(): boolean {
    return this.deps.sources.every((s) => s.connected);
  }

  /** Person-driven ack states go out on every source: the bell listens on the one it uses. */
  sendAck(bellId: string, ack: Parameters<BellSource['sendAck']>[1]): void {
    for (const source of this.deps.sources) source.sendAck(bellId, ack);
  }

  reject(r: Rejection): void {
    this.deps.metrics.rejected.inc({ reason: r.reason, transport: r.transport });
    this.deps.logger.warn({ reason: r.reason, detail: r.detail, bellId: r.bellId, topic: r.topic, transport: r.transport }, 'bell message rejected');
    // A security alert rings once per burst of the same rejection, not once per retransmitted copy.
    if (isSecurityRejection(r.reason) && r.bellId && !this.bursts.startsBurst(r.bellId, r.reason, r.at)) return;
    this.deps.sink.onRejected(r, r.bellId ? this.deps.directory.lookup(r.bellId) : undefined);
  }

  private onSignal(s: BellSignal): void {
    const bell = this.deps.directory.lookup(s.bellId);
    if (s.kind === 'event') {
      const problem = verifyEvent(s, bell);
      if (problem) return this.reject({ ...problem, transport: s.transport, bellId: s.bellId, at: s.receivedAt });
    } else if (!bell) {
      return this.reject({ reason: 'unknown_bell', detail: `bell ${s.bellId} is not provisioned`, transport: s.transport, bellId: s.bellId, at: s.receivedAt });
    } else if (bell.keyHex && s.transport === 'serial') {
      // A keyed bell is refused on a serial line altogether: its heartbeats there could fake its health.
      return this.reject({ reason: 'missing_mac', detail: `bell ${s.bellId} has a key and is refused on a serial line`, transport: s.transport, bellId: s.bellId, at: s.receivedAt });
    }
    this.deps.metrics.received.inc({ transport: s.transport, kind: s.kind });
    const known = bell as BellRecord;
    switch (s.kind) {
      case 'event':
        return this.deps.sink.onEvent(s, known);
      case 'heartbeat':
        return this.deps.sink.onHeartbeat(s, known);
      case 'status':
        return this.deps.sink.onStatus(s, known);
    }
  }
}
