/**
 * The press phase: presses at a fixed rate over the bells (a free-bell queue in round-robin order, so every
 * press opens a new incident), firmware-style retransmission every 2 s until `received`, and the three
 * arrival times of each press: at the bell (`received` ack), at the in-process hub, at the WebSocket console;
 * with a fake Twilio also the first SMS request of the press's incident to reach it.
 * A manager ends an incident (cancel with a reason; not measured) once all arrived, when its bell is needed again.
 */
import { performance } from 'node:perf_hooks';
import type { FakeTwilioRequest } from '../support/fake-twilio.ts';
import { benchBattery, type BellAckMessage } from './fleet.ts';
import { sleep } from './stats.ts';

export const RETRANSMIT_MS = 2_000;

/** A bell the run presses: its MQTT client may live in another process (press-fleet.ts). */
export interface PressBell {
  readonly index: number;
  readonly id: string;
  /** Next seq to send: strictly increasing per bell. */
  nextSeq: number;
  /** Its acks, with their arrival time on this process's performance.now() scale. */
  onAck: (ack: BellAckMessage, at: number) => void;
  /** Publishes an event payload at QoS 1; `sent` is told when it went out, on this process's scale. */
  publishEvent(payload: string, sent?: (at: number) => void): void;
}

export interface PressRecord {
  k: number;
  bell: PressBell;
  seq: number;
  payload: string;
  /** performance.now() just before the first copy was handed to mqtt.js (in the bell's process). */
  t0: number;
  /** How late the press went out against its schedule (event loop busy). */
  lagMs: number;
  tReceived?: number;
  tHub?: number;
  tConsole?: number;
  /** When the hub first announced the incident as stored: the engine arms its escalation then. */
  tStored?: number;
  /** The fake Twilio's arrival time of the incident's first SMS (performance.now() scale), and its request. */
  tSms?: number;
  sms?: FakeTwilioRequest;
  incidentId?: string;
  retransmits: number;
  timer?: NodeJS.Timeout;
  needsClose: boolean;
}

export interface PressRunOptions {
  rate: number;
  seconds: number;
  closeConcurrency: number;
  /** Waits for the first SMS too (before closing, and as a straggler). */
  requireSms: boolean;
  /** Ends an incident as a manager; resolves true once it is over, or why not. */
  close(incidentId: string): Promise<true | string>;
}

