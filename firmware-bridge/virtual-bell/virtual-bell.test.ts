import { writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeEvent, decodeHeartbeat, verifyMac } from '../protocol/index.ts';
import { SeqStore } from './seq-store.ts';
import { Cleanup, broker, freePort, collect, connect, nextMessage, sleep, startEmbeddedBroker, startResponder, tempDir, until } from '../../test/support/bell-rig.ts';
import { BellStoppedError, BellTimeoutError, VirtualBell, type BellAck, type VirtualBellOptions } from './virtual-bell.ts';

const KEY = '5f2b'.repeat(8);
const cleanup = new Cleanup();
afterEach(() => cleanup.run());

async function bell(opts: Omit<VirtualBellOptions, 'stateDir'> & { stateDir?: string }): Promise<VirtualBell> {
  const b = new VirtualBell({ retransmitMs: 100, stateDir: opts.stateDir ?? (await tempDir(cleanup)), ...opts });
  cleanup.add(() => b.stop());
  await b.start();
  return b;
}

describe('VirtualBell events', () => {
  it('sends the PROTOCOL.md payload shape with a MAC the gateway can verify', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup);
    const b = await bell({ bellId: 'B-0301', mqttUrl: url, keyHex: KEY, battery: 86 });
    const result = await b.send('press');
    expect(result).toEqual({ seq: 1, incident: 'inc_T1', state: 'received' });
    const [heard] = gw.heard;
    expect(heard?.bellId).toBe('B-0301');
    const e = JSON.parse(heard!.payload) as Record<string, unknown>;
    expect(Object.keys(e)).toEqual(['seq', 'type', 'at', 'boot', 'battery', 'mac']);
    expect(e).toMatchObject({ seq: 1, type: 'press', boot: 1, battery: 86 });
    expect(e.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(decodeEvent(heard!.payload).ok).toBe(true);
    // The MAC covers the boot counter: `{bellId}|{seq}|{type}|{at}|{boot}`.
    expect(verifyMac(KEY, 'B-0301', { seq: 1, type: 'press', at: e.at as string, boot: 1 }, e.mac as string)).toBe(true);
    expect(verifyMac(KEY, 'B-0301', { seq: 1, type: 'press', at: e.at as string }, e.mac as string)).toBe(false);
  });

  it('leaves out mac on a bell without a key', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup);
    const b = await bell({ bellId: 'B-0302', mqttUrl: url });
    await b.send('test');
    expect(Object.keys(gw.heard[0]!.event)).toEqual(['seq', 'type', 'at', 'boot']);
  });

  it('retransmits the identical payload until received, then stops', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup, { ignoreFirst: 2 });
    const b = await bell({ bellId: 'B-0301', mqttUrl: url, keyHex: KEY });
    const sent: number[] = [];
    b.on('sent', (s) => sent.push(s.attempt));
    expect(await b.send('long_press')).toMatchObject({ seq: 1, state: 'received' });
    // The third copy is answered; on a loaded machine a fourth may already be on the wire, never more.
    await sleep(50);
    const copies = gw.heard.length;
    expect([3, 4]).toContain(copies);
    expect(new Set(gw.heard.map((h) => h.payload)).size).toBe(1);
    expect(sent).toEqual(Array.from({ length: copies }, (_, i) => i + 1));
    await sleep(300);
    expect(gw.heard).toHaveLength(copies);
  });

  it('keeps seq strictly increasing across instances sharing a state dir', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup);
    const stateDir = await tempDir(cleanup);
    const first = await bell({ bellId: 'B-0301', mqttUrl: url, stateDir });
    expect((await first.send('press')).seq).toBe(1);
    expect((await first.send('cancel')).seq).toBe(2);
    await first.stop();
    const second = await bell({ bellId: 'B-0301', mqttUrl: url, stateDir });
    expect((await second.send('press')).seq).toBe(3);
    // Other bells in the same folder count on their own.
    const other = await bell({ bellId: 'B-0302', mqttUrl: url, stateDir });
    expect((await other.send('press')).seq).toBe(1);
    expect(gw.heard.map((h) => `${h.bellId}:${h.event.seq}`)).toEqual(['B-0301:1', 'B-0301:2', 'B-0301:3', 'B-0302:1']);
  });

  it('raises its boot counter at each start, kept with its seq, even when the seq file was reset', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup);
    const stateDir = await tempDir(cleanup);
    const first = await bell({ bellId: 'B-0301', mqttUrl: url, stateDir, keyHex: KEY });
    expect(first.boot).toBe(1);
    await first.send('press');
    await first.send('cancel');
    await first.stop();
    // A repaired bell whose counting starts over: its seq goes back to 1, its boot still rises.
    await writeFile(path.join(stateDir, 'B-0301.json'), JSON.stringify({ bellId: 'B-0301', next: 1, boot: 1 }));
    const second = await bell({ bellId: 'B-0301', mqttUrl: url, stateDir, keyHex: KEY });
    expect(second.boot).toBe(2);
    await second.send('press');
    const sent = gw.heard.map((h) => JSON.parse(h.payload) as { seq: number; boot: number; at: string; type: 'press' | 'cancel'; mac: string });
    expect(sent.map((e) => [e.boot, e.seq])).toEqual([[1, 1], [1, 2], [2, 1]]);
    for (const e of sent) expect(verifyMac(KEY, 'B-0301', e, e.mac)).toBe(true);
  });

  it('times out naming bell, seq and type, and stops retransmitting', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup, { answer: false });
    const b = await bell({ bellId: 'B-0301', mqttUrl: url, receivedTimeoutMs: 350 });
    const err = await b.send('press').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BellTimeoutError);
    expect((err as Error).message).toBe("bell B-0301 got no 'received' for press seq 1 within 350 ms");
    // Let a copy already on the wire land before counting.
    await sleep(50);
    expect(gw.heard.length).toBeGreaterThanOrEqual(2);
    const copies = gw.heard.length;
    await sleep(300);
    expect(gw.heard).toHaveLength(copies);
  });

  it('stop() rejects a pending send and ends its retransmission', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup, { answer: false });
    const b = await bell({ bellId: 'B-0301', mqttUrl: url });
    const pending = await b.publishEvent('press');
    await until(() => gw.heard.length >= 2, 'a retransmission');
    await b.stop();
    await expect(pending.received).rejects.toBeInstanceOf(BellStoppedError);
    await sleep(50);
    const copies = gw.heard.length;
    await sleep(250);
    expect(gw.heard).toHaveLength(copies);
    await expect(b.publishEvent('press')).rejects.toBeInstanceOf(BellStoppedError);
  });
});

