/**
 * What a bell event does to incidents (PROTOCOL.md §1 "Press semantics"), decided without I/O.
 */
import type { BellEventType } from '../../firmware-bridge/protocol/index.ts';
import { isActive, type IncidentState } from './incident.ts';

export type BellEventDecision =
  | { kind: 'open'; violence: boolean }
  | { kind: 'join'; longPress: boolean }
  | { kind: 'cancel' }
  | { kind: 'record_only'; why: 'test' | 'trouble' | 'cancel_without_incident' };

export function decideBellEvent(type: BellEventType, open: IncidentState | null): BellEventDecision {
  const hasOpen = open !== null && isActive(open.status);
  switch (type) {
    case 'press':
    case 'long_press':
      return hasOpen ? { kind: 'join', longPress: type === 'long_press' } : { kind: 'open', violence: type === 'long_press' };
    case 'cancel':
      return hasOpen ? { kind: 'cancel' } : { kind: 'record_only', why: 'cancel_without_incident' };
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
