/**
 * What a bell event does to incidents (PROTOCOL.md §1 "Press semantics"), decided without I/O.
 */
import type { BellEventType } from '../../firmware-bridge/protocol/index.ts';
import { isActive, type IncidentState } from './incident.ts';

export type BellEventDecision =
  | { kind: 'open'; violence: boolean }
  | { kind: 'join'; longPress: boolean }
  | { kind: 'cancel' }
  /** A cancel that arrived after a later event of the bell (a late copy): kept on the incident as a note only. */
  | { kind: 'late_cancel' }
  | { kind: 'record_only'; why: 'test' | 'trouble' | 'cancel_without_incident' };

/**
 * `late`: the event is a late copy (api/domain/bell-sequence.ts), pressed before an event already taken. A
 * cancel pressed before a later press must not silence it: it never cancels.
 */
export function decideBellEvent(type: BellEventType, open: IncidentState | null, opts: { late?: boolean } = {}): BellEventDecision {
  const hasOpen = open !== null && isActive(open.status);
  switch (type) {
    case 'press':
    case 'long_press':
      return hasOpen ? { kind: 'join', longPress: type === 'long_press' } : { kind: 'open', violence: type === 'long_press' };
    case 'cancel':
      if (!hasOpen) return { kind: 'record_only', why: 'cancel_without_incident' };
      return opts.late ? { kind: 'late_cancel' } : { kind: 'cancel' };
    case 'test':
      // A test press is never a live incident.
      return { kind: 'record_only', why: 'test' };
    case 'tamper':
    case 'low_battery':
      return { kind: 'record_only', why: 'trouble' };
    default: {
      const unreachable: never = type;
      throw new Error(`unknown event type ${String(unreachable)}`);
    }
  }
}