describe('VirtualBell ack states', () => {
  it('waits for acknowledged carried by the seq that opened the incident', async () => {
    const { url } = await broker(cleanup);
    // Both presses land in one incident, as a re-press joins the open incident.
    const gw = await startResponder(url, cleanup, { incidentFor: () => 'inc_A' });
    const b = await bell({ bellId: 'B-0301', mqttUrl: url });
    const acks: BellAck[] = [];
    b.on('ack', (a) => acks.push(a));
    const opening = await b.send('press');
    const repress = await b.send('press');
    expect(repress).toEqual({ seq: 2, incident: 'inc_A', state: 'received' });
    const waiting = b.waitForState('acknowledged', { seq: repress.seq, timeoutMs: 3_000 });
    await gw.ack('B-0301', { seq: opening.seq, incident: 'inc_A', state: 'acknowledged' });
    expect(await waiting).toEqual({ seq: 1, incident: 'inc_A', state: 'acknowledged' });
    // Already arrived: resolves at once, by incident or by seq.
    await expect(b.waitForState('acknowledged', { incident: 'inc_A', timeoutMs: 0 })).resolves.toMatchObject({ seq: 1 });
    await expect(b.waitForState(['cancelled', 'acknowledged'], { seq: 2, timeoutMs: 0 })).resolves.toMatchObject({ state: 'acknowledged' });
    expect(b.latestState('inc_A')?.state).toBe('acknowledged');
    // A late `received` (answer to an old copy) never moves the incident back.
    await gw.ack('B-0301', { seq: 2, incident: 'inc_A', state: 'received' });
    await until(() => acks.length === 4, 'the late ack');
    expect(b.latestState('inc_A')?.state).toBe('acknowledged');
    expect(acks.map((a) => `${a.seq}:${a.state}`)).toEqual(['1:received', '2:received', '1:acknowledged', '2:received']);
  });

  it('names the state and incident when waitForState times out, and ignores broken acks', async () => {
    const { url } = await broker(cleanup);
    const gw = await startResponder(url, cleanup);
    const b = await bell({ bellId: 'B-0301', mqttUrl: url });
    const invalid: string[] = [];
    b.on('invalid', (i) => invalid.push(i.detail));
    const { incident } = await b.send('press');
    await gw.client.publishAsync('guardbell/v1/bells/B-0301/ack', '{"seq":1,"state":"teleported"}', { qos: 1 });
    await expect(b.waitForState('closed', { incident, timeoutMs: 200 })).rejects.toThrow(
      "bell B-0301 got no 'closed' for incident inc_T1 within 200 ms",
    );
    expect(invalid).toHaveLength(1);
  });
});

