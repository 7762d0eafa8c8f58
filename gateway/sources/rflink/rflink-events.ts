/**
 * What a device frame means for a provisioned bell (DEVICES.md §6: "RFLink `CMD=ON` from a configured ID →
 * panic. `BAT=LOW` → battery_low"), in the native protocol's event types. Pure.
 *
 * 433 MHz panic buttons, PIRs, door contacts and doorbells send identical frames (DEVICES.md §5.1): the
 * device is a bell because somebody provisioned its NAME/ID/SWITCH as one, so only the command is judged here.
 */
import type { BellEventType } from '../../../firmware-bridge/protocol/index.ts';
import type { RflinkFrame } from './rflink-line.ts';

/** Commands that are a press. `ALLON` is what group buttons of some remotes send. */
export const RFLINK_PRESS_COMMANDS: ReadonlySet<string> = new Set(['ON', 'ALLON']);
/** The release half of switch-style remotes: counted, never an alarm. */
const RELEASE_COMMANDS: ReadonlySet<string> = new Set(['OFF', 'ALLOFF']);

export interface RflinkEvent {
  type: BellEventType;
  /** What makes a copy of this transmission the same event (the counter `CC` is not part of it). */
  dedupeKey: string;
}

export interface RflinkMeaning {
  events: RflinkEvent[];
  /** Set when the frame carries a command that is not a press: `OFF`/`ALLOFF`, or one we do not know (`UP`, `PAIR`…). */
  ignored?: 'not_a_press' | 'unknown_cmd' | undefined;
}

export function meaningOf(frame: RflinkFrame): RflinkMeaning {
  const events: RflinkEvent[] = [];
  let ignored: RflinkMeaning['ignored'];
  if (frame.cmd !== undefined) {
    if (RFLINK_PRESS_COMMANDS.has(frame.cmd)) events.push({ type: 'press', dedupeKey: `${frame.deviceId}|CMD=${frame.cmd}` });
    else ignored = RELEASE_COMMANDS.has(frame.cmd) ? 'not_a_press' : 'unknown_cmd';
  }
  if (frame.bat === 'LOW') events.push({ type: 'low_battery', dedupeKey: `${frame.deviceId}|BAT=LOW` });
  return { events, ignored };
}

/** The key of a whole frame for the repeat filter: Name;ID;SWITCH;CMD (and BAT) without the counter (DEVICES.md §5.1). */
export function frameKey(frame: RflinkFrame): string {
  return `${frame.deviceId}|${frame.cmd ?? ''}|${frame.bat ?? ''}`;
}
