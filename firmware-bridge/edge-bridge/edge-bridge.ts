/**
 * The edge bridge: legacy dry-contact bells, read through a serial I/O board (README.md beside this file),
 * become native bells on MQTT. Each bell is a VirtualBell, so its events keep their seq across restarts and
 * are retransmitted until `received`; the acks drive the bell's lamp on the board. While the board is silent,
 * the bells are announced offline, so the gateway shows them as unable to call for help.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { BellStoppedError, VirtualBell } from '../virtual-bell/index.ts';
import { SerialLine, type SerialSpec } from '../serial-line/index.ts';
import { excerpt, formatLamp, parseBoardLine, type Lamp } from './board-protocol.ts';
import type { EdgeBellConfig, EdgeBridgeConfig } from './config.ts';
import { Contact, type Gesture } from './contact.ts';
import { LampState } from './lamp-state.ts';

export const EDGE_BRIDGE_FW = 'edge-bridge-1.0.0';
/** PROTOCOL.md §1: held 3 s or more is a long_press. */
export const LONG_PRESS_MS = 3_000;

export interface EdgeBridgeOptions {
  config: EdgeBridgeConfig;
  board: SerialSpec;
  mqttUrl: string;
  stateDir: string;
  topicRoot?: string | undefined;
  logger?: Pick<Logger, 'info' | 'warn' | 'debug'> | undefined;
  /** PROTOCOL.md §1 says 2 s; tests shorten it. */
  retransmitMs?: number | undefined;
  /** How long start() waits for a broker's refusal before leaving the bells to keep trying (default 3 s). */
  refusalGraceMs?: number | undefined;
}

const REFUSAL_GRACE_MS = 3_000;

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

export interface EdgeBridgeEvents {
  gesture: [{ channel: number; bellId: string; type: Gesture; seq: number }];
  lamp: [{ channel: number; bellId: string; lamp: Lamp }];
  garbage: [{ line: string; reason: string }];
  board: [{ alive: boolean; reason: string }];
}

interface Channel {
  config: EdgeBellConfig;
  bell: VirtualBell;
  contact: Contact;
  lamp: LampState;
  /** What the board was last told; undefined: unknown (after a board restart), so the next refresh writes. */
  shown: Lamp | undefined;
  lampTimer: NodeJS.Timeout | undefined;
}

export class EdgeBridge extends EventEmitter<EdgeBridgeEvents> {
  private readonly line: SerialLine;
  private readonly channels = new Map<number, Channel>();
  private boardAlive = false;
  private boardTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Lines from the board that were not IN or HB (noise, a wrong baud rate, a half line). */
  garbageLines = 0;

  constructor(private readonly opts: EdgeBridgeOptions) {
    super();
    this.line = new SerialLine(opts.board);
    for (const b of opts.config.bells) this.channels.set(b.channel, this.makeChannel(b));
  }

  get boardConnected(): boolean {
    return this.boardAlive;
  }

