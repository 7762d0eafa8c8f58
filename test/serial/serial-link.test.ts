import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeSerialLink, type SerialLink } from '../../gateway/index.ts';
import { waitFor } from '../support/wait.ts';
import { BellLine } from './line.ts';
import { PtyPair } from './pty.ts';

/** What SerialSource relies on from the thin `serialport` wrapper, checked on a real pty. */
describe('openNodeSerialLink on a pty', () => {
  let pty: PtyPair;

  beforeAll(async () => {
    pty = await PtyPair.create();
    await pty.start();
  });
  afterAll(async () => {
    await pty?.dispose();
  });

  const open = async () => {
    const link = await openNodeSerialLink({ path: pty.a, baudRate: 115200 });
    const got: Buffer[] = [];
    const closes: (Error | null)[] = [];
    link.onData((c) => got.push(c));
    link.onClose((e) => closes.push(e));
    return { link, got, closes, text: () => Buffer.concat(got).toString('latin1') };
  };

  it('rejects a path that does not exist', async () => {
    await expect(openNodeSerialLink({ path: `${pty.dir}/missing`, baudRate: 115200 })).rejects.toThrow();
  });

  it('reads and writes bytes unchanged, binary included, and close fires onClose(null) once', async () => {
    const a = await open();
    const b = await BellLine.open(pty.b);
    try {
      const bytes = Buffer.from([0x24, 0x00, 0xff, 0x80, 0x0d, 0x0a]);
      await b.write(bytes);
      await waitFor(() => Buffer.concat(a.got).length >= bytes.length, 5_000, 'bytes on the link');
      expect(Buffer.concat(a.got)).toEqual(bytes);
      await a.link.write('$GBA,B-0301,17,received*E274\r\n');
      await b.waitForLine('$GBA,B-0301,17,received*E274');
      await a.link.close();
      await a.link.close();
      expect(a.closes).toEqual([null]);
    } finally {
      await b.close();
    }
  });

  // serialport/bindings-cpp#162: a hang-up met by the first read (not by the poller) used to spin forever
  // and never report the disconnect; socat killed right after the open hits exactly that.
  it('a hang-up right after the open is reported too (reads of 0 bytes are the end of the device)', async () => {
    const a = await open();
    await pty.stop();
    await waitFor(() => a.closes.length === 1, 5_000, 'onClose after a hang-up at open');
    expect(a.closes[0]?.message).toMatch(/end of file|bad file descriptor/);
    await pty.start();
  });

  it('the other end going away fires onClose with an error, and the path can be opened again once back', async () => {
    const a = await open();
    await pty.stop();
    await waitFor(() => a.closes.length === 1, 5_000, 'onClose after the unplug');
    expect(a.closes[0]).toBeInstanceOf(Error);
    await expect(openNodeSerialLink({ path: pty.a, baudRate: 115200 })).rejects.toThrow();
    await pty.start();
    let again: SerialLink | undefined;
    try {
      again = await openNodeSerialLink({ path: pty.a, baudRate: 115200 });
    } finally {
      await again?.close();
    }
  });
});
