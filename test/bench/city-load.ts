/**
 * The load process of the city phase (forked by city-run.ts through tsx), separate from the Guardbell processes
 * under test: the virtual bells (each its own MQTT connection, heartbeating), the broker's own publish → subscribe
 * baseline, and one guard console (WebSocket stream) per Guardbell process. Presses and console arrivals are timed
 * on this process's one clock, so press → console needs no clock shared between processes.
 *
 * Each press goes to a bell not pressed before (the plan never has more presses than bells), so each opens an
 * incident of its own whichever process takes it. Protocol: one `{plan}` message in, one `{result}` or `{error}` out.
 */
import { performance } from 'node:perf_hooks';
import mqtt from 'mqtt';
import type WebSocket from 'ws';
import { bellTopic } from '../../firmware-bridge/protocol/index.ts';
import { Baseline } from './baseline.ts';
import { openConsoleStream } from './console-stream.ts';
import { bellId, benchBattery, closeFleet, connectFleet, type BenchBell } from './fleet.ts';
import { RETRANSMIT_MS } from './press-run.ts';
import { sleep } from './stats.ts';

export interface CityLoadPlan {
  mqttUrl: string;
  root: string;
  runTag: string;
  bells: number;
  rate: number;
  seconds: number;
  heartbeatMs: number;
  connectBatch: number;
  stragglerMs: number;
  /** Date.now() by which bells must be connected. */
  deadline: number;
  consoles: { name: string; url: string; token: string }[];
}

export interface CityPress {
  bellId: string;
  /** ms after the first press; `received` and each console's first message of the incident, ms after the press. */
  at: number;
  received: number | null;
  incidentId: string | null;
  consoles: (number | null)[];
  retransmits: number;
}

export interface CityConsoleCount {
  name: string;
  messages: number;
  /** Incident ids this console was told of (any `incident.*` message). */
  incidentIds: string[];
  /** Messages of an incident with a lower revision than one this console was already sent. */
  outOfOrder: number;
  /** Unexpected closes of the stream during the run. */
  closes: number;
}

export interface CityLoadResult {
  presses: CityPress[];
  consoles: CityConsoleCount[];
  baseline: { sent: number; latencies: number[]; lost: number };
  connectMs: number;
  /** From the bells connected to every console showing them online (or the limit), and how many each showed. */
  onlineMs: number;
  onlineAtConsoles: number[];
  pressMs: number;
  heartbeats: number;
  bellDisconnects: number;
}

/** The longest wait for the consoles to show every bell online before pressing. */
const SETTLE_LIMIT_MS = 30_000;

interface ConsoleTap {
  name: string;
  ws: WebSocket;
  /** First arrival (performance.now()) per incident id, and per bell id of bell incidents. */
  byIncident: Map<string, number>;
  byBell: Map<string, number>;
  revisions: Map<string, number>;
  /** Bells this console was told are online. */
  online: Set<string>;
  messages: number;
  outOfOrder: number;
  closes: number;
  closing: boolean;
}

async function openConsole(c: CityLoadPlan['consoles'][number]): Promise<ConsoleTap> {
  const tap: Omit<ConsoleTap, 'ws'> = { name: c.name, byIncident: new Map(), byBell: new Map(), revisions: new Map(), online: new Set(), messages: 0, outOfOrder: 0, closes: 0, closing: false };
  const ws = await openConsoleStream(c.url, c.token, (text, at) => {
    tap.messages++;
    const m = JSON.parse(text) as { type: string; data: { id?: string; bellId?: string | null; revision?: number; online?: boolean } };
    if (m.type === 'bell.status' && m.data.id) {
      if (m.data.online) tap.online.add(m.data.id);
      else tap.online.delete(m.data.id);
    }
    if ((m.type !== 'incident.created' && m.type !== 'incident.updated') || !m.data.id) return;
    const { id, bellId, revision = 0 } = m.data;
    if (!tap.byIncident.has(id)) tap.byIncident.set(id, at);
    if (bellId && !tap.byBell.has(bellId)) tap.byBell.set(bellId, at);
    const last = tap.revisions.get(id);
    if (last !== undefined && revision < last) tap.outOfOrder++;
    else tap.revisions.set(id, revision);
  });
  ws.on('close', () => {
    if (!tap.closing) tap.closes++;
  });
  return Object.assign(tap, { ws });
}

interface Press {
  bell: BenchBell;
  seq: number;
  payload: string;
  t0: number;
  tReceived?: number;
  incidentId?: string;
  retransmits: number;
  timer?: NodeJS.Timeout;
}

/** The bells' retained `online` statuses would outlive the run on a persistent broker: cleared. */
async function clearRetained(plan: CityLoadPlan): Promise<void> {
  const client = await mqtt.connectAsync(plan.mqttUrl, { clientId: `gb-bench-${plan.runTag}-clear`, reconnectPeriod: 0 });
  for (let i = 0; i < plan.bells; i += 100) {
    const ids = Array.from({ length: Math.min(100, plan.bells - i) }, (_, k) => bellId(i + k));
    await Promise.all(ids.map((id) => client.publishAsync(bellTopic(plan.root, id, 'status'), '', { qos: 1, retain: true })));
  }
  await client.endAsync();
}

