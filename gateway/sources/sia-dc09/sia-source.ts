/**
 * Alarm panels over SIA DC-09 on TCP (DEVICES.md §3): a thin node:net server around the pure layers
 * (frame → panel event → answer). Events are ACKed only once the alarm core has stored them, so a panel
 * whose event was not stored retransmits; link tests (NULL) are ACKed at once and keep the panel's bells online.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Ack, RejectReason } from '../../../firmware-bridge/protocol/index.ts';
import { PortInUseError } from '../../broker/embedded-broker.ts';
import type { BellSignal, BellSource, Rejection } from '../../signal.ts';
import { decryptContent, type Dc09Key } from './aes.ts';
import { Dc09StreamSplitter, parseFrame, withContent, type Dc09Frame, type StreamItem } from './frame.ts';
import { panelEvent } from './panel-event.ts';
import { ackResponse, duhResponse, encryptedAckResponse, nakResponse } from './responses.ts';
import { SeqAssigner } from './seq-assigner.ts';
import { SIA_REFUSALS, type SiaMetrics, type SiaRefusal } from './sia-metrics.ts';

type Handlers = { signal(s: BellSignal): void; rejected(r: Rejection): void };

export interface SiaDc09SourceOptions {
  port: number;
  host?: string;
  /** The bell of a panel event: the bell of that zone first, then the bell of the whole account. */
  resolve(account: string, zone: string | undefined): string | undefined;
  /** Every bell of an account: a panel's link test keeps them all online. */
  accountBells(account: string): string[];
  /** The AES key of an account whose panel encrypts (DEVICES.md §3.4); encrypted messages without one are refused. */
  keyFor?: (account: string) => Dc09Key | undefined;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'>;
  metrics?: SiaMetrics;
  now?: () => Date;
  /** The accepted window of the panel's timestamp around our clock (pysiaalarm's default: 40 s past, 20 s future). */
  allowedPastMs?: number;
  allowedFutureMs?: number;
  /** An event not stored within this long gets no ACK: the panel retransmits. */
  ackTimeoutMs?: number;
  /** A connection silent this long is closed (panels reconnect); bounds dead sockets. Default 60 s. */
  idleTimeoutMs?: number;
  maxConnections?: number;
  /** Open connections from one address (a panel needs one or two); more are closed at once. Default 8. */
  maxConnectionsPerAddress?: number;
}

interface Conn {
  socket: Socket;
  remote: string;
  splitter: Dc09StreamSplitter;
}

