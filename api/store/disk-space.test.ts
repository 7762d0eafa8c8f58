import { describe, expect, it } from 'vitest';
import { diskSpace, diskStateOf, FULL_BELOW_BYTES, LOW_BELOW_BYTES } from './disk-space.ts';

describe('free space under DATA_DIR', () => {
  it('is full below one WAL segment, low below 256 MiB', () => {
    expect(diskStateOf(FULL_BELOW_BYTES - 1)).toBe('full');
    expect(diskStateOf(FULL_BELOW_BYTES)).toBe('low');
    expect(diskStateOf(LOW_BELOW_BYTES - 1)).toBe('low');
    expect(diskStateOf(LOW_BELOW_BYTES)).toBe('ok');
  });

  it('reads the file system of a folder; an in-memory database has none', async () => {
    const report = await diskSpace(process.cwd());
    expect(report?.freeBytes).toBeGreaterThan(0);
    expect(await diskSpace('memory://')).toBeUndefined();
  });
});
