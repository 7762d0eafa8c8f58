/**
 * The alarm core (DESIGN.md principle 1), composed of its parts so that callers keep one handle:
 * - bell-intake.ts: sequence memory, retransmissions, the write queue, acks to bells;
 * - bell-event-effects.ts: what a bell event does to incidents, from memory, then confirmed or corrected;
 * - incident-actions.ts: people's actions and the console's panic button;
 * - open-incidents.ts: the open incidents in memory and their announcements on the bus;
 * - bell-supervisor.ts (passed in): heartbeats, status, health from events, security rejections.
 * Nothing is decided here.
 */
import type { Logger } from 'pino';
import { ulid } from '../ids.ts';
import type { BellSignalSink } from '../../gateway/index.ts';
import type { IncidentAction } from '../domain/index.ts';
import type { IncidentRecord } from '../store/index.ts';
import { BellEventEffects } from './bell-event-effects.ts';
import { BellIntake } from './bell-intake.ts';
import { bellSink } from './bell-sink.ts';
import type { BellSupervisor } from './bell-supervisor.ts';
import { IncidentActions, type ConsoleAlarm } from './incident-actions.ts';
import type { CoreMetrics } from './metrics.ts';
import { OpenIncidents } from './open-incidents.ts';
import type {
  BellEventWrites, BellHealthHearing, BellLink, BusPort, DrillModePort, FirstAlertPort, IncidentReads, IncidentWrites, Now, PlaceBook,
} from './ports.ts';

export { NotFoundError } from './incident-actions.ts';
export type { BellLink, DrillModeDecision, DrillModePort, FirstAlertPlan, FirstAlertPort } from './ports.ts';

export interface AlarmCoreDeps {
  incidents: BellEventWrites & IncidentReads & IncidentWrites;
  places: PlaceBook;
  /** Consoles, escalation, drills and the other processes hear of every change through the bus. */
  bus: BusPort;
  metrics: CoreMetrics;
  logger: Logger;
  now?: Now;
  newIncidentId?: () => string;
  supervisor: BellHealthHearing & Pick<BellSupervisor, 'onHeartbeat' | 'onStatus' | 'onRejected'>;
  /** The write queue's retry timing (tests shorten it). */
  retry?: { maxBatch: number; initialMs: number; maxMs: number };
  /** Sends a new incident's at-once escalation steps from memory (principle 1); without it the engine does, once stored. */
  firstAlert?: FirstAlertPort;
  /** Decides, from memory, whether a bell event belongs to a running drill (drills/routing.ts); without it every press is live. */
  drills?: DrillModePort;
}

export class AlarmCore {
  readonly open: OpenIncidents;
  readonly intake: BellIntake;
  readonly actions: IncidentActions;
  /** What the gateway hands bell signals to. */
  readonly sink: BellSignalSink;

  constructor(deps: AlarmCoreDeps) {
    const now = deps.now ?? (() => new Date());
    const newIncidentId = deps.newIncidentId ?? (() => `inc_${ulid()}`);
    const { bus, places, metrics, logger, firstAlert } = deps;
    this.open = new OpenIncidents({ store: deps.incidents, bus, places, logger });
    const effects = new BellEventEffects({ incidents: this.open, places, metrics, logger, now, newIncidentId, firstAlert, drills: deps.drills });
    this.intake = new BellIntake({ store: deps.incidents, incidents: this.open, effects, bus, health: deps.supervisor, metrics, logger, now, firstAlert, retry: deps.retry });
    this.actions = new IncidentActions({ store: deps.incidents, incidents: this.open, places, metrics, logger, now, newIncidentId, firstAlert });
    this.sink = bellSink(this.intake, deps.supervisor);
  }

  attach(link: BellLink): void {
    this.intake.attach(link);
    this.actions.attach(link);
  }

  /** Loads open incidents and each bell's last sequence number, so a restart resumes where it was. */
  async start(): Promise<void> {
    await this.open.start();
    await this.intake.start();
  }

  stop(): void {
    this.intake.stop();
    this.open.stop();
  }

  /** Reads the open incidents again (after the bus may have missed events). */
  reloadOpen(): Promise<void> {
    return this.open.reload();
  }

  /** Reads what memory holds again after the bus may have missed events: open incidents and bells' sequences. */
  async resync(): Promise<void> {
    await this.open.reload();
    await this.intake.reloadSequences();
  }

  /** Resolves when every event shown to consoles has been stored. */
  idle(timeoutMs?: number): Promise<boolean> {
    return this.intake.idle(timeoutMs);
  }

  get pendingWrites(): number {
    return this.intake.pendingWrites;
  }

  openIncidentsInMemory(): IncidentRecord[] {
    return this.open.all();
  }

  act(incidentId: string, action: IncidentAction): Promise<IncidentRecord> {
    return this.actions.act(incidentId, action);
  }

  raiseFromConsole(opts: ConsoleAlarm): Promise<IncidentRecord> {
    return this.actions.raiseFromConsole(opts);
  }

  resetSequence(bellId: string): Promise<number> {
    return this.intake.resetSequence(bellId);
  }
}
