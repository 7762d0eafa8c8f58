/**
 * The confirmation rule (a bell's `confirm`: DEVICES.md, the bell record's `confirm.within`), decided without I/O.
 *
 * A first short press of a bell with the rule opens its incident unconfirmed (an accidental brush of the button
 * is common at a counter); a hold is confirmed at once. A later press confirms it when it is a hold, or comes
 * within `within` seconds of the previous press. Otherwise the incident stays open, unconfirmed, for the guards
 * to check: it is never cancelled for want of a second press, since it may be a real emergency whose second
 * press did not come (the person could not press again).
 */
import type { BellEventType } from '../../firmware-bridge/protocol/index.ts';
import type { TimelineDraft } from './incident.ts';

export interface ConfirmationRule {
  /** Seconds within which a second press confirms. */
  within: number;
}

/** Whether a press that opens an incident leaves it unconfirmed. */
export function opensUnconfirmed(rule: ConfirmationRule | null | undefined, type: BellEventType): boolean {
  return Boolean(rule) && type !== 'long_press';
}

/** The timeline entry that says a new incident waits for its confirming press, if it does. */
export function awaitingConfirmation(rule: ConfirmationRule | null | undefined, type: BellEventType, at: Date): TimelineDraft | null {
  return rule && opensUnconfirmed(rule, type) ? { kind: 'awaiting_confirmation', at, actorId: null, data: { within: rule.within } } : null;
}

export interface JoiningPress {
  type: BellEventType;
  seq: number;
  receivedAt: Date;
}

/**
 * The `confirmed` entry a press that joins an incident adds, or null. `previousPressAt` is the incident's
 * last press (or its opening). A bell whose rule was removed meanwhile: its next press confirms.
 */
export function confirmationBy(
  incident: { unconfirmed: boolean },
  rule: ConfirmationRule | null | undefined,
  previousPressAt: Date,
  press: JoiningPress,
): TimelineDraft | null {
  if (!incident.unconfirmed) return null;
  const afterMs = press.receivedAt.getTime() - previousPressAt.getTime();
  const withinMs = (rule?.within ?? 0) * 1000;
  const by = press.type === 'long_press' ? 'long_press' : !rule || afterMs <= withinMs ? 'second_press' : null;
  if (!by) return null;
  return { kind: 'confirmed', at: press.receivedAt, actorId: null, data: { by, seq: press.seq, afterMs } };
}
