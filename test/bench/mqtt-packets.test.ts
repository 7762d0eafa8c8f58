import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { Aedes } from 'aedes';
import { createServer, connect, type AddressInfo } from 'node:net';
import { connectPacket, publishQos1Packet } from './mqtt-packets.ts';

describe('hand-encoded MQTT packets of the reconnect storm', () => {
  it('a broker admits the CONNECT, keeps the retained status and publishes the will on a cut', async () => {
    const aedes = await Aedes.createBroker({ authenticate: (_c, u, p, done) => done(null, u === 'B-1' && p?.toString() === 'secret-1') });
    const server = createServer((s) => aedes.handle(s)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as AddressInfo).port;
    const watcher = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: 'B-1', password: 'secret-1', reconnectPeriod: 0 });
    const seen: string[] = [];
    watcher.on('message', (t, p) => seen.push(`${t} ${p.toString()}`));
    await watcher.subscribeAsync('r/#', { qos: 1 });
    const socket = connect(port, '127.0.0.1');
    const replies: Buffer[] = [];
    socket.on('data', (d) => replies.push(d));
    socket.write(connectPacket({ clientId: 'storm-1', keepaliveSeconds: 60, username: 'B-1', password: 'secret-1', will: { topic: 'r/will', payload: 'gone', qos: 1, retain: true } }));
    await expect.poll(() => Buffer.concat(replies).subarray(0, 4).toString('hex')).toBe('20020000');
    socket.write(publishQos1Packet('r/status', '{"online":true}', 7, true));
    await expect.poll(() => Buffer.concat(replies).subarray(4, 8).toString('hex')).toBe('40020007');
    socket.destroy();
    await expect.poll(() => seen).toEqual(['r/status {"online":true}', 'r/will gone']);
    const bad = connect(port, '127.0.0.1');
    const refused: Buffer[] = [];
    bad.on('data', (d) => refused.push(d));
    bad.write(connectPacket({ clientId: 'storm-2', keepaliveSeconds: 60, username: 'B-1', password: 'wrong' }));
    await expect.poll(() => Buffer.concat(refused).subarray(0, 4).toString('hex')).toBe('20020005');
    bad.destroy();
    await watcher.endAsync();
    await new Promise<void>((r) => aedes.close(() => r()));
    server.close();
  });
});
