import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EdgeBridge, parseEdgeBridgeConfig, type EdgeBridgeEvents } from '../../firmware-bridge/edge-bridge/index.ts';
import { KEY } from '../support/fixtures.ts';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { BellLine } from '../serial/line.ts';
import { PtyPair } from '../serial/pty.ts';

/** The I/O board's end of the serial line: IN and HB out, LAMP lines in (`received`). */
type Board = BellLine;

describe('edge bridge: a serial I/O board (real pty) to the gateway (PGlite + aedes)', () => {
  let pty: PtyPair; // bridge on a, board on b
  let t: TestSystem;
  let board: Board;
  let bridge: EdgeBridge;
  let guard: ApiClient;
  let siteA: StreamClient;
  let siteB: StreamClient;
  let stateDir: string;
  let heartbeats: NodeJS.Timeout | undefined;
  const gestures: EdgeBridgeEvents['gesture'][0][] = [];

  const startHeartbeats = () => {
    heartbeats = setInterval(() => void board.write('HB\r\n').catch(() => undefined), 200);
  };

  beforeAll(async () => {
    pty = await PtyPair.create();
    await pty.start();
    ({ t, guard, stream: siteA } = await startWatchedSystem({ db: 'pglite', broker: 'aedes' }));
    siteB = await (await t.login('guardb')).stream();
    stateDir = await mkdtemp(join(tmpdir(), 'gb-edge-'));
    board = await BellLine.open(pty.b);
    const config = parseEdgeBridgeConfig(
      JSON.stringify({
        bells: [
          { channel: 1, bellId: 'B-0301' },
          { channel: 2, bellId: 'B-0302' },
          { channel: 3, bellId: 'B-K1', key: KEY },
          { channel: 4, bellId: 'B-0901' },
        ],
        boardTimeoutSeconds: 1,
      }),
      'edge.json',
    );
    bridge = new EdgeBridge({ config, board: { path: pty.a, baudRate: 115200 }, mqttUrl: t.mqttUrl, topicRoot: t.topicRoot, stateDir });
    bridge.on('gesture', (g) => gestures.push(g));
    await bridge.start();
  });
  afterAll(async () => {
    clearInterval(heartbeats);
    siteB?.close();
    await bridge?.stop();
    await board?.close();
    await t?.close();
    await pty?.dispose();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const incident = async (id: string) => (await (await t.login('legal')).get(`/api/v1/incidents/${id}`)).body as { timeline: { kind: string }[] };
  /** A contact closed for `ms`, then opened: how a person presses a wired bell. */
  const press = async (channel: number, ms: number) => {
    await board.write(`IN ${channel} 1\r\n`);
    await sleep(ms);
    await board.write(`IN ${channel} 0\r\n`);
  };

  it("the board's first line brings its bells online, and the bridge tells it every lamp", async () => {
    startHeartbeats();
    for (const ch of [1, 2, 3, 4]) await board.waitForLine(`LAMP ${ch} OFF`);
    await siteA.waitFor('bell.status', (b) => b.id === 'B-0301' && b.online === true);
    expect(bridge.boardConnected).toBe(true);
  });

  it('IN 1 1, IN 1 0 opens an incident on the mapped bell; the lamp blinks fast, then slow once received, and is steady once a guard acknowledges', async () => {
    await press(1, 150);
    const created = await siteA.waitFor('incident.created', (i) => i.bellId === 'B-0301');
    expect(created.data).toMatchObject({ status: 'triggered', source: 'bell', counterId: 'passport-3', violence: false });
    await board.waitForLine('LAMP 1 BLINK');
    expect(board.received.filter((l) => l.startsWith('LAMP 1 '))).toEqual(['LAMP 1 OFF', 'LAMP 1 FAST', 'LAMP 1 BLINK']);

    expect((await guard.post(`/api/v1/incidents/${created.data.id}/acknowledge`)).status).toBe(200);
    await board.waitForLine('LAMP 1 ON');
    expect(gestures.filter((g) => g.channel === 1).map((g) => g.type)).toEqual(['press']);
  });

  it('contact bounce on closing and opening is one press', async () => {
    const bouncy = ['IN 2 1', 'IN 2 0', 'IN 2 1', 'IN 2 0', 'IN 2 1'].join('\r\n') + '\r\n';
    await board.write(bouncy);
    await sleep(200);
    await board.write(['IN 2 0', 'IN 2 1', 'IN 2 0'].join('\r\n') + '\r\n');
    const created = await siteA.waitFor('incident.created', (i) => i.bellId === 'B-0302');
    await board.waitForLine('LAMP 2 BLINK');
    await sleep(300);
    expect(gestures.filter((g) => g.channel === 2).map((g) => g.type)).toEqual(['press']);
    expect((await incident(created.data.id)).timeline.filter((e) => e.kind === 're_press')).toEqual([]);
  });

  it('a contact held 3 s is a long_press (violence), signed with the bell key, sent before the release', async () => {
    await board.write('IN 3 1\r\n');
    const created = await siteA.waitFor('incident.created', (i) => i.bellId === 'B-K1', 6_000);
    // Opened while the contact is still closed: the release comes only below.
    expect(created.data).toMatchObject({ violence: true, severity: 'critical' });
    await board.waitForLine('LAMP 3 BLINK');
    await board.write('IN 3 0\r\n');
    await sleep(300);
    expect(gestures.filter((g) => g.channel === 3).map((g) => g.type)).toEqual(['long_press']);
  });

  it('garbage lines are ignored and counted without losing the good line that follows', async () => {
    const before = bridge.garbageLines;
    await board.write(Buffer.concat([
      Buffer.from('ATZ\r\n+++ noise ~~~\n'),
      Buffer.from([0x00, 0xff, 0xfe, 0x1b, 0x0a]),
      Buffer.from(`IN 4\r\nIN 4 7\nIN 99 1\r\nLAMP 4 ON\r\n${'x'.repeat(300)}\r\n`),
      Buffer.from('IN 4 1\r'), // CR alone ends a line too
    ]));
    await sleep(150);
    await board.write('\n\rin  4  0\n\r');
    const created = await siteB.waitFor('incident.created', (i) => i.bellId === 'B-0901');
    expect(created.data).toMatchObject({ siteId: 'site-b', violence: false });
    await board.waitForLine('LAMP 4 BLINK');
    expect(bridge.garbageLines - before).toBe(8);
  });

  it('a silent board reports its bells offline; heard again, they are online and every lamp is sent again', async () => {
    clearInterval(heartbeats);
    const silentFrom = Date.now();
    // The bells were announced offline once already, at start, before the board's first line.
    const offline = await waitFor(
      () => siteA.messages.find((m) => m.type === 'bell.status' && m.data.id === 'B-0301' && !m.data.online && m.receivedAt > silentFrom),
      5_000,
      'B-0301 offline once the board is silent',
    );
    expect(offline.type === 'bell.status' && offline.data.trouble).toContain('offline');
    expect(bridge.boardConnected).toBe(false);
    const lampOnBefore = board.count('LAMP 1 ON');
    startHeartbeats();
    await waitFor(() => siteA.messages.some((m) => m.type === 'bell.status' && m.data.id === 'B-0301' && m.data.online && m.receivedAt > offline.receivedAt), 5_000, 'B-0301 online again');
    await board.waitForLine('LAMP 1 ON', lampOnBefore + 1);
    await board.waitForLine('LAMP 2 BLINK', 2);
  });

  it('stopping the bridge turns every lamp off', async () => {
    const offBefore = [1, 2, 3, 4].map((ch) => board.count(`LAMP ${ch} OFF`));
    await bridge.stop();
    for (const [i, ch] of [1, 2, 3, 4].entries()) await board.waitForLine(`LAMP ${ch} OFF`, offBefore[i]! + 1);
  });
});
