/**
 * Log lines for a person at a terminal: `06:42:48 WARN  Twilio is not configured… (bellId=B-0101)` instead of
 * pino's JSON. Log collectors keep JSON: it is chosen when stdout is not a terminal, or by LOG_FORMAT=json.
 */
import pino, { type DestinationStream, type Logger } from 'pino';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'msg', 'app', 'pid', 'hostname']);

/** One JSON log record as one readable line; anything unreadable is passed on as it came. */
export function readableLine(json: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = new Date(typeof record.time === 'number' ? record.time : Date.now()).toTimeString().slice(0, 8);
  const level = LEVELS[Number(record.level)] ?? String(record.level);
  const fields = Object.entries(record)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return `${time} ${level} ${String(record.msg ?? '')}${fields.length ? ` (${fields.join(', ')})` : ''}\n`;
}

export function readableDestination(out: { write(s: string): unknown }): DestinationStream {
  return { write: (line: string) => void out.write(readableLine(line)) };
}

export function startLogger(level: string, format: string | undefined, out: NodeJS.WriteStream = process.stdout): Logger {
  const readable = format === 'text' || (format !== 'json' && out.isTTY === true);
  const options = { level, base: { app: 'guardbell' } };
  return readable ? pino(options, readableDestination(out)) : pino(options);
}
