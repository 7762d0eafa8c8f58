import { afterEach, describe, expect, it } from 'vitest';
import { EdgeBridge, parseEdgeBridgeConfig } from '../../firmware-bridge/edge-bridge/index.ts';
import { Cleanup, freePort, startResponder, sleep, tempDir, until } from '../support/bell-rig.ts';
import { startEmbeddedBroker } from '../../gateway/broker/embedded-broker.ts';
import { BellLine } from '../serial/line.ts';
import { PtyPair } from '../serial/pty.ts';

const cleanup = new Cleanup();
afterEach(() => cleanup.run());

describe('edge bridge started while the broker is down (real pty, aedes started late)', () => {
  it('reads the board at once, keeps trying the broker, and the press made meanwhile is received once it is up', async () => {
    const pty = await PtyPair.create();
    await pty.start();
    cleanup.add(() => pty.dispose());
    const board = await BellLine.open(pty.b);
    cleanup.add(() => board.close());
    const port = await freePort();
    const config = parseEdgeBridgeConfig(JSON.stringify({ bells: [{ channel: 1, bellId: 'B-0301' }] }), 'edge.json');
    const bridge = new EdgeBridge({
      config,
      board: { path: pty.a, baudRate: 115200 },
      mqttUrl: `mqtt://127.0.0.1:${port}`,
      stateDir: await tempDir(cleanup),
      retransmitMs: 100,
      refusalGraceMs: 300,
    });
    cleanup.add(() => bridge.stop());
    await bridge.start(); // does not wait for the broker

    await board.write('HB\r\nIN 1 1\r\n');
    await sleep(150);
    await board.write('IN 1 0\r\n');
    await board.waitForLine('LAMP 1 FAST'); // sent, not yet received
    await sleep(1_200); // a refused attempt or two

    const late = await startEmbeddedBroker({ port, host: '127.0.0.1' });
    cleanup.add(() => late.close());
    const gw = await startResponder(late.url, cleanup);
    await until(() => gw.heard.length > 0, 'the press to reach the gateway', 8_000);
    await board.waitForLine('LAMP 1 BLINK', 1, 8_000); // received
    expect(new Set(gw.heard.map((h) => JSON.parse(h.payload).seq))).toEqual(new Set([1]));
  });
});
