/**
 * The reconnect phase: N provisioned bells, each with its own MQTT login, reconnecting at once (a power cut, a
 * broker restart), their clients in a child process (storm-fleet.ts). Timed to all admitted (CONNACK) and to all
 * online statuses acknowledged:
 * - on the embedded broker (aedes with Guardbell's device auth, PGlite), cold (the first logins after start) and
 *   again (every connection cut, all back at once: the verified logins are remembered);
 * - with the gateway on Mosquitto (PostgreSQL): an own Mosquitto on free ports with the passwd, ACL and settings
 *   that `guardbell devices mosquitto-acl --provision FILE` wrote, Guardbell on its gateway listener;
 * each beside the broker's own baseline in the same run: the same clients on that broker with no authentication.
 * Target: every bell admitted within 10 s.
 */
import { loadavg } from 'node:os';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import { OwnMosquitto } from '../devices/own-mosquitto.ts';
import { startOnOwnMosquitto } from './own-mosquitto-system.ts';
import { benchProvisioning, startBenchSystem } from './setup.ts';
import { sleep } from './stats.ts';
import { stormSecret, type StormPlan, type StormResult } from './storm-fleet.ts';
import { BenchChild } from './supervision-ipc.ts';
import { listenOverflows } from './tcp-counters.ts';

export const RECONNECT_TARGET_MS = 10_000;
/** A bell not admitted by then is counted as not admitted. */
const STORM_TIMEOUT_MS = 60_000;
/** After a cut, the broker publishes every will and drops every session before the bells come back. */
const SETTLE_AFTER_CUT_MS = 5_000;

export interface BrokerStorms {
  /** The same clients, no authentication, the broker alone. */
  baseline: TimedStorm;
  /** The first logins after start; then all cut and back at once. */
  cold: TimedStorm;
  again: TimedStorm;
  /** How the embedded broker checked the passwords (fast HMAC, cached, slow scrypt): none slow. */
  verifications?: { fast: number; slow: number; cached: number };
  setupMs: number;
}

export interface ReconnectResult {
  bells: number;
  embedded: BrokerStorms | { error: string };
  mosquitto: BrokerStorms | { error: string };
  targetMs: number;
  load: { before: number; after: number };
}

const within = (ms: number | null) => ms !== null && ms <= RECONNECT_TARGET_MS;
export const stormTargetMet = (s: BrokerStorms | { error: string }) =>
  'cold' in s && s.cold.admitted === s.cold.bells && within(s.cold.allAdmittedMs) && within(s.again.allAdmittedMs);

export async function runReconnect(bells: number, log: (line: string) => void): Promise<ReconnectResult> {
  const loadBefore = loadavg()[0]!;
  const fleet = BenchChild.start('fleet');
  try {
    const embedded = await runEmbedded(fleet, bells, log).catch((err: unknown) => ({ error: (err as Error).message }));
    const mosquitto = await runMosquitto(fleet, bells, log).catch((err: unknown) => ({ error: (err as Error).message }));
    return { bells, embedded, mosquitto, targetMs: RECONNECT_TARGET_MS, load: { before: loadBefore, after: loadavg()[0]! } };
  } finally {
    await fleet.close();
  }
}

function plan(url: string, root: string, runTag: string, bells: number, credentials: boolean): StormPlan {
  return { url, root, runTag, bells, credentials, announce: true, timeoutMs: STORM_TIMEOUT_MS };
}

/** A storm's result and the handshakes the kernel dropped meanwhile because the broker's accept queue was full. */
export type TimedStorm = StormResult & { listenOverflows: number | null };

async function storm(fleet: BenchChild, p: StormPlan, log: (line: string) => void, label: string): Promise<TimedStorm> {
  const before = listenOverflows();
  const result = await fleet.request<StormResult>({ op: 'storm', plan: p });
  const after = listenOverflows();
  const r = { ...result, listenOverflows: before === null || after === null ? null : after - before };
  log(`  ${label}: ${r.admitted}/${r.bells} admitted, all in ${fmt(r.allAdmittedMs)} (p95 ${fmt(r.p95Ms)}), all online in ${fmt(r.allOnlineMs)}; accept queue overflows ${r.listenOverflows ?? '—'}`);
  await fleet.request({ op: 'cutStorm' });
  await sleep(SETTLE_AFTER_CUT_MS);
  return r;
}

const fmt = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(2)} s`);

/** The provisioning document of the storm's bells, each with its machine secret. */
function stormProvisioning(bells: number, runTag: string) {
  const doc = benchProvisioning(bells);
  doc.sites[0]!.bells.forEach((b, i) => (b.mqttPassword = stormSecret(runTag, i)));
  return doc;
}

async function runEmbedded(fleet: BenchChild, bells: number, log: (line: string) => void): Promise<BrokerStorms> {
  log(`[embedded] the broker alone, no authentication…`);
  const broker = BenchChild.start('broker');
  let baseline: TimedStorm;
  try {
    const { url } = await broker.request<{ url: string }>({ op: 'startPlainBroker' });
    baseline = await storm(fleet, plan(url, 'gbstorm/v1', 'base', bells, false), log, 'aedes alone');
  } finally {
    await broker.close();
  }
  log(`[embedded] Guardbell (PGlite, device auth), ${bells} bells provisioned with MQTT passwords…`);
  const t0 = performance.now();
  const bench = await startBenchSystem('pglite', { MQTT_ALLOW_ANONYMOUS: '0' });
  try {
    await applyProvisioning(bench.system.database.db, stormProvisioning(bells, bench.runTag));
    await bench.system.reloadDirectory();
    const setupMs = performance.now() - t0;
    const p = plan(bench.system.mqttUrl, bench.topicRoot, bench.runTag, bells, true);
    const cold = await storm(fleet, p, log, 'Guardbell, first logins');
    const again = await storm(fleet, p, log, 'Guardbell, back after a cut');
    const auth = bench.system.deviceAuth!;
    return { baseline, cold, again, verifications: { ...auth.verifications }, setupMs };
  } finally {
    await bench.close();
  }
}

async function runMosquitto(fleet: BenchChild, bells: number, log: (line: string) => void): Promise<BrokerStorms> {
  log(`[mosquitto] Mosquitto alone, no authentication…`);
  const plain = await OwnMosquitto.start({ allowAnonymous: true });
  let baseline: TimedStorm;
  try {
    baseline = await storm(fleet, plan(plain.url, 'gbstorm/v1', 'base', bells, false), log, 'mosquitto alone');
  } finally {
    await plain.stop();
  }
  log(`[mosquitto] Guardbell (PostgreSQL) on an own Mosquitto, files from guardbell devices mosquitto-acl…`);
  const t0 = performance.now();
  const own = await startOnOwnMosquitto((runTag) => stormProvisioning(bells, runTag));
  try {
    const setupMs = performance.now() - t0;
    const p = plan(own.mosquitto.url, own.bench.topicRoot, own.runTag, bells, true);
    const cold = await storm(fleet, p, log, 'Mosquitto with the generated files, first logins');
    const again = await storm(fleet, p, log, 'Mosquitto with the generated files, back after a cut');
    return { baseline, cold, again, setupMs };
  } finally {
    await own.close();
  }
}
