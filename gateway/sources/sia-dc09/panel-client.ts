/** A fake alarm panel for tests: a TCP client that writes raw bytes and collects the receiver's answers. */
import { connect, type Socket } from 'node:net';
import { frameMessage } from './frame.ts';
import { encryptContent, type Dc09Key } from './aes.ts';

export class PanelClient {
  readonly answers: string[] = [];
  private buffer = '';

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => {
      this.buffer += text;
      let end: number;
      while ((end = this.buffer.indexOf('\r')) >= 0) {
        this.answers.push(this.buffer.slice(0, end + 1));
        this.buffer = this.buffer.slice(end + 1);
      }
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<PanelClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, noDelay: true }, () => resolve(new PanelClient(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, (err) => (err ? reject(err) : resolve())));
  }

  /** Waits for the n-th answer (1-based) from the start of the connection. */
  async answer(n: number, timeoutMs = 5_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    while (this.answers.length < n) {
      if (Date.now() > until) throw new Error(`panel: answer ${n} not received within ${timeoutMs} ms (got ${JSON.stringify(this.answers)})`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.answers[n - 1]!;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** `HH:MM:SS,MM-DD-YYYY` of a date, UTC. */
const stamp = (at: Date) => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(at.getUTCHours())}:${p(at.getUTCMinutes())}:${p(at.getUTCSeconds())},${p(at.getUTCMonth() + 1)}-${p(at.getUTCDate())}-${at.getUTCFullYear()}`;
};

/** A Contact ID event frame as a panel sends it, timestamped `at`. */
export function cidFrame(o: { seq: number; account: string; event: string; zone?: string; qualifier?: 1 | 3 | 6; at?: Date }): string {
  const seq = String(o.seq).padStart(4, '0');
  return frameMessage(`"ADM-CID"${seq}R1L1#${o.account}[#${o.account}|${o.qualifier ?? 1}${o.event} 01 ${o.zone ?? '001'}]_${stamp(o.at ?? new Date())}`);
}

export function nullFrame(o: { seq: number; account: string; at?: Date }): string {
  return frameMessage(`"NULL"${String(o.seq).padStart(4, '0')}R1L1#${o.account}[]_${stamp(o.at ?? new Date())}`);
}

/** An encrypted SIA-DCS event frame (`"*SIA-DCS"`), as DEVICES.md §3.4's vector: AES-CBC of pad + `|Nri1/<code><zone>]_timestamp`. */
export function encryptedSiaFrame(o: { seq: number; account: string; code: string; zone?: string; key: Dc09Key; at?: Date }): string {
  const seq = String(o.seq).padStart(4, '0');
  return frameMessage(`"*SIA-DCS"${seq}R1L1#${o.account}[${encryptContent(`|Nri1/${o.code}${o.zone ?? '001'}]_${stamp(o.at ?? new Date())}`, o.key)}`);
}
