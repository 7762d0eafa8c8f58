/**
 * What a bell's confirmation lamp shows, from what the bridge sent and what the gateway answered (the states
 * PROTOCOL.md §1 gives bell firmware): FAST while an event is not yet `received`, BLINK once received (stored,
 * nobody has taken it yet), ON once a person acknowledged (help is coming), OFF when the incident is cancelled,
 * closed, or nothing is going on. Pure state; the bridge owns the timers and the wire.
 */
import type { AckState } from '../protocol/index.ts';
import type { Lamp } from './board-protocol.ts';

export interface LampAck {
  seq: number;
  incident: string | undefined;
  state: AckState;
}

// Later states imply the earlier ones: a late `received` (answer to an old copy) never dims an acknowledged lamp.
const RANK: Record<AckState, number> = { received: 0, acknowledged: 1, cancelled: 2, closed: 3 };
const SHOWS: Record<AckState, Lamp> = { received: 'BLINK', acknowledged: 'ON', cancelled: 'OFF', closed: 'OFF' };

export class LampState {
  private readonly unanswered = new Set<number>();
  private incident: string | undefined;
  private state: AckState | undefined;
  /** Incidents already over: a late ack about one must not light the lamp again. */
  private readonly ended = new Set<string>();

  get lamp(): Lamp {
    if (this.unanswered.size > 0) return 'FAST';
    return this.state === undefined ? 'OFF' : SHOWS[this.state];
  }

  sent(seq: number): void {
    this.unanswered.add(seq);
  }

  /** The event will not be sent again (the bridge stopped waiting): it no longer keeps the lamp fast. */
  abandoned(seq: number): void {
    this.unanswered.delete(seq);
  }

  answered(ack: LampAck): void {
    this.unanswered.delete(ack.seq);
    // Serial-style acks without an incident stand for their own event.
    const incident = ack.incident ?? `seq:${ack.seq}`;
    if (this.ended.has(incident)) return;
    const final = RANK[ack.state] >= RANK.cancelled;
    if (final) {
      this.ended.add(incident);
      if (this.ended.size > 100) this.ended.delete(this.ended.values().next().value as string);
    }
    if (incident === this.incident) {
      if (this.state === undefined || RANK[ack.state] >= RANK[this.state]) this.state = ack.state;
      return;
    }
    // The end of an incident the lamp no longer shows (a newer one took it over) changes nothing.
    if (final) return;
    this.incident = incident;
    this.state = ack.state;
  }

  /** Nothing new for too long (a `closed` that never reached the bridge): the lamp goes dark. */
  expire(): void {
    if (this.incident !== undefined) this.ended.add(this.incident);
    this.incident = undefined;
    this.state = undefined;
  }
}
