/**
 * One Guardbell process for the benchmark, in this process: a throwaway database (PGlite in memory, or a fresh
 * PostgreSQL database dropped afterwards), the embedded aedes broker on a free port, logging silenced, and the
 * bench fleet provisioned programmatically.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { configFromEnv, type Config } from '../../api/config.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import type { ProvisioningDocument } from '../../api/provisioning/index.ts';
import { startGuardbell, type System } from '../../system/index.ts';
import { ApiClient } from '../support/http.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { isolatedEnv } from '../support/system.ts';
import { bellId } from './fleet.ts';
import type { BenchDb } from './options.ts';

export const SITE_ID = 'bench-site';
export const BENCH_PASSWORD = 'bench-password-1';
const BELLS_PER_COUNTER = 20;
/** With `phones`, the guard (the console) and the manager (the closer) have these: every alarm's `alert` step texts both. */
export const BENCH_PHONES = { guard: '+821000009001', manager: '+821000009002' } as const;

export interface BenchSystem {
  system: System;
  topicRoot: string;
  runTag: string;
  close(): Promise<void>;
}

/**
 * `extraEnv`: e.g. the Twilio settings of a fake Twilio (see twilio.ts). `databaseUrl`: a PostgreSQL database the
 * caller created and drops (it outlives this system), instead of a fresh one dropped at close.
 */
export async function startBenchSystem(db: BenchDb, extraEnv: Record<string, string> = {}, databaseUrl?: string): Promise<BenchSystem> {
  const created = db === 'postgres' && databaseUrl === undefined ? await createTestDatabase() : undefined;
  const runTag = randomBytes(4).toString('hex');
  // A caller that names the root (a second system on the first one's bells) gets it back as the root in use.
  const topicRoot = extraEnv.GUARDBELL_TOPIC_ROOT ?? `gbbench-${runTag}/v1`;
  const env: Record<string, string> = { ...isolatedEnv(topicRoot, databaseUrl ?? created?.url, { adminPassword: BENCH_PASSWORD }), ...extraEnv };
  const config: Config = { ...configFromEnv(env), embeddedDbDir: 'memory://' };
  let system: System;
  try {
    system = await startGuardbell(config, { logger: pino({ level: 'silent' }) });
  } catch (err) {
    await created?.drop().catch(() => undefined);
    throw err;
  }
  return {
    system,
    topicRoot,
    runTag,
    close: async () => {
      try {
        await system.close();
      } finally {
        await created?.drop();
      }
    },
  };
}

/** The counter id of the c-th counter (0-based), as provisioned. */
export const counterIdOf = (c: number) => `C-${String(c + 1).padStart(4, '0')}`;

/**
 * One site, a counter per 20 bells (or `counters` counters), bells BENCH-00001…, a guard (the console) and a
 * manager (the closer); with `phones` both have one, so every alarm's `alert` step texts them both.
 */
export function benchProvisioning(bells: number, opts: { counters?: number; phones?: boolean } = {}): ProvisioningDocument {
  const counters = opts.counters ?? Math.max(1, Math.ceil(bells / BELLS_PER_COUNTER));
  const phone = (p: string) => (opts.phones ? { phone: p } : {});
  return {
    sites: [
      {
        id: SITE_ID,
        name: 'Bench Office',
        address: '1 Bench-ro, Seoul',
        timezone: 'Asia/Seoul',
        drillLiaison: [],
        counters: Array.from({ length: counters }, (_, c) => ({ id: counterIdOf(c), name: `Counter ${c + 1}`, floor: '1F' })),
        bells: Array.from({ length: bells }, (_, i) => ({ id: bellId(i), counterId: counterIdOf(i % counters), adapter: 'native' as const })),
      },
    ],
    people: [
      { id: 'bench-guard', name: 'Bench Guard', roles: ['guard'], siteIds: [SITE_ID], language: 'en', username: 'bench-guard', password: BENCH_PASSWORD, ...phone(BENCH_PHONES.guard) },
      { id: 'bench-manager', name: 'Bench Manager', roles: ['manager'], siteIds: [SITE_ID], language: 'en', username: 'bench-manager', password: BENCH_PASSWORD, ...phone(BENCH_PHONES.manager) },
    ],
  };
}

/** Does an alarm SMS name this bell's counter at the bench site ("… Bench Office floor 1F Counter 12 (1 Bench-ro, Seoul) …")? */
export function smsNamesBell(body: string | undefined, bellIndex: number, bells: number): boolean {
  const counter = (bellIndex % Math.max(1, Math.ceil(bells / BELLS_PER_COUNTER))) + 1;
  return !!body && new RegExp(`\\bBench Office\\b[^(]*\\bCounter ${counter} \\(`).test(body);
}

export async function provisionBench(system: System, bells: number, opts: { counters?: number; phones?: boolean } = {}): Promise<void> {
  await applyProvisioning(system.database.db, benchProvisioning(bells, opts));
  await system.reloadDirectory();
}

/** `admin` is the built-in administrator (GUARDBELL_ADMIN_PASSWORD is the bench password). */
export function login(system: System | { url: string }, username: 'bench-guard' | 'bench-manager' | 'admin'): Promise<ApiClient> {
  return ApiClient.login(system.url, username, BENCH_PASSWORD);
}

/**
 * Taps the in-process hub: when `incident.created` leaves the alarm core, before any WebSocket; and when an
 * incident is first announced as stored (`incident.updated`, stored): escalation is armed from that moment.
 */
export function tapHub(
  system: System,
  onCreated: (bellId: string, incidentId: string, at: number) => void,
  onStored: (incidentId: string, at: number) => void = () => undefined,
): () => void {
  const created = '{"type":"incident.created"';
  const updated = '{"type":"incident.updated"';
  return system.hub.subscribe({
    canSee: () => true,
    send: (text) => {
      const isCreated = text.startsWith(created);
      // Most updates are the provider's reports; only the first stored one counts, and parsing each is the bench's
      // work on the thread under test.
      if (!isCreated && !(text.startsWith(updated) && text.includes('"stored":true'))) return;
      const at = performance.now();
      const { data } = JSON.parse(text) as { data: { id: string; bellId: string | null; stored?: boolean } };
      if (isCreated && data.bellId) onCreated(data.bellId, data.id, at);
      else if (!isCreated && data.stored) onStored(data.id, at);
    },
  });
}

/** Rows the store holds for the bench bells: bell events (exactly once each) and incidents. */
export async function countRows(system: System): Promise<{ bellEvents: number; incidents: number }> {
  const one = async (q: ReturnType<typeof sql>) => {
    const res = (await system.database.db.execute(q)) as unknown as { rows: { n: number | string }[] };
    return Number(res.rows[0]?.n ?? 0);
  };
  return {
    bellEvents: await one(sql`select count(*)::int as n from bell_events where bell_id like 'BENCH-%'`),
    incidents: await one(sql`select count(*)::int as n from incidents where bell_id like 'BENCH-%'`),
  };
}