export async function runCityLoad(plan: CityLoadPlan): Promise<CityLoadResult> {
  const consoles: ConsoleTap[] = [];
  let bells: BenchBell[] = [];
  let baseline: Baseline | undefined;
  const presses: Press[] = [];
  try {
    for (const c of plan.consoles) consoles.push(await openConsole(c));
    let t = performance.now();
    bells = await connectFleet(plan.mqttUrl, plan.root, plan.bells, plan.connectBatch, plan.runTag, plan.deadline);
    const connectMs = performance.now() - t;
    for (const b of bells) b.startHeartbeat(plan.heartbeatMs, Math.random() * plan.heartbeatMs);
    baseline = await Baseline.connect(plan.mqttUrl, plan.runTag, plan.rate);
    const current = new Map<string, Press>();
    for (const b of bells) {
      b.onAck = (ack, at) => {
        const p = current.get(b.id);
        if (!p || ack.seq !== p.seq || ack.state !== 'received' || p.tReceived !== undefined) return;
        p.tReceived = at;
        p.incidentId = ack.incident;
        clearTimeout(p.timer);
      };
    }
    // The bells' online announcements settle before the first press: every console has shown every bell online
    // (checked, not assumed: a round whose presses met that news still crossing the bus would measure it).
    t = performance.now();
    const settleUntil = Math.min(plan.deadline, Date.now() + SETTLE_LIMIT_MS);
    while (consoles.some((c) => c.online.size < bells.length) && Date.now() < settleUntil) await sleep(20);
    const onlineMs = performance.now() - t;
    await sleep(1_000);

    const planned = Math.min(bells.length, Math.floor(plan.rate * plan.seconds));
    const interval = 1000 / plan.rate;
    const retransmit = (p: Press) => {
      p.timer = setTimeout(() => {
        if (p.tReceived !== undefined) return;
        p.retransmits++;
        p.bell.publishEvent(p.payload); // the same bytes, the same seq, as firmware does
        retransmit(p);
      }, RETRANSMIT_MS);
    };
    t = performance.now();
    baseline.start(plan.rate, planned / plan.rate);
    await new Promise<void>((resolve) => {
      let k = 0;
      const tick = () => {
        while (k < planned && t + k * interval <= performance.now()) {
          const bell = bells[k++]!;
          const seq = bell.nextSeq++;
          const p: Press = { bell, seq, payload: JSON.stringify({ seq, type: 'press', at: new Date().toISOString(), battery: benchBattery(bell.index) }), t0: performance.now(), retransmits: 0 };
          presses.push(p);
          current.set(bell.id, p);
          bell.publishEvent(p.payload);
          retransmit(p);
        }
        if (k >= planned) return resolve();
        setTimeout(tick, Math.max(0, t + k * interval - performance.now()));
      };
      tick();
    });
    const pressMs = performance.now() - t;
    const heard = (c: ConsoleTap, p: Press) => (p.incidentId ? c.byIncident.get(p.incidentId) : c.byBell.get(p.bell.id));
    const done = () => baseline!.outstanding === 0 && presses.every((p) => p.tReceived !== undefined && consoles.every((c) => heard(c, p) !== undefined));
    const until = performance.now() + plan.stragglerMs;
    while (!done() && performance.now() < until) await sleep(20);
    for (const p of presses) clearTimeout(p.timer);
    for (const b of bells) b.stopHeartbeat();
    const first = presses[0]?.t0 ?? 0;
    const after = (x: number | undefined, from: number) => (x === undefined ? null : x - from);
    return {
      presses: presses.map((p) => ({
        bellId: p.bell.id,
        at: p.t0 - first,
        received: after(p.tReceived, p.t0),
        incidentId: p.incidentId ?? null,
        consoles: consoles.map((c) => after(heard(c, p), p.t0)),
        retransmits: p.retransmits,
      })),
      consoles: consoles.map((c) => ({ name: c.name, messages: c.messages, incidentIds: [...c.byIncident.keys()], outOfOrder: c.outOfOrder, closes: c.closes })),
      baseline: baseline.stop(),
      connectMs,
      onlineMs,
      onlineAtConsoles: consoles.map((c) => c.online.size),
      pressMs,
      heartbeats: bells.reduce((n, b) => n + b.heartbeats, 0),
      bellDisconnects: bells.reduce((n, b) => n + b.offlines, 0),
    };
  } finally {
    for (const p of presses) clearTimeout(p.timer);
    for (const c of consoles) {
      c.closing = true;
      c.ws.terminate();
    }
    await baseline?.close();
    await closeFleet(bells, plan.connectBatch);
    await clearRetained(plan).catch(() => undefined);
  }
}

// Forked: one plan in, one result out.
if (process.send) {
  process.once('message', (m: { plan: CityLoadPlan }) => {
    runCityLoad(m.plan).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (err: unknown) => process.send!({ error: (err as Error).stack ?? String(err) }, () => process.exit(1)),
    );
  });
}
