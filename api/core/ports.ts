/**
 * The small interfaces the alarm core's parts depend on (api/core/bell-intake.ts, incident-actions.ts,
 * open-incidents.ts), so each can be tested with in-memory fakes and a fake clock.
 */
import type { Ack } from '../../firmware-bridge/protocol/index.ts';
import type { BellEventSignal, Rejection } from '../../gateway/index.ts';
import type { TimelineDraft } from '../domain/index.ts';
import type { FirstAlertRows, IncidentRecord, IncidentStore } from '../store/index.ts';
import type { Places } from './places.ts';

export type { BusPort } from '../bus/index.ts';

/** The way back to bells: acks and rejections go out through the gateway. */
export interface BellLink {
  sendAck(bellId: string, ack: Ack): void;
  reject(r: Rejection): void;
}

/** The time the parts go by (tests inject a fake one). */
export type Now = () => Date;

/** What bell intake makes durable and reads back of bell events and their sequence. */
export type BellEventWrites = Pick<IncidentStore, 'writeBellEvents' | 'sequenceStates' | 'findStoredEvent' | 'raiseSequenceEpoch'>;

/** Reading incidents back (the open-incident memory's truth). */
export type IncidentReads = Pick<IncidentStore, 'get' | 'openIncidents'>;

/** People's actions and the console's panic button, each one transaction. */
export type IncidentWrites = Pick<IncidentStore, 'applyAction' | 'insertIncident'>;

/** Names of sites and counters (for consoles) and a site's escalation policy. */
export type PlaceBook = Pick<Places, 'site' | 'counter'>;

/** What the gateway hears of a bell's health through its events (api/core/bell-supervisor.ts). */
export interface BellHealthHearing {
  heardEvent(s: BellEventSignal): void;
}

/** Principle 2 at the edge: the drill a bell event belongs to, or null (live, the safe side). Must not throw or wait. */
export interface DrillModePort {
  route(ev: { bellId: string; deviceId?: string | null | undefined; siteId: string; counterId: string; type: string; receivedAt: Date }, liveOpenAtSite: () => boolean): DrillModeDecision | null;
  /** A drill's press opened this incident. */
  opened(decision: DrillModeDecision, incidentId: string): void;
}

export interface DrillModeDecision {
  drillId: string;
  jointPoliceDrill: boolean;
  /** Pressed by the drill's own virtual bell: source `drill`. */
  virtual: boolean;
}

/** A new incident's at-once steps: rows stored with the incident, and their timeline entries. */
export interface FirstAlertPlan {
  rows: FirstAlertRows;
  entries: TimelineDraft[];
}

export interface FirstAlertPort {
  plan(record: IncidentRecord): FirstAlertPlan | null;
  /** Starts sending; `stored` resolves with the ids of the notification rows once they are in the database. */
  send(record: IncidentRecord, plan: FirstAlertPlan, stored: Promise<ReadonlySet<string>>): void;
}
