import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyMac } from '../protocol/index.ts';
import { BELL_USAGE, runBellCommand } from './bell-cli.ts';
import { Cleanup, broker, startResponder, tempDir } from '../../test/support/bell-rig.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

function capture(): { text: string; write(s: string): boolean } {
  return {
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

async function base(url: string): Promise<string[]> {
  return ['--mqtt', url, '--state-dir', await tempDir(cleanup)];
}

describe('guardbell bell', () => {
  it('prints received and exits 0 by default', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup);
    const out = capture();
    expect(await runBellCommand(['bell', 'press', '--bell', 'B-0301', ...(await base(url))], out)).toBe(0);
    expect(out.text).toBe('B-0301 seq 1 → received (incident inc_T1)\n');
    expect(gw.heard.map((h) => h.event.type)).toEqual(['press']);
  });

  it('with --wait-for acknowledged prints every state up to acknowledged, once each', async () => {
    const { url } = await broker(cleanup);
    const key = 'ab'.repeat(16);
    // The gateway answers each copy; a person acknowledges shortly after the first.
    const gw = await startResponder(url, cleanup, { incidentFor: () => 'inc_01JD' });
    gw.client.on('message', () => {
      setTimeout(() => void gw.ack('B-0301', { seq: 1, incident: 'inc_01JD', state: 'acknowledged' }).catch(() => undefined), 50);
    });
    const out = capture();
    const argv = ['hold', '--bell', 'B-0301', '--key', key, '--wait-for', 'acknowledged', '--timeout', '5', ...(await base(url))];
    expect(await runBellCommand(argv, out)).toBe(0);
    expect(out.text).toBe('B-0301 seq 1 → received (incident inc_01JD)\nB-0301 seq 1 → acknowledged (incident inc_01JD)\n');
    const [heard] = gw.heard;
    expect(heard?.event.type).toBe('long_press');
    // A first run of the bell: boot 1, under the MAC.
    expect(verifyMac(key, 'B-0301', { seq: 1, type: 'long_press', at: heard!.event.at, boot: 1 }, heard!.event.mac!)).toBe(true);
  });

  it('fails with one sentence when nothing acks in time', async () => {
    const { url } = await broker(cleanup);
    await startResponder(url, cleanup, { answer: false });
    const out = capture();
    expect(await runBellCommand(['test', '--bell', 'B-0301', '--timeout', '0.3', ...(await base(url))], out)).toBe(1);
    expect(out.text).toBe(
      "bell B-0301 got no 'received' for test seq 1 within 300 ms (is the gateway running and listening on guardbell/v1?).\n",
    );
  });

  it('prints each retransmission while nothing answers', async () => {
    const { url } = await broker(cleanup);
    await startResponder(url, cleanup, { answer: false });
    const out = capture();
    expect(await runBellCommand(['press', '--bell', 'B-0301', '--timeout', '2.5', ...(await base(url))], out)).toBe(1);
    expect(out.text).toBe(
      "B-0301 seq 1 press: no 'received' yet, sent again (attempt 2)\n"
        + "bell B-0301 got no 'received' for press seq 1 within 2500 ms (is the gateway running and listening on guardbell/v1?).\n",
    );
  });

  it('fails with one sentence when the event is received but nobody acknowledges it', async () => {
    const { url } = await broker(cleanup);
    await startResponder(url, cleanup);
    const out = capture();
    const argv = ['press', '--bell', 'B-0301', '--wait-for', 'acknowledged', '--timeout', '0.4', ...(await base(url))];
    expect(await runBellCommand(argv, out)).toBe(1);
    expect(out.text).toBe(
      'B-0301 seq 1 → received (incident inc_T1)\n' +
        'bell B-0301 press seq 1 was received, but nobody acknowledged, cancelled or closed it within 0.4 s.\n',
    );
  });

  it('fails with one sentence when the broker is unreachable', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    const out = capture();
    const url = `mqtt://127.0.0.1:${port}`;
    expect(await runBellCommand(['press', '--bell', 'B-0301', '--timeout', '1.5', ...(await base(url))], out)).toBe(1);
    expect(out.text).toMatch(new RegExp(`^bell B-0301 could not reach the MQTT broker at ${url} \\(.*ECONNREFUSED.*\\)\\.\\n$`));
  });

  it.each([
    [[], 'no command given'],
    [['ring', '--bell', 'B-1'], 'unknown command "ring"'],
    [['press'], '--bell is required'],
    [['press', '--bell', 'B 1'], '--bell "B 1" is not'],
    [['press', '--bell', 'B-1', '--key', 'xyz'], '--key must be hex'],
    [['press', '--bell', 'B-1', '--wait-for', 'closed'], '--wait-for must be received or acknowledged'],
    [['press', '--bell', 'B-1', '--timeout', 'soon'], '--timeout must be a positive number'],
    [['press', '--bell', 'B-1', '--timeout=-1'], '--timeout must be a positive number'],
    [['press', '--bell', 'B-1', '--volume', '11'], "Unknown option '--volume'"],
    [['press', 'extra', '--bell', 'B-1'], 'unexpected argument "extra"'],
  ])('returns 2 with the usage line for %j', async (argv, problem) => {
    const out = capture();
    expect(await runBellCommand(argv, out)).toBe(2);
    expect(out.text).toContain(problem);
    expect(out.text.endsWith(`${BELL_USAGE}\n`)).toBe(true);
  });
});
