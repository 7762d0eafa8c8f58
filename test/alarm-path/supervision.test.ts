import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, StreamClient } from '../support/http.ts';
import { startWatchedSystem, type TestSystem } from '../support/system.ts';
import { waitFor } from '../support/wait.ts';

describe('bell supervision: troubles are maintenance alerts that clear themselves', () => {
  let t: TestSystem;
  let guard: ApiClient;
  let stream: StreamClient;
  beforeAll(async () => {
    ({ t, guard, stream } = await startWatchedSystem({ db: 'pglite', broker: 'aedes' }));
  });
  afterAll(async () => {
    await t?.close();
  });

  const bellOf = async (id: string) => (await guard.get('/api/v1/bells')).body.items.find((b: { id: string }) => b.id === id);
  const heard = (id: string, after: number) => waitFor(async () => {
    const b = await bellOf(id);
    return b.online && b.lastSeenAt && Date.parse(b.lastSeenAt) >= after;
  }, 5_000, `${id} heard`);
  const troubleOf = async (id: string) => (await guard.get('/api/v1/bells')).body.items.find((b: { id: string }) => b.id === id).trouble as string[];
  const until = (id: string, want: string[]) => waitFor(async () => JSON.stringify(await troubleOf(id)) === JSON.stringify(want), 5_000, `${id} troubles ${want.join(',') || 'none'}`);

  it('low battery, tamper and clock skew come and go; none of them opens an incident', async () => {
    const bell = await t.bell('B-0302');
    await bell.publish('heartbeat', JSON.stringify({ battery: 80 }), { qos: 0 });
    await until('B-0302', []);
    await bell.publish('heartbeat', JSON.stringify({ battery: 15 }), { qos: 0 });
    await until('B-0302', ['low_battery']);
    await stream.waitFor('bell.status', (b) => b.id === 'B-0302' && b.trouble.includes('low_battery'));
    await bell.publish('heartbeat', JSON.stringify({ battery: 95 }), { qos: 0 });
    await until('B-0302', []);

    await bell.event(1, 'tamper');
    await until('B-0302', ['tamper']);
    await bell.event(2, 'test');
    await until('B-0302', []);

    await bell.event(3, 'test', { at: new Date(Date.now() + 10 * 60_000).toISOString() });
    await until('B-0302', ['clock_skew']);
    await bell.event(4, 'test');
    await until('B-0302', []);

    await bell.event(5, 'low_battery');
    await until('B-0302', ['low_battery']);
    expect((await guard.get('/api/v1/incidents?status=all')).body.items).toEqual([]);
  });

  it('three missed heartbeats make a bell offline; it recovers with the next heartbeat', async () => {
    const bell = await t.bell('B-0301');
    const sent = Date.now() - 5;
    await bell.publish('heartbeat', '{}', { qos: 0 });
    await heard('B-0301', sent);
    const changed = await t.system.supervisor.sweep(new Date(Date.now() + 3 * 60_000 + 1_000));
    expect(changed.map((b) => b.id)).toContain('B-0301');
    expect(await troubleOf('B-0301')).toEqual(['offline']);
    await stream.waitFor('bell.status', (b) => b.id === 'B-0301' && !b.online && b.trouble.includes('offline'));
    await bell.publish('heartbeat', '{}', { qos: 0 });
    await until('B-0301', []);
  });

  it('the will message makes a bell offline at once', async () => {
    const bell = await t.bell('B-K1');
    const sent = Date.now() - 5;
    await bell.publish('heartbeat', '{}', { qos: 0 });
    await heard('B-K1', sent);
    await until('B-K1', []);
    await bell.publish('status', JSON.stringify({ online: false }));
    await until('B-K1', ['offline']);
    await bell.publish('status', '', { retain: true });
  });
});