describe('VirtualBell connection', () => {
  it('announces online retained, and its will says offline when it dies without DISCONNECT', async () => {
    const { url } = await broker(cleanup);
    const watcher = await connect(url, cleanup);
    const statuses = await collect(watcher, 'guardbell/v1/bells/B-0301/status');
    const b = await bell({ bellId: 'B-0301', mqttUrl: url });
    await until(() => statuses.length === 1, 'online');
    await b.stop({ graceful: false });
    await until(() => statuses.length === 2, 'the will');
    // Live subscribers get retain=false (MQTT 3.1.1 §3.3.1.3); the retained copy is checked below.
    expect(statuses).toEqual([
      { payload: '{"online":true}', retain: false },
      { payload: '{"online":false}', retain: false },
    ]);
    const later = await connect(url, cleanup);
    expect(await nextMessage(later, 'guardbell/v1/bells/B-0301/status')).toEqual({ payload: '{"online":false}', retain: true });
  });

  it('marks itself offline on a graceful stop too', async () => {
    const { url } = await broker(cleanup);
    const b = await bell({ bellId: 'B-0301', mqttUrl: url });
    await b.stop();
    const later = await connect(url, cleanup);
    expect(await nextMessage(later, 'guardbell/v1/bells/B-0301/status')).toEqual({ payload: '{"online":false}', retain: true });
  });

  it('turns Nagle off on its socket', async () => {
    const { url, port } = await broker(cleanup);
    const spy = vi.spyOn(net.Socket.prototype, 'setNoDelay');
    cleanup.add(async () => spy.mockRestore());
    await bell({ bellId: 'B-0301', mqttUrl: url });
    const mine = spy.mock.contexts.filter((s) => (s as net.Socket).remotePort === port) as net.Socket[];
    expect(mine).toHaveLength(1);
    // Node keeps the applied value under a private symbol; reading it proves the call reached the handle.
    const applied = Object.getOwnPropertySymbols(mine[0]).find((s) => s.description === 'kSetNoDelay');
    expect(applied && (mine[0] as unknown as Record<symbol, unknown>)[applied]).toBe(true);
  });

  it('publishes heartbeats, by hand and periodically', async () => {
    const { url } = await broker(cleanup);
    const watcher = await connect(url, cleanup);
    const topic = 'guardbell/v1/bells/B-0301/heartbeat';
    const b = await bell({ bellId: 'B-0301', mqttUrl: url, heartbeatEveryMs: 100, battery: 77, fw: '9.9.9' });
    const periodic = await nextMessage(watcher, topic);
    const hb = decodeHeartbeat(periodic.payload);
    expect(hb.ok && hb.value).toMatchObject({ battery: 77, rssi: -55, fw: '9.9.9' });
    const manual = nextMessage(watcher, topic);
    await b.heartbeat({ battery: 12, uptime: 3600 });
    expect(JSON.parse((await manual).payload)).toMatchObject({ battery: 12, uptime: 3600 });
  });

  it('keeps retransmitting across a broker restart until received', async () => {
    const first = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
    const b = await bell({ bellId: 'B-0301', mqttUrl: first.url, receivedTimeoutMs: 10_000 });
    const pending = await b.publishEvent('press');
    await first.close();
    await until(() => !b.connected, 'the bell to notice the outage');
    const second = await startEmbeddedBroker({ port: first.port, host: '127.0.0.1' });
    cleanup.add(() => second.close());
    const gw = await startResponder(second.url, cleanup);
    expect(await pending.received).toMatchObject({ seq: 1, state: 'received' });
    expect(new Set(gw.heard.map((h) => h.payload))).toEqual(new Set([pending.payload]));
  });

  it('fails start() with a sentence naming the bell and the broker', async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((r) => server.close(r));
    const b = new VirtualBell({ bellId: 'B-0301', mqttUrl: `mqtt://127.0.0.1:${port}`, stateDir: await tempDir(cleanup), connectTimeoutMs: 300 });
    await expect(b.start()).rejects.toThrow(`bell B-0301 could not reach the MQTT broker at mqtt://127.0.0.1:${port} (`);
    await b.stop();
  });

  it('started while the broker is down, keeps trying until it is up, then its press is received', async () => {
    const port = await freePort();
    const b = new VirtualBell({ bellId: 'B-0301', mqttUrl: `mqtt://127.0.0.1:${port}`, stateDir: await tempDir(cleanup), retransmitMs: 100 });
    cleanup.add(() => b.stop());
    const started = b.start();
    let settled = false;
    void started.then(() => (settled = true), () => (settled = true));
    await sleep(1_500); // at least one refused attempt
    expect(settled).toBe(false);
    const late = await startEmbeddedBroker({ port, host: '127.0.0.1' });
    cleanup.add(() => late.close());
    await startResponder(late.url, cleanup);
    await started;
    expect(await b.send('press')).toMatchObject({ seq: 1, state: 'received' });
  });

  it('gives up at once when the broker answers and refuses the login', async () => {
    const guarded = await startEmbeddedBroker({
      port: 0,
      host: '127.0.0.1',
      auth: { authenticate: (_client, _user, _pass, done) => done(Object.assign(new Error('bad login'), { returnCode: 4 }) as never, false) },
    });
    cleanup.add(() => guarded.close());
    const b = new VirtualBell({ bellId: 'B-0301', mqttUrl: guarded.url, stateDir: await tempDir(cleanup), username: 'B-0301', password: 'wrong', connectTimeoutMs: 60_000 });
    const t0 = Date.now();
    await expect(b.start()).rejects.toThrow(/could not reach the MQTT broker/);
    expect(Date.now() - t0).toBeLessThan(5_000);
    await b.stop();
  });
});

