import { describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import type { PublishPacket } from 'aedes';
import { startEmbeddedBroker } from './embedded-broker.ts';

describe('the embedded broker under a power cut', () => {
  it('thousands of messages queued behind slow deliveries (wills, $SYS disconnect notices) do not overflow the stack', async () => {
    const broker = await startEmbeddedBroker({ port: 0, host: '127.0.0.1' });
    const gateway = await mqtt.connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      let received = 0;
      gateway.on('message', () => received++);
      await gateway.subscribeAsync('root/#', { qos: 1 });
      const publish = (topic: string) =>
        broker.aedes.publish({ cmd: 'publish', topic, payload: Buffer.from('{"online":false}'), qos: 1, retain: true, dup: false } as PublishPacket, () => undefined);
      // The wills wait on the subscriber; the notices behind them match nobody and complete at once, one by one.
      for (let i = 0; i < 200; i++) publish(`root/bells/B-${i}/status`);
      for (let i = 0; i < 20_000; i++) publish(`$SYS/broker/B-${i}/disconnect/clients`);
      await expect.poll(() => received, { timeout: 10_000 }).toBe(200);
    } finally {
      await gateway.endAsync();
      await broker.close();
    }
  });
});
