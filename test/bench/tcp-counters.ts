/**
 * The kernel's count of handshakes dropped because a listening socket's accept queue was full (Linux
 * `TcpExtListenOverflows`; one connection can count several times). Machine-wide: read around a storm on an
 * otherwise quiet machine. A dropped handshake is retried by the kernel after 1, 2, 4, 8, 16 s…, which is where a
 * storm's seconds-long stragglers come from.
 */
import { readFileSync } from 'node:fs';

/** ListenOverflows from the text of /proc/net/netstat (pairs of lines: names, then values), or null. */
export function parseListenOverflows(netstat: string): number | null {
  const lines = netstat.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const names = lines[i]!.trim().split(/\s+/);
    const values = lines[i + 1]!.trim().split(/\s+/);
    if (names[0] !== 'TcpExt:' || values[0] !== 'TcpExt:') continue;
    const k = names.indexOf('ListenOverflows');
    const n = k > 0 ? Number(values[k]) : NaN;
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** The counter now, or null where the kernel does not publish it (not Linux). */
export function listenOverflows(): number | null {
  try {
    return parseListenOverflows(readFileSync('/proc/net/netstat', 'utf8'));
  } catch {
    return null;
  }
}