describe('SeqStore', () => {
  it('hands out distinct seqs to concurrent callers and refuses a damaged file', async () => {
    const dir = await tempDir(cleanup);
    const seqs = await Promise.all(Array.from({ length: 20 }, () => new SeqStore(dir, 'B-1').next()));
    expect(new Set(seqs).size).toBe(20);
    expect(Math.max(...seqs)).toBe(20);
    expect(await new SeqStore(dir, 'B-1').peek()).toBe(21);
    await writeFile(path.join(dir, 'B-2.json'), '{"next":');
    await expect(new SeqStore(dir, 'B-2').next()).rejects.toThrow(/damaged; refusing to reuse/);
  });

  it('keeps the boot counter beside the seq: a file from before it boots 1, a damaged one is refused', async () => {
    const dir = await tempDir(cleanup);
    await writeFile(path.join(dir, 'B-1.json'), '{"bellId":"B-1","next":7}');
    const store = new SeqStore(dir, 'B-1');
    expect(await store.nextBoot()).toBe(1);
    expect(await store.next()).toBe(7);
    expect(await new SeqStore(dir, 'B-1').nextBoot()).toBe(2);
    expect(await store.peek()).toBe(8);
    await writeFile(path.join(dir, 'B-2.json'), '{"bellId":"B-2","next":3,"boot":"x"}');
    await expect(new SeqStore(dir, 'B-2').nextBoot()).rejects.toThrow(/damaged; refusing to guess the boot/);
  });
});
