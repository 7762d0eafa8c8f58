/**
 * Running drills: start (a virtual bell of the drill's own presses through the real broker and gateway, or the
 * counter's real bell is armed for one press), pause when a live alarm opens at the site (live wins), resume,
 * end (no drill incident stays open), and the report from the timeline. Constructed by the composition root
 * (system/ through drills/area.ts) with the ports it uses.
 */
import { separationText } from '../api/reports/local-text.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ulid } from '../api/ids.ts';
import mqtt from 'mqtt';
import { VirtualBell } from '../firmware-bridge/virtual-bell/index.ts';
import { bellTopic } from '../firmware-bridge/protocol/index.ts';
import type { Incident, IncidentStatus } from '../api/contract/index.ts';
import type { DrillReport, DrillReportFacts, DrillView, Pause, ScenarioView } from '../api/contract/drills.ts';
import type { AreaServices } from '../api/area.ts';
import type { BusEvents } from '../api/bus/index.ts';
import { isActive } from '../api/domain/index.ts';
import { presentIncident } from '../api/core/present.ts';
import { hashMachineSecret, newMachineSecret } from '../gateway/broker/bell-secret.ts';
import { drillReportFacts } from './analysis.ts';
import { DRILL_DEVICE_PREFIX, DrillRouting, type DrillRoute } from './routing.ts';
import { SCENARIO_LIBRARY, scenarioSchema, type Scenario } from './scenarios.ts';
import { ACTIVE_DRILL, DrillStore, type DrillRow } from './store.ts';
import { DEFAULT_TIMEZONE } from '../api/contract/index.ts';

/** A real-bell drill takes the first short press of the counter's bells within this many minutes of its start. */
export const ARM_MINUTES = 15;

export class DrillConflict extends Error {
  constructor(readonly code: string, message: string, readonly params?: Record<string, string | number>) {
    super(message);
  }
}

/**
 * What the alarm path offers an area (api/area.ts), with the edge's routing of presses to running drills. On the bus,
 * live incidents (live wins), drills changed by other processes and presses taken at the edge arrive; the drills' own
 * changes, their bells (`directory.changed`) and a resumed escalation go out.
 */
export interface DrillServiceDeps extends AreaServices {
  routing: DrillRouting;
  sweepMs?: number;
}

export class DrillService {
  readonly store: DrillStore;
  private readonly bells = new Map<string, { bell: VirtualBell; username: string | undefined; password: string | undefined }>();
  private stateDir: Promise<string> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly now: () => Date;
  private readonly finishing = new Map<string, Promise<DrillRow>>();