  /** Connects every bell (announced offline until the board is heard), then opens the board's port. */
  async start(): Promise<void> {
    const log = this.opts.logger;
    const bells = [...this.channels.values()].map((c) => c.bell);
    const starts = bells.map((b) => b.start());
    // A broker that refuses (bad credentials) answers at once and stops the start; one that is down is waited for
    // in the background, as firmware does, while the board is read: presses meanwhile are queued and retransmitted.
    const early = await Promise.race([Promise.allSettled(starts), delay(this.opts.refusalGraceMs ?? REFUSAL_GRACE_MS)]);
    const failed = early?.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      await Promise.all(bells.map((b) => b.stop({ announceOffline: false })));
      throw failed.reason as Error;
    }
    if (!early) {
      log?.warn('MQTT broker not reachable yet; the bells keep trying');
      for (const s of starts) s.catch((err: Error) => log?.warn({ err: err.message }, 'a bell gave up on the MQTT broker'));
    }
    this.line.on('line', (text) => this.onBoardLine(text));
    this.line.on('overlong', (bytes) => this.garbage(`(${bytes} bytes)`, 'line too long'));
    this.line.on('lost', (err) => this.boardLost(`serial port lost (${err?.message ?? 'closed'})`));
    this.line.on('open', () => log?.info({ port: this.line.path }, 'board port open; waiting for its first line'));
    this.line.on('retryFailed', (err) => log?.debug({ port: this.line.path, err: err.message }, 'board port still cannot be opened'));
    try {
      await this.line.start();
    } catch (err) {
      await Promise.all(bells.map((b) => b.stop()));
      throw err;
    }
    this.armBoardTimer();
  }

  /** Lamps off, bells announced offline, port closed: without the bridge nobody keeps them truthful. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.boardTimer);
    clearInterval(this.heartbeatTimer);
    for (const c of this.channels.values()) {
      c.contact.reset();
      clearTimeout(c.lampTimer);
    }
    if (this.line.isOpen) {
      await Promise.all([...this.channels.keys()].map((ch) => this.line.write(formatLamp(ch, 'OFF')).catch(() => undefined)));
    }
    await this.line.stop();
    await Promise.all([...this.channels.values()].map((c) => c.bell.stop()));
  }

  private makeChannel(b: EdgeBellConfig): Channel {
    const bell = new VirtualBell({
      bellId: b.bellId,
      // Dry-contact bells have no battery or radio: their heartbeats must not invent them.
      wired: true,
      mqttUrl: this.opts.mqttUrl,
      keyHex: b.key?.toLowerCase(),
      // A bell with MQTT credentials logs in as its id (guardbell devices mosquitto-acl).
      username: b.mqttPassword !== undefined ? b.bellId : undefined,
      password: b.mqttPassword,
      topicRoot: this.opts.topicRoot,
      stateDir: this.opts.stateDir,
      retransmitMs: this.opts.retransmitMs,
      // As firmware does: an alarm is retransmitted until the gateway has it, however long that takes.
      receivedTimeoutMs: Infinity,
      // … and keeps trying to reach the broker for as long as it is away.
      connectTimeoutMs: Infinity,
      startOnline: false,
      fw: EDGE_BRIDGE_FW,
    });
    const channel: Channel = {
      config: b,
      bell,
      contact: new Contact({ debounceMs: this.opts.config.debounceMs, longPressMs: LONG_PRESS_MS }, (g) => this.onGesture(channel, g)),
      lamp: new LampState(),
      shown: undefined,
      lampTimer: undefined,
    };
    bell.on('sent', (s) => {
      if (s.attempt !== 1) return;
      channel.lamp.sent(s.seq);
      this.refreshLamp(channel);
    });
    bell.on('ack', (ack) => {
      channel.lamp.answered(ack);
      this.refreshLamp(channel);
    });
    bell.on('invalid', (i) => this.opts.logger?.warn({ bellId: b.bellId, detail: i.detail }, 'invalid ack ignored'));
    return channel;
  }

  private onBoardLine(text: string): void {
    const message = parseBoardLine(text);
    if (message.kind === 'garbage') return this.garbage(text, message.reason);
    this.boardHeard();
    if (message.kind !== 'input') return;
    const channel = this.channels.get(message.channel);
    // A spare input with nothing wired to a bell: valid, not ours.
    if (!channel) return this.opts.logger?.debug({ channel: message.channel }, 'input on a channel without a bell');
    channel.contact.input(message.closed);
  }

  private garbage(line: string, reason: string): void {
    this.garbageLines++;
    this.opts.logger?.debug({ line: excerpt(line), reason }, 'board line ignored');
    this.emit('garbage', { line, reason });
  }

  private onGesture(channel: Channel, type: Gesture): void {
    const { bellId, channel: ch } = channel.config;
    channel.bell.publishEvent(type).then(
      (pending) => {
        this.opts.logger?.info({ channel: ch, bellId, type, seq: pending.seq }, 'bell event sent');
        this.emit('gesture', { channel: ch, bellId, type, seq: pending.seq });
        pending.received.catch((err: unknown) => {
          if (err instanceof BellStoppedError) return;
          channel.lamp.abandoned(pending.seq);
          this.refreshLamp(channel);
        });
      },
      (err: unknown) => {
        // Only a damaged or locked seq file, or a stop, gets here: the press is lost, say so loudly.
        if (!(err instanceof BellStoppedError)) this.opts.logger?.warn({ channel: ch, bellId, type, err: (err as Error).message }, 'bell event NOT sent');
      },
    );
  }

  private refreshLamp(channel: Channel): void {
    const lamp = channel.lamp.lamp;
    clearTimeout(channel.lampTimer);
    if (lamp === 'BLINK' || lamp === 'ON') {
      channel.lampTimer = setTimeout(() => {
        channel.lamp.expire();
        this.refreshLamp(channel);
      }, this.opts.config.lampTimeoutMinutes * 60_000);
      channel.lampTimer.unref();
    }
    if (lamp === channel.shown || !this.line.isOpen) return;
    channel.shown = lamp;
    const ch = channel.config.channel;
    this.emit('lamp', { channel: ch, bellId: channel.config.bellId, lamp });
    this.line.write(formatLamp(ch, lamp)).catch(() => {
      // Unknown again: written when the board is next heard.
      channel.shown = undefined;
    });
  }

  private armBoardTimer(): void {
    clearTimeout(this.boardTimer);
    const seconds = this.opts.config.boardTimeoutSeconds;
    this.boardTimer = setTimeout(() => this.boardLost(`no line from the board for ${seconds} s`), seconds * 1000);
  }

  private boardHeard(): void {
    this.armBoardTimer();
    if (this.boardAlive || this.stopped) return;
    this.boardAlive = true;
    this.opts.logger?.info({ port: this.line.path }, 'board heard: its bells are online');
    this.emit('board', { alive: true, reason: 'board heard' });
    for (const c of this.channels.values()) {
      c.bell.setOnline(true).catch(() => undefined);
      // The board may have restarted and forgotten its lamps: tell it every one again.
      c.shown = undefined;
      this.refreshLamp(c);
    }
    this.sendHeartbeats();
    this.heartbeatTimer = setInterval(() => this.sendHeartbeats(), this.opts.config.heartbeatSeconds * 1000);
  }

  private boardLost(reason: string): void {
    if (!this.boardAlive || this.stopped) return;
    this.boardAlive = false;
    clearInterval(this.heartbeatTimer);
    this.opts.logger?.warn({ port: this.line.path, reason }, 'board lost: its bells are reported offline');
    this.emit('board', { alive: false, reason });
    for (const c of this.channels.values()) {
      c.contact.reset();
      c.bell.setOnline(false).catch(() => undefined);
    }
  }

  private sendHeartbeats(): void {
    // A bell still waiting for the broker sends none: a heartbeat queued for later would arrive stale.
    for (const c of this.channels.values()) if (c.bell.connected) c.bell.heartbeat().catch(() => undefined);
  }
}
