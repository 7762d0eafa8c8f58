/**
 * One Guardbell process for the benchmark, in this process: a throwaway database (PGlite in memory, or a fresh
 * PostgreSQL database dropped afterwards), the embedded aedes broker on a free port, logging silenced, and the
 * bench fleet provisioned programmatically.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import WebSocket from 'ws';
import { sql } from 'drizzle-orm';
import { configFromEnv, type Config } from '../../api/config.ts';
import { applyProvisioning } from '../../api/provisioning/apply.ts';
import type { ProvisioningDocument } from '../../api/provisioning/index.ts';
import { startSystem, type System } from '../../api/system.ts';
import { ApiClient } from '../support/http.ts';
import { createTestDatabase } from '../support/postgres.ts';
import { bellId } from './fleet.ts';
import type { BenchDb } from './options.ts';

export const SITE_ID = 'bench-site';
const PASSWORD = 'bench-password-1';
const BELLS_PER_COUNTER = 20;

export interface BenchSystem {
  system: System;
  topicRoot: string;
  runTag: string;
  close(): Promise<void>;
}

export async function startBenchSystem(db: BenchDb): Promise<BenchSystem> {
  const created = db === 'postgres' ? await createTestDatabase() : undefined;
  const runTag = randomBytes(4).toString('hex');
  const topicRoot = `gbbench-${runTag}/v1`;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: 'memory://',
    MQTT_PORT: '0',
    GUARDBELL_TOPIC_ROOT: topicRoot,
    GUARDBELL_DEMO: '0',
    GUARDBELL_ADMIN_PASSWORD: PASSWORD,
    LOG_LEVEL: 'silent',
    ...(created ? { DATABASE_URL: created.url } : {}),
  };
  const config: Config = { ...configFromEnv(env), embeddedDbDir: 'memory://' };
  let system: System;
  try {
    system = await startSystem(config, { logger: pino({ level: 'silent' }) });
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

/** One site, a counter per 20 bells, bells BENCH-00001…, a guard (the console) and a manager (the closer). */
export function benchProvisioning(bells: number): ProvisioningDocument {
  const counters = Math.max(1, Math.ceil(bells / BELLS_PER_COUNTER));
  const counterId = (c: number) => `C-${String(c + 1).padStart(4, '0')}`;
  return {
    sites: [
      {
        id: SITE_ID,
        name: 'Bench Office',
        address: '1 Bench-ro, Seoul',
        timezone: 'Asia/Seoul',
        drillLiaison: [],
        counters: Array.from({ length: counters }, (_, c) => ({ id: counterId(c), name: `Counter ${c + 1}`, floor: '1F' })),
        bells: Array.from({ length: bells }, (_, i) => ({ id: bellId(i), counterId: counterId(i % counters), adapter: 'native' as const })),
      },
    ],
    people: [
      { id: 'bench-guard', name: 'Bench Guard', roles: ['guard'], siteIds: [SITE_ID], language: 'en', username: 'bench-guard', password: PASSWORD },
      { id: 'bench-manager', name: 'Bench Manager', roles: ['manager'], siteIds: [SITE_ID], language: 'en', username: 'bench-manager', password: PASSWORD },
    ],
  };
}

export async function provisionBench(system: System, bells: number): Promise<void> {
  await applyProvisioning(system.database.db, benchProvisioning(bells));
  await system.places.reload();
}

export function login(system: System, username: 'bench-guard' | 'bench-manager'): Promise<ApiClient> {
  return ApiClient.login(system.url, username, PASSWORD);
}

/** The console: one WebSocket stream as the guard; `incident.created` of bench bells timed on arrival. */
export async function openConsole(
  system: System,
  guard: ApiClient,
  onCreated: (bellId: string, incidentId: string, at: number) => void,
): Promise<{ messages: () => number; close(): void }> {
  const ws = new WebSocket(`${system.url.replace(/^http/, 'ws')}/api/v1/stream?token=${guard.token}`);
  let count = 0;
  ws.on('message', (data) => {
    const at = performance.now();
    count++;
    const m = JSON.parse(data.toString()) as { type: string; data: { id?: string; bellId?: string | null; source?: string } };
    if (m.type === 'incident.created' && m.data.source === 'bell' && m.data.bellId && m.data.id) onCreated(m.data.bellId, m.data.id, at);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  (ws as unknown as { _socket?: { setNoDelay?(v: boolean): void } })._socket?.setNoDelay?.(true);
  return {
    messages: () => count,
    close: () => ws.terminate(),
  };
}

/** Taps the in-process hub: when `incident.created` leaves the alarm core, before any WebSocket. */
export function tapHub(system: System, onCreated: (bellId: string, at: number) => void): () => void {
  const prefix = '{"type":"incident.created"';
  return system.hub.subscribe({
    canSee: () => true,
    send: (text) => {
      if (!text.startsWith(prefix)) return;
      const at = performance.now();
      const m = /"bellId":"([^"]+)"/.exec(text);
      if (m) onCreated(m[1]!, at);
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
