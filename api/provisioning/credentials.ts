/**
 * Machine credentials of bells and bridges: hashed with the fast keyed hash (gateway/broker/bell-secret.ts),
 * generated where a file gives none, and shown once to whoever applied the file.
 */
import { verifyPassword } from '../auth/passwords.ts';
import { hashMachineSecret, isFastHash, newMachineSecret, verifyMachineSecret } from '../../gateway/broker/bell-secret.ts';
import type { BridgeCredential } from '../../gateway/broker/device-auth.ts';
import { schema, type Db } from '../store/index.ts';

/** Passwords generated while applying a file: returned once, stored nowhere but as hashes. */
export interface IssuedCredentials {
  bells?: Record<string, string>;
  bridges?: Record<string, string>;
}

/** Whether `secret` is the one `hash` was made of, whichever scheme made it (older hashes are scrypt). */
export async function machineSecretMatches(secret: string, hash: string | null | undefined): Promise<boolean> {
  if (!hash) return false;
  return isFastHash(hash) ? verifyMachineSecret(secret, hash) : verifyPassword(secret, hash);
}

/** The hash to store for `secret`, or undefined when `current` is already its hash. */
export async function hashIfChanged(secret: string, current: string | null | undefined): Promise<string | undefined> {
  return (await machineSecretMatches(secret, current)) ? undefined : hashMachineSecret(secret);
}

/** A new secret and its hash. */
export function issueSecret(): { secret: string; hash: string } {
  const secret = newMachineSecret();
  return { secret, hash: hashMachineSecret(secret) };
}

export async function loadBridgeCredentials(db: Db): Promise<BridgeCredential[]> {
  const rows = await db.select().from(schema.mqttBridges);
  return rows.map((r) => ({ username: r.username, hash: r.passwordHash, adapter: r.adapter, topicPrefix: r.topicPrefix }));
}