export class SiaDc09Source implements BellSource {
  readonly name = 'sia-dc09';
  private server: Server | undefined;
  private handlers: Handlers | undefined;
  private readonly conns = new Set<Conn>();
  private readonly seqs = new SeqAssigner();
  private readonly now: () => Date;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly opts: SiaDc09SourceOptions) {
    this.now = opts.now ?? (() => new Date());
  }

  get connected(): boolean {
    return this.server?.listening ?? false;
  }

  /** Open panel connections. */
  get panels(): number {
    return this.conns.size;
  }

  /** The port listened on (the real one when 0 was asked for). */
  get port(): number {
    const a = this.server?.address();
    return typeof a === 'object' && a ? a.port : this.opts.port;
  }

  async start(handlers: Handlers): Promise<void> {
    this.handlers = handlers;
    for (const detail of SIA_REFUSALS) this.opts.metrics?.rejected.inc({ detail }, 0);
    const server = createServer({ noDelay: true, keepAlive: true }, (socket) => this.accept(socket));
    server.maxConnections = this.opts.maxConnections ?? 256;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(this.opts.port, 'SIA_DC09_PORT') : err));
      server.listen(this.opts.port, this.opts.host ?? '0.0.0.0', () => resolve());
    });
    server.on('error', (err) => this.opts.logger?.warn({ err: err.message }, 'SIA DC-09 server error'));
    this.server = server;
    this.opts.logger?.info({ port: this.port }, 'SIA DC-09 receiver listening');
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const c of this.conns) c.socket.destroy();
    this.conns.clear();
    this.opts.metrics?.connections.set(0);
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** A panel cannot be told of a person's acknowledgement: DC-09 answers only what the panel sent. */
  sendAck(_bellId: string, _ack: Ack): void {}

  private accept(socket: Socket): void {
    socket.setNoDelay(true);
    const conn: Conn = { socket, remote: `${socket.remoteAddress}:${socket.remotePort}`, splitter: new Dc09StreamSplitter() };
    const fromThere = [...this.conns].filter((c) => c.socket.remoteAddress === socket.remoteAddress).length;
    if (fromThere >= (this.opts.maxConnectionsPerAddress ?? 8)) {
      this.refuse(conn, 'too_many_connections', `${fromThere} connections already open from ${socket.remoteAddress}`, this.now());
      socket.destroy();
      return;
    }
    this.conns.add(conn);
    this.opts.metrics?.connections.set(this.conns.size);
    this.opts.logger?.debug({ remote: conn.remote }, 'alarm panel connected');
    socket.setTimeout(this.opts.idleTimeoutMs ?? 60_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => this.onData(conn, conn.splitter.push(chunk)));
    socket.on('error', (err) => this.opts.logger?.debug({ remote: conn.remote, err: err.message }, 'panel connection error'));
    socket.on('close', () => {
      this.onData(conn, conn.splitter.end());
      this.conns.delete(conn);
      this.opts.metrics?.connections.set(this.conns.size);
    });
  }

  private onData(conn: Conn, items: StreamItem[]): void {
    const receivedAt = this.now();
    for (const item of items) {
      try {
        if (item.kind === 'rejected') {
          this.refuse(conn, item.problem, `${item.bytes} bytes starting "${item.sample}"`, receivedAt);
          if (item.problem === 'frame_too_long') this.write(conn, nakResponse(receivedAt));
        } else this.onFrame(conn, item.text, receivedAt);
      } catch (err) {
        // A throw here would escape the socket's 'data' event and end the process: log it, keep serving.
        this.opts.logger?.warn({ remote: conn.remote, err: (err as Error).message }, 'SIA DC-09 frame handling failed');
      }
    }
  }

  private onFrame(conn: Conn, text: string, receivedAt: Date): void {
    const parsed = parseFrame(text);
    if (!parsed.ok) return this.nak(conn, parsed.problem, parsed.detail, receivedAt);
    let frame = parsed.frame;
    if (frame.lengthWarning) this.opts.logger?.debug({ remote: conn.remote, account: frame.account }, `SIA DC-09 ${frame.lengthWarning} (accepted)`);
    let key: Dc09Key | undefined;
    if (frame.encrypted) {
      key = this.opts.keyFor?.(frame.account);
      if (!key) {
        this.refuse(conn, 'encrypted', `account ${frame.account} sent an encrypted message and has no key configured`, receivedAt);
        return this.write(conn, duhResponse(frame));
      }
      const clear = withContent(frame, `[${decryptContent(frame.data, key)}`);
      if (!clear.ok) return this.nak(conn, clear.problem, `after decryption (wrong key?): ${clear.detail}`, receivedAt);
      frame = clear.frame;
      if (!frame.timestamp) return this.nak(conn, 'bad_timestamp', 'an encrypted message must carry a timestamp', receivedAt);
    } else if (this.opts.keyFor?.(frame.account)) {
      // An account with a key speaks only encrypted: a plaintext frame in its name is a forgery (or a panel misconfigured).
      return this.plaintextForKeyedAccount(conn, frame, receivedAt);
    }
    if (frame.timestamp) {
      const off = frame.timestamp.getTime() - receivedAt.getTime();
      if (off < -(this.opts.allowedPastMs ?? 40_000) || off > (this.opts.allowedFutureMs ?? 20_000)) {
        return this.nak(conn, 'bad_timestamp', `panel time ${frame.timestampText} is ${Math.round(off / 1000)} s off our clock`, receivedAt);
      }
    }
    this.onMessage(conn, frame, key, receivedAt);
  }

  private onMessage(conn: Conn, frame: Dc09Frame, key: Dc09Key | undefined, receivedAt: Date): void {
    const ack = () => this.write(conn, key ? encryptedAckResponse(frame, key, this.now()) : ackResponse(frame));
    const ev = panelEvent(frame);
    const base = { receivedAt, transport: 'sia-dc09' as const };
    switch (ev.kind) {
      case 'malformed':
        return this.nak(conn, 'bad_format', ev.detail, receivedAt);
      case 'unknown':
        this.refuse(conn, 'unknown_code', `${ev.detail} (account ${frame.account})`, receivedAt, 'unknown_type');
        return this.write(conn, duhResponse(frame));
      case 'link_test': {
        const bells = this.opts.accountBells(frame.account);
        if (bells.length === 0) return this.unknownAccount(conn, frame, undefined, receivedAt);
        for (const bellId of bells) this.handlers?.signal({ ...base, kind: 'heartbeat', bellId });
        return ack();
      }
      case 'restore':
      case 'event': {
        const bellId = this.opts.resolve(frame.account, ev.zone);
        if (!bellId) return this.unknownAccount(conn, frame, ev.zone, receivedAt);
        if (ev.kind === 'restore') {
          // A restore opens and closes nothing (the person may still be in danger); it proves the panel is alive.
          this.opts.metrics?.restores.inc();
          this.opts.logger?.info({ bellId, account: frame.account, zone: ev.zone, code: ev.code }, `SIA DC-09 restore (${ev.name}): logged, no incident change`);
          this.handlers?.signal({ ...base, kind: 'heartbeat', bellId });
          return ack();
        }
        const seq = this.seqs.assign(bellId, `${frame.account}|${frame.seq}|${frame.data}|${frame.xdata.join('][')}`, receivedAt.getTime());
        const reply = this.replyOnce(conn, frame, bellId, seq, ack);
        const at = frame.timestamp?.toISOString();
        this.handlers?.signal({ ...base, kind: 'event', bellId, seq, type: ev.type, ...(at ? { at } : {}), reply });
        return;
      }
    }
  }

  /** The ACK of an event goes out when the core says it is stored, once, and not after the timeout. */
  private replyOnce(conn: Conn, frame: Dc09Frame, bellId: string, seq: number, ack: () => void): (a: Ack) => void {
    let done = false;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (done) return;
      done = true;
      this.opts.metrics?.unanswered.inc();
      this.opts.logger?.warn({ bellId, seq, account: frame.account, dc09Seq: frame.seq }, 'SIA DC-09 event not stored in time: no ACK sent, the panel retransmits');
    }, this.opts.ackTimeoutMs ?? 10_000);
    timer.unref();
    this.timers.add(timer);
    return () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.timers.delete(timer);
      ack();
    };
  }

  private plaintextForKeyedAccount(conn: Conn, frame: Dc09Frame, at: Date): void {
    this.opts.metrics?.rejected.inc({ detail: 'plaintext' });
    const bellId = this.opts.accountBells(frame.account)[0];
    this.handlers?.rejected({
      reason: 'missing_mac', bellId, transport: 'sia-dc09', at,
      detail: `plaintext: account ${frame.account} has a key and must encrypt; a plaintext message from ${conn.remote} was refused`,
    });
    this.write(conn, nakResponse(this.now()));
  }

  private unknownAccount(conn: Conn, frame: Dc09Frame, zone: string | undefined, at: Date): void {
    const where = zone ? `account ${frame.account} zone ${zone}` : `account ${frame.account}`;
    // DEVICES.md §3.3: an unknown account is answered NAK (DUH is for valid messages not understood).
    this.refuse(conn, 'unknown_account', `no bell is provisioned for SIA DC-09 ${where}`, at, 'unknown_bell');
    this.write(conn, nakResponse(this.now()));
  }

  private nak(conn: Conn, problem: SiaRefusal, detail: string, at: Date): void {
    this.refuse(conn, problem, detail, at);
    this.write(conn, nakResponse(this.now()));
  }

  private refuse(conn: Conn, problem: SiaRefusal, detail: string, at: Date, reason: RejectReason = 'invalid_field'): void {
    this.opts.metrics?.rejected.inc({ detail: problem });
    this.handlers?.rejected({ reason, detail: `${problem}: ${detail} from ${conn.remote}`, transport: 'sia-dc09', at });
  }

  private write(conn: Conn, text: string): void {
    if (conn.socket.destroyed || !conn.socket.writable) return; // the panel went away: it retransmits on its next connection
    conn.socket.write(text, 'latin1');
  }
}
