/**
 * The I/O board's line protocol (README.md beside this file), as pure functions: lines in, typed messages
 * out, and the lamp commands back. Tolerant where it costs nothing (case, extra blanks), strict on numbers,
 * so a half-received line is never mistaken for a command.
 */
export const MAX_CHANNEL = 64;
export const LAMP_STATES = ['OFF', 'ON', 'BLINK', 'FAST'] as const;
export type Lamp = (typeof LAMP_STATES)[number];

export type BoardMessage =
  | { kind: 'input'; channel: number; closed: boolean }
  | { kind: 'heartbeat' }
  | { kind: 'garbage'; reason: string };

/** One line from the board, without its line ending. */
export function parseBoardLine(line: string): BoardMessage {
  const words = line.trim().split(/[ \t]+/);
  const [word = '', ...args] = words;
  switch (word.toUpperCase()) {
    case 'HB':
      return args.length === 0 ? { kind: 'heartbeat' } : { kind: 'garbage', reason: 'HB takes no arguments' };
    case 'IN': {
      const [channelText = '', stateText = ''] = args;
      if (args.length !== 2) return { kind: 'garbage', reason: 'IN needs a channel and 0 or 1' };
      if (!/^\d{1,2}$/.test(channelText) || Number(channelText) < 1 || Number(channelText) > MAX_CHANNEL) {
        return { kind: 'garbage', reason: `channel "${channelText}" is not 1-${MAX_CHANNEL}` };
      }
      if (stateText !== '0' && stateText !== '1') return { kind: 'garbage', reason: `contact state "${stateText}" is not 0 or 1` };
      return { kind: 'input', channel: Number(channelText), closed: stateText === '1' };
    }
    default:
      return { kind: 'garbage', reason: 'not IN or HB' };
  }
}

export function formatLamp(channel: number, lamp: Lamp): string {
  return `LAMP ${channel} ${lamp}\r\n`;
}

/** Printable ASCII as is, the rest as \xNN, bounded: a garbage line quoted in a log stays one short line. */
export function excerpt(line: string, max = 40): string {
  let s = '';
  for (const ch of line.slice(0, max)) {
    const c = ch.charCodeAt(0);
    s += c >= 0x20 && c < 0x7f && ch !== '\\' ? ch : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return line.length > max ? `${s}…` : s;
}