export class PressRun {
  readonly presses: PressRecord[] = [];
  readonly planned: number;
  skipped = 0;
  receivedRepeats = 0;
  consoleUnmatched = 0;
  /** SMS after an incident's first (its other recipient). */
  smsOther = 0;
  closes = 0;
  closeFailures = 0;
  firstCloseFailure: string | undefined;
  private readonly current = new Map<string, PressRecord>();
  private readonly byIncident = new Map<string, PressRecord>();
  /** SMS of incidents not yet known here (an SMS before the ack and the console: not expected). */
  private readonly earlySms = new Map<string, { at: number; request: FakeTwilioRequest }>();
  private readonly free: PressBell[];
  private readonly closeQueue: PressRecord[] = [];
  private closing = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly bells: PressBell[],
    private readonly opts: PressRunOptions,
  ) {
    this.planned = Math.floor(opts.rate * opts.seconds);
    this.free = [...bells];
    for (const b of bells) b.onAck = (ack, at) => this.onAck(b, ack, at);
  }

  /** Resolves once the last planned press went out. */
  run(): Promise<void> {
    const interval = 1000 / this.opts.rate;
    const begin = performance.now();
    let k = 0;
    return new Promise<void>((resolve) => {
      const tick = () => {
        if (this.stopped) return resolve();
        const now = performance.now();
        while (k < this.planned && begin + k * interval <= now) {
          this.press(k, now - (begin + k * interval));
          k++;
        }
        if (k >= this.planned) return resolve();
        this.timer = setTimeout(tick, Math.max(0, begin + k * interval - performance.now()));
      };
      tick();
    });
  }

  private press(k: number, lagMs: number): void {
    const bell = this.free.shift();
    if (!bell) {
      this.skipped++; // every bell still has an open incident: the run has too few bells for its rate
      return;
    }
    const seq = bell.nextSeq++;
    const payload = JSON.stringify({ seq, type: 'press', at: new Date().toISOString(), battery: benchBattery(bell.index) });
    const rec: PressRecord = {
      k, bell, seq, payload, lagMs, retransmits: 0, t0: 0,
      // Incidents of the last `bells` presses are left open: no bell is pressed after them.
      needsClose: k < this.planned - this.bells.length,
    };
    this.presses.push(rec);
    this.current.set(bell.id, rec);
    rec.t0 = performance.now(); // until the bell says when it sent it (its answer comes before its ack)
    bell.publishEvent(payload, (at) => (rec.t0 = at));
    this.scheduleRetransmit(rec);
  }

  private scheduleRetransmit(rec: PressRecord): void {
    rec.timer = setTimeout(() => {
      if (this.stopped || rec.tReceived !== undefined) return;
      rec.retransmits++;
      rec.bell.publishEvent(rec.payload); // the same bytes, the same seq: firmware does exactly this
      this.scheduleRetransmit(rec);
    }, RETRANSMIT_MS);
  }

  private onAck(bell: PressBell, ack: BellAckMessage, at: number): void {
    if (ack.state !== 'received') return; // `closed` acks follow the manager's close
    const rec = this.current.get(bell.id);
    if (!rec || rec.seq !== ack.seq) return;
    if (rec.tReceived !== undefined) {
      this.receivedRepeats++; // the answer to a retransmission that crossed the first answer
      return;
    }
    rec.tReceived = at;
    if (ack.incident) this.link(rec, ack.incident);
    clearTimeout(rec.timer);
    this.maybeClose(rec);
  }

  /** `incident.created` as the in-process hub publishes it (before the WebSocket). */
  onHub(bellId: string, at: number, incidentId: string): void {
    const rec = this.current.get(bellId);
    if (!rec || rec.tHub !== undefined) return;
    rec.tHub = at;
    this.link(rec, incidentId);
  }

  /** The incident announced as stored on the hub (the first time). */
  onStored(incidentId: string, at: number): void {
    const rec = this.byIncident.get(incidentId);
    if (rec && rec.tStored === undefined) rec.tStored = at;
  }

  /** `incident.created` at the WebSocket console. */
  onConsole(bellId: string, incidentId: string, at: number): void {
    const rec = this.current.get(bellId);
    if (!rec || rec.tConsole !== undefined) {
      this.consoleUnmatched++;
      return;
    }
    rec.tConsole = at;
    this.link(rec, incidentId);
    this.maybeClose(rec);
  }

  private link(rec: PressRecord, incidentId: string): void {
    if (rec.incidentId !== undefined) return;
    rec.incidentId = incidentId;
    this.byIncident.set(incidentId, rec);
    const early = this.earlySms.get(incidentId);
    if (early) {
      this.earlySms.delete(incidentId);
      this.onSms(incidentId, early.at, early.request);
    }
  }

  /** An SMS request of this incident at the fake Twilio, at `at` (performance.now() scale); the earliest counts. */
  onSms(incidentId: string, at: number, request: FakeTwilioRequest): void {
    const rec = this.byIncident.get(incidentId);
    if (!rec) {
      const early = this.earlySms.get(incidentId);
      if (!early || at < early.at) this.earlySms.set(incidentId, { at, request });
      return;
    }
    const first = rec.tSms === undefined;
    if (!first) this.smsOther++;
    // The matcher hands SMS over as their incidents become known, not strictly in order of arrival.
    if (!first && at >= rec.tSms!) return;
    rec.tSms = at;
    rec.sms = request;
    if (first) this.maybeClose(rec);
  }

  private maybeClose(rec: PressRecord): void {
    if (!rec.needsClose || rec.tReceived === undefined || rec.tConsole === undefined || !rec.incidentId) return;
    if (this.opts.requireSms && rec.tSms === undefined) return;
    this.closeQueue.push(rec);
    this.pumpCloses();
  }

  private pumpCloses(): void {
    while (!this.stopped && this.closing < this.opts.closeConcurrency && this.closeQueue.length > 0) {
      const rec = this.closeQueue.shift()!;
      this.closing++;
      this.opts
        .close(rec.incidentId!)
        .then(
          (ok) => {
            if (ok === true) {
              this.closes++;
              this.free.push(rec.bell);
            } else this.closeFailed(ok);
          },
          (err: unknown) => this.closeFailed((err as Error).message),
        )
        .finally(() => {
          this.closing--;
          this.pumpCloses();
        });
    }
  }

  private closeFailed(why: string): void {
    this.closeFailures++;
    this.firstCloseFailure ??= why;
  }

  get incomplete(): number {
    let n = 0;
    for (const p of this.presses) if (p.tReceived === undefined || p.tConsole === undefined || (this.opts.requireSms && p.tSms === undefined)) n++;
    return n;
  }

  /** Waits until every press was received and reached the console (and was texted), or `ms` passed. */
  async waitForStragglers(ms: number, alsoDone: () => boolean | Promise<boolean> = () => true): Promise<void> {
    const until = performance.now() + ms;
    while (performance.now() < until && (this.incomplete > 0 || !(await alsoDone()))) await sleep(20);
  }

  /** Stops pressing, retransmitting and closing. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const p of this.presses) clearTimeout(p.timer);
  }
}
