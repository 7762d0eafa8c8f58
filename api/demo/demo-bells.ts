/**
 * The demo's bells, alive: a virtual bell per demo bell heartbeating over the real broker (each with its own
 * credential when the demo provisions one), so the bell board shows four bells online instead of four red
 * "offline" rows. Started by `guardbell start` only while the demo site is there; never for a real site.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualBell } from '../../firmware-bridge/virtual-bell/index.ts';
import { eq } from 'drizzle-orm';
import { issueSecret } from '../provisioning/credentials.ts';
import { schema, type Db } from '../store/index.ts';
import { demoProvisioning } from './demo-provisioning.ts';

export interface DemoBellCredential {
  bellId: string;
  keyHex?: string | undefined;
  password?: string | undefined;
}

/** The demo bells and what they log in with: the passwords issued to them on this start. */
export function demoBellCredentials(passwords: Readonly<Record<string, string>> = {}): DemoBellCredential[] {
  return (demoProvisioning().sites[0]?.bells ?? []).map((b) => {
    const password = passwords[b.id];
    return { bellId: b.id, keyHex: b.key, ...(password ? { password } : {}) };
  });
}

/**
 * New MQTT passwords for the demo's bells (stored as their hashes), so that the simulator and a person pressing by
 * hand can log in on a later start too; the passwords of the start before stop working.
 */
export async function issueDemoBellPasswords(db: Db): Promise<Record<string, string>> {
  const passwords: Record<string, string> = {};
  for (const b of demoProvisioning().sites[0]?.bells ?? []) {
    const { secret, hash } = issueSecret();
    const updated = await db.update(schema.bells).set({ mqttPasswordHash: hash }).where(eq(schema.bells.id, b.id)).returning({ id: schema.bells.id });
    if (updated.length > 0) passwords[b.id] = secret;
  }
  return passwords;
}

export interface DemoBells {
  /** The bells that connected; the others are named in `refused` with the broker's reason. */
  started: string[];
  refused: { bellId: string; reason: string }[];
  stop(): Promise<void>;
}

export async function startDemoBells(opts: { mqttUrl: string; topicRoot: string; passwords?: Readonly<Record<string, string>>; heartbeatEveryMs?: number }): Promise<DemoBells> {
  const stateDir = await mkdtemp(join(tmpdir(), 'guardbell-demo-bells-'));
  const bells: VirtualBell[] = [];
  const refused: DemoBells['refused'] = [];
  for (const c of demoBellCredentials(opts.passwords)) {
    const bell = new VirtualBell({
      bellId: c.bellId, mqttUrl: opts.mqttUrl, topicRoot: opts.topicRoot, stateDir, keyHex: c.keyHex,
      // The bells' client ids are their own (the broker ties them to the login): a suffix keeps a person's
      // `guardbell bell press --bell B-0101` from taking this connection over.
      username: c.password ? c.bellId : undefined, password: c.password, clientId: `${c.bellId}-demo-sim`,
      heartbeatEveryMs: opts.heartbeatEveryMs ?? 30_000, battery: 96, fw: 'demo-1.0', connectTimeoutMs: 5_000,
    });
    try {
      await bell.start();
      bells.push(bell);
    } catch (err) {
      refused.push({ bellId: c.bellId, reason: (err as Error).message });
    }
  }
  return {
    started: bells.map((b) => b.bellId),
    refused,
    stop: async () => {
      await Promise.all(bells.map((b) => b.stop().catch(() => undefined)));
    },
  };
}
