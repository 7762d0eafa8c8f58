/**
 * Who a step reaches, resolved against the roster at the time it fires, and the rows that record it. No
 * I/O: the engine calls it inside its transaction, the first alert from memory.
 */
import type { EscalationStep, Recipient } from '../domain/index.ts';
import { policeTargets, reachableRecipients } from '../domain/index.ts';
import { ulid } from '../ids.ts';
import type { IncidentRecord, NotificationRow, PersonRow, SiteRow, CounterRow } from '../store/index.ts';
import type { SendChannel } from '../notify/types.ts';

export interface RosterSnapshot {
  people: PersonRow[];
  /** Person ids with a shift covering now, per site; a site missing here has no roster (every guard on duty). */
  onShift: Map<string, Set<string>>;
}

/** What a roster is read from (roster-cache.ts's `readRoster`): people, the sites that keep one, their shifts not ended. */
export interface RosterRows {
  people: PersonRow[];
  sitesWithRoster: string[];
  shifts: { siteId: string; personId: string; startsAt: Date; endsAt: Date }[];
}

/** Who is on shift at `now`, per site with a roster (a site with no shift at all has every guard on duty). */
export function rosterAt(rows: RosterRows, now: Date): RosterSnapshot {
  const onShift = new Map<string, Set<string>>(rows.sitesWithRoster.map((siteId) => [siteId, new Set<string>()]));
  const t = now.getTime();
  for (const s of rows.shifts) if (s.startsAt.getTime() <= t && s.endsAt.getTime() > t) onShift.get(s.siteId)?.add(s.personId);
  return { people: rows.people, onShift };
}

export interface PlannedNotification {
  stepId: string;
  recipientKey: string;
  personId: string | null;
  channel: SendChannel;
  to: string;
  language: 'ko' | 'en';
  isPolice: boolean;
  /** Set when the row cannot be sent at all (no phone number): it is stored as failed, so it is seen. */
  problem?: string;
}

const isActiveIn = (p: PersonRow, role: string, siteId: string) => p.active && p.roles.includes(role) && p.siteIds.includes(siteId);

export function guardsOnDuty(roster: RosterSnapshot, siteId: string): PersonRow[] {
  const guards = roster.people.filter((p) => isActiveIn(p, 'guard', siteId));
  const shift = roster.onShift.get(siteId);
  return shift ? guards.filter((g) => shift.has(g.id)) : guards;
}

function people(r: Recipient, roster: RosterSnapshot, site: SiteRow, counter: CounterRow | undefined): PersonRow[] {
  const managers = () => roster.people.filter((p) => isActiveIn(p, 'manager', site.id));
  if (typeof r === 'object') return roster.people.filter((p) => p.id === r.person && p.active);
  switch (r) {
    case 'guards_on_duty':
      return guardsOnDuty(roster, site.id);
    case 'counter_manager': {
      const named = roster.people.filter((p) => p.active && counter?.managerIds.includes(p.id));
      return named.length > 0 ? named : managers();
    }
    case 'site_managers':
      return managers();
    default:
      return [];
  }
}

/** True when the step reaches only the guards of an unconfirmed incident now (the rest follow on confirmation). */
export function reachesOnlyGuards(step: EscalationStep, incident: Pick<IncidentRecord, 'unconfirmed'>): boolean {
  return incident.unconfirmed && reachableRecipients(step.recipients, true).length < step.recipients.length;
}

/** The notifications one step sends for one incident. Console delivery is the alarm wall itself: no rows. */
export function planStep(
  step: EscalationStep,
  incident: IncidentRecord,
  site: SiteRow,
  counter: CounterRow | undefined,
  roster: RosterSnapshot,
  /** People this step must not call (sparedFromStep: the guard already on the way). */
  spared: ReadonlySet<string> = new Set(),
): PlannedNotification[] {
  const out: PlannedNotification[] = [];
  const personChannels = step.channels.filter((c): c is 'sms' | 'voice' => c !== 'console');
  const seen = new Set<string>(spared);
  // While unconfirmed only the guards are told (the bell's confirmation rule).
  for (const r of reachableRecipients(step.recipients, incident.unconfirmed)) {
    if (r === 'police') {
      const police = site.police as { channel: 'sms' | 'call' | 'webhook'; to: string } | null;
      for (const target of policeTargets(incident.mode, incident.jointPoliceDrill, police, site.drillLiaison)) {
        out.push({
          stepId: step.id,
          recipientKey: `police:${target.to}`,
          personId: null,
          channel: target.channel === 'call' ? 'voice' : target.channel,
          to: target.to,
          language: 'ko',
          isPolice: true,
        });
      }
      continue;
    }
    if (r === 'situation_room') {
      // The district situation room is not told of drills.
      const room = site.situationRoom as { channel: 'sms' | 'call'; to: string } | null;
      if (room && incident.mode === 'live') {
        out.push({ stepId: step.id, recipientKey: `situation_room:${room.to}`, personId: null, channel: room.channel === 'call' ? 'voice' : 'sms', to: room.to, language: 'ko', isPolice: false });
      }
      continue;
    }
    for (const p of people(r, roster, site, counter)) {
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      for (const channel of personChannels) {
        out.push({
          stepId: step.id,
          recipientKey: p.id,
          personId: p.id,
          channel,
          to: p.phone ?? '',
          language: p.language === 'en' ? 'en' : 'ko',
          isPolice: false,
          ...(p.phone ? {} : { problem: `${p.name} has no phone number` }),
        });
      }
    }
  }
  return out;
}

/** A planned notification as its row: `ready` is the status of a row that can be sent (a row with a problem is failed). */
export function notificationRow(p: PlannedNotification, incident: Pick<IncidentRecord, 'id' | 'mode'>, now: Date, ready: 'queued' | 'sending'): NotificationRow {
  return {
    id: `ntf_${ulid()}`,
    incidentId: incident.id,
    stepId: p.stepId,
    recipientKey: p.recipientKey,
    personId: p.personId,
    channel: p.channel,
    to: p.to,
    language: p.language,
    isPolice: p.isPolice,
    mode: incident.mode,
    status: p.problem ? 'failed' : ready,
    providerId: null,
    attempts: 0,
    lastError: p.problem ?? null,
    fallbackOf: null,
    nextAttemptAt: now,
    createdAt: now,
    updatedAt: now,
  };
}

/** The timeline entry of a fired step: who it reached, by which channel. */
export function stepEntryData(step: EscalationStep, planned: PlannedNotification[], incident: Pick<IncidentRecord, 'unconfirmed'>, extra: Record<string, unknown> = {}) {
  return {
    step: step.id,
    when: step.when.kind,
    recipients: planned.map((p) => ({ key: p.recipientKey, channel: p.channel, police: p.isPolice })),
    console: step.channels.includes('console'),
    ...extra,
    ...(incident.unconfirmed ? { unconfirmed: true } : {}),
  };
}