  constructor(private readonly deps: DrillServiceDeps) {
    this.store = new DrillStore(deps.db);
    this.now = deps.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    await this.refreshRoutes();
    const { bus, logger } = this.deps;
    this.unsubscribe.push(
      bus.on('drill.pressTaken', (e, meta) => {
        if (!meta.local) return;
        this.store.setIncident(e.drillId, e.incidentId)
          .then(() => this.changed(e.drillId, null))
          .catch((err: unknown) => logger.error({ err, ...e }, 'drill incident not linked'));
      }),
      // Another process started, paused or ended a drill: its routes hold here at once, not at the next sweep.
      bus.on('drill.changed', (_e, meta) => meta.local ? undefined : this.refreshRoutes()),
      // Live wins: a live incident at a drilled site pauses the drill the moment the consoles are told.
      ...(['incident.opened', 'incident.changed'] as const).map((type) => bus.on(type, (e) => this.liveWins(e))),
    );
    this.timer = setInterval(() => void this.sweep().catch((err: unknown) => this.deps.logger.warn({ err }, 'drill sweep failed')), this.deps.sweepMs ?? 2_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    for (const off of this.unsubscribe.splice(0)) off();
    for (const b of this.bells.values()) await b.bell.stop({ graceful: true, announceOffline: false }).catch(() => undefined);
    this.bells.clear();
  }

  /** The library and the managers' own scenarios. */
  async scenarios(): Promise<ScenarioView[]> {
    const own = (await this.store.scenarios()).flatMap((r) => {
      const p = scenarioSchema.safeParse(r.definition);
      return p.success ? [{ ...p.data, builtIn: false }] : [];
    });
    return [...SCENARIO_LIBRARY.map((s) => ({ ...s, builtIn: true })), ...own];
  }

  async scenario(id: string): Promise<Scenario | null> {
    return (await this.scenarios()).find((s) => s.id === id) ?? null;
  }

  async schedule(input: {
    siteId: string; counterId: string; scenarioId: string; scheduledAt: Date; participants: string[]; announced: boolean;
    jointPolice: boolean; trigger: 'virtual_bell' | 'real_bell'; note?: string | undefined;
  }, by: string): Promise<DrillRow> {
    const scenario = await this.scenario(input.scenarioId);
    if (!scenario) throw new DrillConflict('unknown_scenario', `scenario ${input.scenarioId} does not exist`);
    const { builtIn: _builtIn, ...frozen } = scenario as Scenario & { builtIn?: boolean };
    return this.store.insert({
      id: `drl_${ulid()}`, siteId: input.siteId, counterId: input.counterId, scenarioId: scenario.id, scenario: frozen as unknown as Record<string, unknown>,
      scheduledAt: input.scheduledAt, participants: input.participants, announced: input.announced, jointPolice: input.jointPolice,
      trigger: input.trigger, note: input.note ?? null, createdBy: by, status: 'scheduled',
    });
  }

  async cancel(id: string): Promise<DrillRow> {
    const row = await this.store.update(id, ['scheduled'], { status: 'cancelled', endedAt: this.now() });
    if (!row) throw new DrillConflict('drill_not_scheduled', `drill ${id} is not a planned drill that has not started`);
    return row;
  }

  /** Starts a planned drill: its virtual bell presses now, or the counter's real bell is armed for one press. */
  async run(id: string, by: string): Promise<DrillRow> {
    const drill = await this.store.get(id);
    if (!drill || drill.status !== 'scheduled') throw new DrillConflict('drill_not_scheduled', `drill ${id} is not a planned drill that has not started`);
    const others = (await this.store.active()).filter((d) => d.siteId === drill.siteId);
    if (others.length > 0) throw new DrillConflict('drill_running', `drill ${others[0]!.id} is already running at site ${drill.siteId}; end it first`, { drillId: others[0]!.id, siteId: drill.siteId });
    const live = await this.liveOpenAt(drill.siteId);
    if (live) throw new DrillConflict('live_incident_open', `a live incident (${live}) is open at site ${drill.siteId}: a drill cannot start until it is over`, { incidentId: live, siteId: drill.siteId });
    const now = this.now();
    const scenario = scenarioSchema.parse(drill.scenario);
    if (drill.trigger === 'real_bell') {
      const started = await this.store.update(id, ['scheduled'], { status: 'running', startedAt: now, startedBy: by, armedUntil: new Date(now.getTime() + ARM_MINUTES * 60_000) });
      if (!started) throw new DrillConflict('drill_not_scheduled', `drill ${id} was started by someone else`);
      await this.refreshRoutes();
      this.changed(id, started.siteId);
      return started;
    }
    const bellId = `DRILL-${id.slice(-10)}`;
    const keyHex = randomBytes(32).toString('hex');
    // A random machine secret: the fast keyed hash, as for every bell (scrypt is for people's passwords).
    const password = newMachineSecret();
    await this.store.addBell({
      // `drill:` marks it in the directory: every process takes its presses as a drill, even before reading the drill.
      id: bellId, siteId: drill.siteId, counterId: drill.counterId, adapter: 'native', keyHex, deviceId: `${DRILL_DEVICE_PREFIX}${id}`,
      mqttPasswordHash: this.deps.mqtt.perBellCredentials ? hashMachineSecret(password) : null,
      // A drill bell sends no heartbeats: it must never look offline to supervision (and its maintenance SMS).
      heartbeatSeconds: 86_400, online: true, lastSeenAt: now, lastTestAt: now,
    });
    const started = await this.store.update(id, ['scheduled'], { status: 'running', startedAt: now, startedBy: by, virtualBellId: bellId });
    if (!started) {
      await this.store.removeBell(bellId);
      throw new DrillConflict('drill_not_scheduled', `drill ${id} was started by someone else`);
    }
    await this.refreshRoutes();
    this.changed(id, started.siteId);
    await this.deps.bus.emitAndSettle('directory.changed', { reason: 'drill bell' });
    try {
      const username = this.deps.mqtt.perBellCredentials ? bellId : this.deps.mqtt.username;
      const secret = this.deps.mqtt.perBellCredentials ? password : this.deps.mqtt.password;
      const bell = new VirtualBell({
        bellId, mqttUrl: this.deps.mqtt.url, topicRoot: this.deps.mqtt.topicRoot, keyHex, stateDir: await this.bellStateDir(),
        username, password: secret, receivedTimeoutMs: 30_000,
      });
      this.bells.set(id, { bell, username, password: secret });
      await bell.start();
      const ack = await bell.send(scenario.violence ? 'long_press' : 'press');
      if (ack.incident) await this.store.setIncident(id, ack.incident);
    } catch (err) {
      // The drill runs, but its press did not get through: the manager sees it without an incident and ends it.
      this.deps.logger.error({ err, drillId: id }, 'the drill bell could not press');
      await this.store.update(id, ACTIVE_DRILL, { note: `${drill.note ? `${drill.note}\n` : ''}virtual bell press failed: ${(err as Error).message}` });
    }
    return (await this.store.get(id))!;
  }

  /** Live wins: the drill waits, its held escalation with it, until a manager resumes or ends it. */
  async pause(id: string, liveIncidentId: string | null): Promise<DrillRow | null> {
    this.deps.routing.pauseNow(id);
    try {
      const drill = await this.store.get(id);
      if (!drill || drill.status !== 'running') return drill;
      const now = this.now();
      const pauses: Pause[] = [...drill.pauses, { from: now.toISOString(), to: null, liveIncidentId }];
      const row = await this.store.update(id, ['running'], { status: 'paused', pauses });
      if (!row) return this.store.get(id);
      if (row.incidentId) {
        await this.store.hold(row.incidentId);
        await this.store.addTimeline(row.incidentId, 'drill_paused', now, null, { drillId: id, liveIncidentId });
      }
      this.deps.logger.warn({ drillId: id, liveIncidentId, siteId: row.siteId }, 'drill paused: a live alarm opened at the site');
      await this.refreshRoutes();
      this.changed(id, row.siteId);
      return row;
    } finally {
      this.deps.routing.settled(id);
    }
  }

  async resume(id: string, by: string): Promise<DrillRow> {
    const drill = await this.store.get(id);
    if (!drill || drill.status !== 'paused') throw new DrillConflict('drill_not_paused', `drill ${id} is not paused`);
    const live = await this.liveOpenAt(drill.siteId);
    if (live) throw new DrillConflict('live_incident_open', `the live incident ${live} is still open at site ${drill.siteId}: the drill resumes once it is over`);
    const now = this.now();
    const pauses = drill.pauses.map((p) => (p.to ? p : { ...p, to: now.toISOString() }));
    const pausedMs = drill.pauses.filter((p) => !p.to).reduce((ms, p) => ms + now.getTime() - Date.parse(p.from), 0);
    const row = await this.store.update(id, ['paused'], {
      status: 'running', pauses, ...(drill.armedUntil ? { armedUntil: new Date(drill.armedUntil.getTime() + pausedMs) } : {}),
    });
    if (!row) throw new DrillConflict('drill_not_paused', `drill ${id} is not paused`);
    if (row.incidentId) {
      await this.store.release(row.incidentId, now);
      await this.store.addTimeline(row.incidentId, 'drill_resumed', now, by, { drillId: id });
      this.deps.bus.emit('escalation.changed', { incidentId: row.incidentId });
    }
    await this.refreshRoutes();
    this.changed(id, row.siteId);
    return row;
  }

  /** Ends a drill: its presses are live again at once, its incident is closed or cancelled, its bell removed, its score frozen. */
  async end(id: string, by: string): Promise<DrillRow> {
    const drill = await this.store.get(id);
    if (!drill || !(ACTIVE_DRILL as readonly string[]).includes(drill.status)) throw new DrillConflict('drill_not_running', `drill ${id} is not running`);
    const now = this.now();
    const pauses = drill.pauses.map((p) => (p.to ? p : { ...p, to: now.toISOString() }));
    const row = await this.store.update(id, ACTIVE_DRILL, { status: 'completed', endedAt: now, endedBy: by, pauses });
    if (!row) throw new DrillConflict('drill_not_running', `drill ${id} is not running`);
    await this.refreshRoutes();
    this.changed(id, row.siteId);
    return this.finish(row, by);
  }

  /** Cleans up after an ended drill and freezes its result; idempotent (the sweep retries it after a failure). */
  private finish(row: DrillRow, by: string): Promise<DrillRow> {
    // One clean-up per drill at a time: the end and the sweep share it.
    let running = this.finishing.get(row.id);
    if (!running) {
      running = this.cleanUp(row, by).finally(() => this.finishing.delete(row.id));
      this.finishing.set(row.id, running);
    }
    return running;
  }

  private async cleanUp(row: DrillRow, by: string): Promise<DrillRow> {
    const own = this.bells.get(row.id);
    this.bells.delete(row.id);
    if (own) {
      await own.bell.stop({ graceful: true, announceOffline: false }).catch(() => undefined);
      await this.clearRetainedStatus(own.bell.bellId, own.username, own.password);
    }
    if (row.virtualBellId) {
      await this.store.removeBell(row.virtualBellId);
      await this.deps.bus.emitAndSettle('directory.changed', { reason: 'drill bell' });
    }
    let closedByEnd: string | null = null;
    if (row.incidentId) {
      await this.store.dropHeld(row.incidentId);
      const incident = await this.deps.incidents.get(row.incidentId);
      if (incident && isActive(incident.status)) {
        const scenario = scenarioSchema.parse(row.scenario);
        const action = incident.status === 'triggered'
          ? { type: 'cancel' as const, by, reason: 'drill ended before anyone acknowledged' }
          : { type: 'close' as const, by, outcome: 'drill ended', classification: scenario.classification };
        await this.deps.core.act(row.incidentId, action);
        closedByEnd = action.type === 'cancel' ? 'cancelled' : 'closed';
      }
    }
    const report = await this.report(row);
    const result = { score: report.facts?.score ?? null, facts: report.facts, closedByEnd, pressed: row.incidentId !== null };
    return (await this.store.update(row.id, ['completed'], { result: result as unknown as Record<string, unknown> })) ?? row;
  }

  /** The report: scored from the incident's timeline and notifications (live while the drill runs, frozen once it ended). */
  async report(drill: DrillRow): Promise<DrillReport> {
    const site = this.deps.places.site(drill.siteId);
    const counter = this.deps.places.counter(drill.siteId, drill.counterId);
    const people = await this.deps.directory.people();
    const names = Object.fromEntries(people.map((p) => [p.id, p.name]));
    const incident = drill.incidentId ? await this.deps.incidents.get(drill.incidentId) : null;
    const separations = incident ? separationsOf(await this.deps.incidents.timeline(incident.id)) : [];
    const base = {
      drill: presentDrill(drill), siteName: site?.name ?? drill.siteId, counterName: counter?.name ?? drill.counterId, names, final: drill.status === 'completed',
      timeZone: site?.timezone ?? DEFAULT_TIMEZONE, separations,
    };
    const frozen = (drill.result as { facts?: DrillReportFacts | null } | null)?.facts;
    // An ended drill's report is what it was when it ended: late delivery callbacks do not rewrite it.
    if (drill.status === 'completed' && frozen !== undefined) return { ...base, incident: incident ? presentIncident(incident, this.deps.places) : null, facts: frozen };
    const scenario = scenarioSchema.parse(drill.scenario);
    if (!incident) {
      // Never pressed: every required step is missed.
      const facts = drillReportFacts({
        scenario, openedAt: drill.startedAt ?? drill.scheduledAt, timeline: [], notifications: [], participants: drill.participants,
        jointPolice: drill.jointPolice, pauses: drill.pauses, liaisonNumbers: site?.drillLiaison ?? [], end: drill.endedAt ?? this.now(),
      });
      return { ...base, incident: null, facts: drill.startedAt ? facts : null };
    }
    const [timeline, notifications] = await Promise.all([this.deps.incidents.timeline(incident.id), this.deps.escalation.notifications(incident.id)]);
    const facts = drillReportFacts({
      scenario, openedAt: incident.openedAt, timeline, participants: drill.participants, jointPolice: drill.jointPolice,
      pauses: drill.pauses, liaisonNumbers: site?.drillLiaison ?? [], end: drill.endedAt ?? this.now(),
      notifications: notifications.map((n) => ({
        personId: n.personId, personName: n.personId ? (names[n.personId] ?? null) : null, to: n.to, channel: n.channel, status: n.status, isPolice: n.isPolice, stepId: n.stepId,
      })),
    });
    return { ...base, incident: presentIncident(incident, this.deps.places), facts };
  }

  /** Tells every process that a drill changed (their routes are read again). */
  private changed(drillId: string, siteId: string | null): void {
    this.deps.bus.emit('drill.changed', { drillId, siteId }, { scope: 'others' });
  }

  /** Reads the running drills into the alarm core's routing (this process, and what other processes started). */
  async refreshRoutes(): Promise<void> {
    const active = await this.store.active();
    this.deps.routing.set(active.map((d): DrillRoute => ({
      drillId: d.id, siteId: d.siteId, counterId: d.counterId, trigger: d.trigger === 'real_bell' ? 'real_bell' : 'virtual_bell',
      virtualBellId: d.virtualBellId, jointPolice: d.jointPolice, paused: d.status === 'paused', armedUntil: d.armedUntil,
      // A real-bell drill has taken its one press once it has an incident.
      armUsed: d.incidentId !== null,
    })));
  }

  private liveWins(e: BusEvents['incident.opened']): void {
    if (this.deps.routing.all().length === 0) return;
    const i: Incident = e.incident;
    if (i.mode !== 'live' || !isActive(i.status as IncidentStatus)) return;
    for (const r of this.deps.routing.all()) {
      if (r.siteId !== i.siteId || r.paused) continue;
      this.pause(r.drillId, i.id).catch((err: unknown) => this.deps.logger.error({ err, drillId: r.drillId }, 'drill not paused'));
    }
  }

  /** Other processes' drills, live incidents this process did not see, and drills whose end was interrupted. */
  async sweep(): Promise<void> {
    await this.refreshRoutes();
    for (const r of this.deps.routing.all()) {
      if (r.paused) continue;
      const live = await this.liveOpenAt(r.siteId);
      if (live) await this.pause(r.drillId, live);
    }
    for (const d of await this.store.unfinished()) await this.finish(d, d.endedBy ?? 'system');
  }

  private async liveOpenAt(siteId: string): Promise<string | null> {
    const mem = this.deps.core.openIncidentsInMemory().find((i) => i.mode === 'live' && i.siteId === siteId);
    if (mem) return mem.id;
    const [stored] = await this.deps.incidents.list({ status: 'open', mode: 'live', siteIds: [siteId], limit: 1 });
    return stored?.id ?? null;
  }

  /** The drill bell's retained `{"online":true}` would outlive the bell on the broker: clear it (best effort). */
  private async clearRetainedStatus(bellId: string, username: string | undefined, password: string | undefined): Promise<void> {
    let client: mqtt.MqttClient | undefined;
    try {
      client = await mqtt.connectAsync(this.deps.mqtt.url, { username, password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 2_000 });
      await client.publishAsync(bellTopic(this.deps.mqtt.topicRoot, bellId, 'status'), '', { qos: 1, retain: true });
    } catch (err) {
      this.deps.logger.debug({ err, bellId }, 'retained status of the drill bell not cleared');
    } finally {
      await client?.endAsync().catch(() => undefined);
    }
  }

  private bellStateDir(): Promise<string> {
    this.stateDir ??= mkdtemp(join(tmpdir(), 'guardbell-drill-bells-'));
    return this.stateDir;
  }
}

export function presentDrill(d: DrillRow): DrillView {
  const scenario = d.scenario as { title?: { ko: string; en: string } };
  return {
    id: d.id, siteId: d.siteId, counterId: d.counterId, scenarioId: d.scenarioId, scenarioTitle: scenario.title ?? null,
    scheduledAt: d.scheduledAt.toISOString(), participants: d.participants, announced: d.announced, jointPolice: d.jointPolice,
    trigger: d.trigger, status: d.status, note: d.note, createdBy: d.createdBy, startedAt: d.startedAt?.toISOString() ?? null,
    armedUntil: d.armedUntil?.toISOString() ?? null, virtualBellId: d.virtualBellId, incidentId: d.incidentId, pauses: d.pauses,
    endedAt: d.endedAt?.toISOString() ?? null, result: d.result,
  };
}

function separationsOf(timeline: readonly { kind: string; at: Date; data: Record<string, unknown> }[]): { at: string; text: string }[] {
  return timeline.flatMap((e) => {
    const text = e.kind === 'victim_separated' ? separationText(e.data) : null;
    return text ? [{ at: e.at.toISOString(), text }] : [];
  });
}
