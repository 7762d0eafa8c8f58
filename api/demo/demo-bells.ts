/**
 * The demo's bells, alive: a virtual bell per demo bell heartbeating over the real broker (each with its own
 * credential when the demo provisions one), so the bell board shows four bells online instead of four red
 * "offline" rows. Started by `guardbell start` only while the demo site is there; never for a real site.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualBell } from '../../firmware-bridge/virtual-bell/index.ts';
import { demoProvisioning } from './demo-provisioning.ts';

export interface DemoBellCredential {
  bellId: string;
  keyHex?: string | undefined;
  password?: string | undefined;
}

/** The demo bells and what they log in with (a password only if the demo provisions one). */
export function demoBellCredentials(): DemoBellCredential[] {
  return (demoProvisioning().sites[0]?.bells ?? []).map((b) => {
    const password = (b as { mqttPassword?: string }).mqttPassword;
    return { bellId: b.id, keyHex: b.key, ...(password ? { password } : {}) };
  });
}

export interface DemoBells {
  /** The bells that connected; the others are named in `refused` with the broker's reason. */
  started: string[];
  refused: { bellId: string; reason: string }[];
  stop(): Promise<void>;
}

export async function startDemoBells(opts: { mqttUrl: string; topicRoot: string; heartbeatEveryMs?: number }): Promise<DemoBells> {
  const stateDir = await mkdtemp(join(tmpdir(), 'guardbell-demo-bells-'));
  const bells: VirtualBell[] = [];
  const refused: DemoBells['refused'] = [];
  for (const c of demoBellCredentials()) {
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
