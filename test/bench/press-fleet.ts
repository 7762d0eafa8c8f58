/**
 * The press phase's bells and the broker's own baseline, in the fleet child process (supervision-child.ts), so that
 * a thousand MQTT clients and their heartbeats do not share the CPU of the Guardbell under test, and the baseline
 * is not slowed by them either. The press schedule, the retransmissions and the matching stay in the bench's
 * process (press-run.ts), which drives these bells through {@link RemoteBell}; times cross the process boundary as
 * wall-clock milliseconds (performance.timeOrigin + now), as the console phase's do.
 */
import { performance } from 'node:perf_hooks';
import { Baseline, type BaselineResult } from './baseline.ts';
import { closeFleet, connectFleet, type BellAckMessage, type BenchBell } from './fleet.ts';
import type { OnConsoleCreated, PressConsolePlan } from './press-clients.ts';
import type { PressBell } from './press-run.ts';
import type { BenchChild, ChildEvent } from './supervision-ipc.ts';

export interface PressFleetPlan {
  url: string;
  root: string;
  runTag: string;
  bells: number;
  connectBatch: number;
  deadline: number;
  heartbeatMs: number;
  /** Presses a second, which the baseline matches. */
  rate: number;
}

/** This process's performance.now() time on the wall clock, which every process on this machine shares. */
const toWall = (at: number) => performance.timeOrigin + at;
/** A wall-clock time of another process on this machine, on this process's performance.now() scale. */
const fromWall = (wall: number) => wall - performance.timeOrigin;

/** The child's side: the bells, heartbeating, and the baseline. */
export class PressFleet {
  private constructor(
    private readonly bells: BenchBell[],
    private readonly baseline: Baseline,
    private readonly batch: number,
  ) {}

  static async connect(plan: PressFleetPlan, tell: (e: ChildEvent) => void): Promise<PressFleet> {
    const bells = await connectFleet(plan.url, plan.root, plan.bells, plan.connectBatch, plan.runTag, plan.deadline);
    const baseline = await Baseline.connect(plan.url, plan.runTag, plan.rate).catch(async (err: unknown) => {
      await closeFleet(bells, plan.connectBatch);
      throw err;
    });
    for (const b of bells) {
      b.onAck = (ack, at) => tell({ kind: 'ack', index: b.index, ack, wallAt: toWall(at) });
      b.startHeartbeat(plan.heartbeatMs, Math.random() * plan.heartbeatMs);
    }
    return new PressFleet(bells, baseline, plan.connectBatch);
  }

  /** Sends a press (or its retransmission); returns when it went out, on the wall clock. */
  press(index: number, payload: string): { wallAt: number } {
    const bell = this.bells[index];
    if (!bell) throw new Error(`no bell ${index}`);
    const wallAt = toWall(performance.now());
    bell.publishEvent(payload);
    return { wallAt };
  }

  startBaseline(rate: number, seconds: number): void {
    this.baseline.start(rate, seconds);
  }

  get baselineOutstanding(): number {
    return this.baseline.outstanding;
  }

  stopBaseline(): BaselineResult {
    return this.baseline.stop();
  }

  counts(): { heartbeats: number; disconnects: number } {
    return { heartbeats: this.bells.reduce((n, b) => n + b.heartbeats, 0), disconnects: this.bells.reduce((n, b) => n + b.offlines, 0) };
  }

  async close(): Promise<void> {
    await this.baseline.close();
    await closeFleet(this.bells, this.batch);
  }
}

/** The bench's side of one bell in the fleet child. */
export class RemoteBell implements PressBell {
  nextSeq = 1;
  onAck: (ack: BellAckMessage, at: number) => void = () => undefined;

  constructor(
    readonly index: number,
    readonly id: string,
    private readonly child: BenchChild,
  ) {}

  publishEvent(payload: string, sent?: (at: number) => void): void {
    this.child.request<{ wallAt: number }>({ op: 'press', index: this.index, payload }).then(
      (r) => sent?.(fromWall(r.wallAt)),
      () => undefined, // the child is gone: the press stays unanswered and is counted as lost
    );
  }
}

/** The bench's side of the fleet child: its bells, its baseline, its counts. */
export class RemotePressFleet {
  private constructor(
    private readonly child: BenchChild,
    readonly bells: RemoteBell[],
  ) {}

  private onConsole: OnConsoleCreated = () => undefined;

  static async connect(child: BenchChild, plan: PressFleetPlan, idOf: (index: number) => string): Promise<RemotePressFleet> {
    const bells = Array.from({ length: plan.bells }, (_, i) => new RemoteBell(i, idOf(i), child));
    const fleet = new RemotePressFleet(child, bells);
    child.onEvent = (e) => {
      if (e.kind === 'ack') bells[e.index]?.onAck(e.ack, fromWall(e.wallAt));
      else if (e.kind === 'console') fleet.onConsole(e.bellId, e.incidentId, fromWall(e.wallAt));
    };
    await child.request({ op: 'connectPressFleet', plan });
    return fleet;
  }

  /** The guard's console and the manager, as clients in the fleet's process (press-clients.ts). */
  async openClients(plan: PressConsolePlan, onConsole: OnConsoleCreated): Promise<void> {
    this.onConsole = onConsole;
    await this.child.request({ op: 'openPressClients', plan });
  }

  cancel(incidentId: string): Promise<true | string> {
    return this.child.request<true | string>({ op: 'cancel', incidentId });
  }

  startBaseline(rate: number, seconds: number): Promise<unknown> {
    return this.child.request({ op: 'startBaseline', rate, seconds });
  }

  baselineOutstanding(): Promise<number> {
    return this.child.request<number>({ op: 'baselineOutstanding' });
  }

  stopBaseline(): Promise<BaselineResult> {
    return this.child.request<BaselineResult>({ op: 'stopBaseline' });
  }

  counts(): Promise<{ heartbeats: number; disconnects: number; consoleMessages: number }> {
    return this.child.request({ op: 'pressFleetCounts' });
  }

  close(): Promise<unknown> {
    return this.child.request({ op: 'closePressFleet' });
  }
}
