import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeSerialEvent } from '../../firmware-bridge/protocol/index.ts';
import { runBellCommand, VirtualBell } from '../../firmware-bridge/virtual-bell/index.ts';
import { KEY } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { PtyPair } from '../serial/pty.ts';
import { LossyWire } from './lossy-wire.ts';

describe('the virtual bell on a serial line, against the gateway serial source (real ptys, PGlite + aedes)', () => {
  let direct: PtyPair; // gateway on a, bell on b
  let lossyGateway: PtyPair; // gateway on a, wire on b
  let lossyBell: PtyPair; // bell on a, wire on b
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;
  let stateDir: string;
  const stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    [direct, lossyGateway, lossyBell] = await Promise.all([PtyPair.create(), PtyPair.create(), PtyPair.create()]);
    await Promise.all([direct.start(), lossyGateway.start(), lossyBell.start()]);
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes', env: { SERIAL_PORTS: `${direct.a},${lossyGateway.a}` } }));
    stateDir = await mkdtemp(join(tmpdir(), 'gb-serial-bell-'));
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([direct, lossyGateway, lossyBell].map((p) => p?.dispose()));
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const serialBell = async (bellId: string, path: string) => {
    const bell = new VirtualBell({ bellId, serial: { path, baudRate: 115200 }, stateDir, retransmitMs: 200 });
    stops.push(() => bell.stop());
    await bell.start();
    return bell;
  };

  it('a press opens an incident and returns received; a guard acknowledgement comes back down the line', async () => {
    const bell = await serialBell('B-0301', direct.b);
    const sent: string[] = [];
    bell.on('sent', (s) => sent.push(s.payload));
    const received = await bell.send('press', { battery: 86 });
    // Serial acks carry no incident id (PROTOCOL.md §2).
    expect(received).toEqual({ seq: 1, incident: undefined, state: 'received' });
    expect(sent[0]).toBe(encodeSerialEvent({ bellId: 'B-0301', seq: 1, type: 'press', battery: 86 }));
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0301');
    expect(created.data).toMatchObject({ status: 'triggered', source: 'bell', counterId: 'passport-3' });

    const acknowledged = bell.waitForState('acknowledged', { seq: 1, timeoutMs: 5_000 });
    expect((await guard.post(`/api/v1/incidents/${created.data.id}/acknowledge`)).status).toBe(200);
    expect(await acknowledged).toEqual({ seq: 1, incident: undefined, state: 'acknowledged' });
  });

  it('retransmits the identical frame every retransmitMs until the gateway answers received', async () => {
    const wire = await LossyWire.open(lossyBell.b, lossyGateway.b, 2);
    stops.push(() => wire.close());
    const bell = await serialBell('B-0302', lossyBell.a);
    const attempts: number[] = [];
    bell.on('sent', (s) => attempts.push(s.attempt));
    const started = Date.now();
    expect(await bell.send('long_press')).toEqual({ seq: 1, incident: undefined, state: 'received' });
    // Two copies lost, the third answered: about two retransmit periods.
    expect(Date.now() - started).toBeGreaterThanOrEqual(350);
    expect(wire.fromBell.map((l) => l.passed).slice(0, 3)).toEqual([false, false, true]);
    expect(new Set(wire.fromBell.map((l) => l.line)).size).toBe(1);
    expect(attempts.slice(0, 3)).toEqual([1, 2, 3]);
    const created = await stream.waitFor('incident.created', (i) => i.bellId === 'B-0302');
    expect(created.data).toMatchObject({ violence: true });
  });

  it('guardbell bell … --serial prints received and exits 0', async () => {
    const out = { text: '', write(s: string) { this.text += s; return true; } };
    const code = await runBellCommand(['bell', 'test', '--bell', 'B-0301', '--serial', `${direct.b}@115200`, '--state-dir', stateDir], out);
    expect(out.text).toBe('B-0301 seq 2 → received\n');
    expect(code).toBe(0);
  });

  it('fails the CLI with one sentence when the port cannot be opened, and refuses a keyed bell on serial', async () => {
    const out = { text: '', write(s: string) { this.text += s; return true; } };
    const missing = join(stateDir, 'no-such-tty');
    expect(await runBellCommand(['press', '--bell', 'B-0301', '--serial', missing, '--state-dir', stateDir], out)).toBe(1);
    expect(out.text).toMatch(new RegExp(`^bell B-0301 could not open serial port ${missing} at 115200 baud \\(.+\\)\\.\\n$`));
    expect(() => new VirtualBell({ bellId: 'B-K1', keyHex: KEY, serial: { path: direct.b, baudRate: 115200 }, stateDir })).toThrow(
      'bell B-K1 has a key: a keyed bell is refused on a serial line (PROTOCOL.md §2)',
    );
  });
});
