import { describe, expect, it } from 'vitest';
import { procUsage } from './supervision-ipc.ts';

describe('procUsage: another process read from /proc, as the bench reads Mosquitto', () => {
  it.runIf(process.platform === 'linux')('reads this process as process.cpuUsage and memoryUsage see it', async () => {
    const end = Date.now() + 200;
    while (Date.now() < end); // CPU to count
    const before = process.cpuUsage();
    const read = await procUsage(process.pid);
    const after = process.cpuUsage();
    // /proc counts in ticks of 10 ms: the reading lies between the two, give or take a tick.
    expect(read.cpuMicros).toBeGreaterThanOrEqual(before.user + before.system - 20_000);
    expect(read.cpuMicros).toBeLessThanOrEqual(after.user + after.system + 20_000);
    expect(read.cpuMicros).toBeGreaterThan(150_000);
    const rss = process.memoryUsage().rss;
    expect(read.rss).toBeGreaterThan(rss * 0.8);
    expect(read.rss).toBeLessThan(rss * 1.25);
    expect(read.cpuMicrosAfterGc).toBe(read.cpuMicros);
  });

  it('fails on a process that is not there', async () => {
    await expect(procUsage(2 ** 22 + 1)).rejects.toThrow(/ENOENT/);
  });
});
