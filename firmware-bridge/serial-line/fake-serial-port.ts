/** For unit tests of serial sources: a port that is present or not, whose every open hands out a new link, like a replugged adapter. */
import type { OpenSerialLink, SerialLineConfig, SerialLink } from './serial-link.ts';

export class FakeLink implements SerialLink {
  written: string[] = [];
  closed = false;
  private data: ((chunk: Buffer) => void)[] = [];
  private close_: ((err: Error | null) => void)[] = [];
  onData(cb: (chunk: Buffer) => void) { this.data.push(cb); }
  onClose(cb: (err: Error | null) => void) { this.close_.push(cb); }
  async write(text: string) { this.written.push(text); }
  async close() { this.unplug(null); }
  feed(text: string | Buffer) { for (const cb of this.data) cb(typeof text === 'string' ? Buffer.from(text, 'latin1') : text); }
  unplug(err: Error | null = new Error('bad file descriptor')) {
    if (this.closed) return;
    this.closed = true;
    for (const cb of this.close_) cb(err);
  }
}

export interface FakePort {
  present: boolean;
  links: FakeLink[];
  /** Every open asked for, present or not. */
  configs: SerialLineConfig[];
  readonly attempts: number;
  open: OpenSerialLink;
}

export function fakePort(): FakePort {
  const port: FakePort = {
    present: true,
    links: [],
    configs: [],
    get attempts() { return this.configs.length; },
    open: async (config) => {
      port.configs.push(config);
      if (!port.present) throw new Error(`No such file or directory, cannot open ${config.path}`);
      const link = new FakeLink();
      port.links.push(link);
      return link;
    },
  };
  return port;
}
