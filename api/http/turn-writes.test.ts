import { describe, expect, it } from 'vitest';
import { turnWriter } from './turn-writes.ts';

function fakeSocket() {
  const log: string[] = [];
  let depth = 0;
  return {
    log,
    destroyed: false,
    cork: () => {
      depth++;
      log.push('cork');
    },
    uncork: () => {
      depth--;
      log.push('uncork');
    },
    write: (s: string) => log.push(depth > 0 ? `held ${s}` : `sent ${s}`),
  };
}

describe('writes of one turn to a socket', () => {
  it('are held together until the turn ends, then released once; the next turn corks again', async () => {
    const s = fakeSocket();
    const inTurn = turnWriter(s);
    inTurn(() => s.write('a'));
    inTurn(() => s.write('b'));
    expect(s.log).toEqual(['cork', 'held a', 'held b']);
    await new Promise((r) => setImmediate(r));
    inTurn(() => s.write('c'));
    await new Promise((r) => setImmediate(r));
    expect(s.log).toEqual(['cork', 'held a', 'held b', 'uncork', 'cork', 'held c', 'uncork']);
  });

  it('a socket destroyed within the turn is not uncorked; no socket writes at once', async () => {
    const s = fakeSocket();
    const inTurn = turnWriter(s);
    inTurn(() => s.write('a'));
    s.destroyed = true;
    await new Promise((r) => setImmediate(r));
    expect(s.log).toEqual(['cork', 'held a']);
    const log: string[] = [];
    turnWriter(undefined)(() => log.push('now'));
    expect(log).toEqual(['now']);
  });
});
