import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSerialAck, encodeSerialEvent } from '../../firmware-bridge/protocol/index.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';
import { bare, BellLine, metric } from './line.ts';
import { PtyPair } from './pty.ts';

/**
 * The adapter is missing at start, plugged in, unplugged (socat killed: the port closes under the reader
 * and its path disappears), and plugged in again at the same path. The process never stops; health says
 * degraded while the line is down; frames are read again once the port is back.
 */
describe('a serial port that comes and goes (PGlite + aedes)', () => {
  let pty: PtyPair;
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;
  const lines: BellLine[] = [];

  beforeAll(async () => {
    pty = await PtyPair.create();
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes', env: { SERIAL_PORTS: pty.a } }));
  });
  afterAll(async () => {
    for (const l of lines) await l.close();
    await t?.close();
    await pty?.dispose();
  });

  const health = async () => (await guard.get('/api/v1/health')).body as { status: string; broker: string; serial: { path: string; connected: boolean }[] };
  const openFailures = () => metric(t.url, 'guardbell_serial_port_open_failures_total', { port: pty.a });
  const openLine = async () => {
    const l = await BellLine.open(pty.b);
    lines.push(l);
    return l;
  };
  const pressAndExpectIncident = async (line: BellLine, bellId: string, seq: number) => {
    await line.write(encodeSerialEvent({ bellId, seq, type: 'press' }));
    await stream.waitFor('incident.created', (i) => i.bellId === bellId);
    await line.waitForLine(bare(encodeSerialAck(bellId, seq, 'received')));
  };

  it('starts without the port, degraded, and opens it when it appears', async () => {
    expect(await health()).toMatchObject({ status: 'degraded', broker: 'ok', serial: [{ path: pty.a, connected: false }] });
    // The first attempt was at start; the retry finds nothing either until socat runs.
    await waitFor(async () => (await openFailures()) >= 2, 5_000, 'a retry while the port is missing');
    await pty.start();
    await waitFor(async () => (await health()).status === 'ok', 10_000, 'health ok once the port exists');
    expect((await health()).serial).toEqual([{ path: pty.a, connected: true }]);
    await pressAndExpectIncident(await openLine(), 'B-0301', 1);
  });

  it('unplugged: degraded with the port named, retried, and read again once plugged back at the same path', async () => {
    await pty.stop();
    await waitFor(async () => (await health()).status === 'degraded', 5_000, 'health degraded after the unplug');
    // The broker is fine: only the serial line is reported down.
    expect(await health()).toMatchObject({ broker: 'ok', db: 'ok', serial: [{ path: pty.a, connected: false }] });
    const failures = await openFailures();
    await waitFor(async () => (await openFailures()) > failures, 5_000, 'a reopen attempt while unplugged');
    expect((await health()).status).toBe('degraded');

    await pty.start();
    await waitFor(async () => (await health()).status === 'ok', 10_000, 'health ok after the replug');
    await pressAndExpectIncident(await openLine(), 'B-0302', 1);
  });
});
