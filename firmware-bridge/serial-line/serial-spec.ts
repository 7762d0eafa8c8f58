export const DEFAULT_BAUD_RATE = 115200;

export interface SerialSpec {
  path: string;
  baudRate: number;
}

/** `PATH[@baud]`, as SERIAL_PORTS spells a port (PROTOCOL.md §5); `defaultBaud` (115200) when no baud is given. */
export function parseSerialSpec(text: string, defaultBaud = DEFAULT_BAUD_RATE): SerialSpec {
  const at = text.lastIndexOf('@');
  const path = at < 0 ? text : text.slice(0, at);
  const baudText = at < 0 ? undefined : text.slice(at + 1);
  if (path === '') throw new Error(`"${text}" names no serial port (expected PATH[@baud])`);
  if (baudText === undefined) return { path, baudRate: defaultBaud };
  const baudRate = Number(baudText);
  if (!/^\d+$/.test(baudText) || baudRate <= 0) throw new Error(`"${text}": baud rate "${baudText}" is not a positive integer (expected PATH[@baud])`);
  return { path, baudRate };
}
