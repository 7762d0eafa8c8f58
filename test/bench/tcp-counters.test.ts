import { describe, expect, it } from 'vitest';
import { listenOverflows, parseListenOverflows } from './tcp-counters.ts';

const NETSTAT = [
  'TcpExt: SyncookiesSent SyncookiesRecv ListenOverflows ListenDrops',
  'TcpExt: 11586 0 77946 77946',
  'IpExt: InNoRoutes InTruncatedPkts',
  'IpExt: 0 0',
  '',
].join('\n');

describe('the accept-queue overflow counter', () => {
  it('reads ListenOverflows from the TcpExt lines', () => {
    expect(parseListenOverflows(NETSTAT)).toBe(77946);
  });

  it('is null when the kernel does not publish it or the text is not a counter table', () => {
    expect(parseListenOverflows('IpExt: InNoRoutes\nIpExt: 0\n')).toBeNull();
    expect(parseListenOverflows('TcpExt: SyncookiesSent\nTcpExt: 3\n')).toBeNull();
    expect(parseListenOverflows('TcpExt: ListenOverflows\nTcpExt: many\n')).toBeNull();
    expect(parseListenOverflows('')).toBeNull();
  });

  it('reads this machine\'s counter where there is one', () => {
    const n = listenOverflows();
    if (process.platform === 'linux') expect(n).toBeGreaterThanOrEqual(0);
    else expect(n).toBeNull();
  });
});
