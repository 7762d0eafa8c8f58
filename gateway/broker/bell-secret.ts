/**
 * Hashes of machine secrets (bell and bridge MQTT passwords). These are random strings of 128 bits or more,
 * not passwords a person chose, so there is nothing for a slow hash to protect against guessing: one salted
 * HMAC-SHA256 (microseconds) keeps a reconnect storm of thousands of bells from queueing behind scrypt, while
 * a stolen hash still does not reveal the secret. Hashes written before this scheme (`scrypt$…`) still verify,
 * the slow way, until the bell's credential is issued again.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SCHEME = 'hmac-sha256';

/** A new machine secret: 24 random bytes, base64url (32 characters). */
export function newMachineSecret(): string {
  return randomBytes(24).toString('base64url');
}

export function hashMachineSecret(secret: string, salt: Buffer = randomBytes(16)): string {
  return `${SCHEME}$${salt.toString('base64')}$${digest(secret, salt).toString('base64')}`;
}

/** Whether `hash` is of the fast scheme (verify with {@link verifyMachineSecret}, no scrypt). */
export function isFastHash(hash: string): boolean {
  return hash.startsWith(`${SCHEME}$`);
}

export function verifyMachineSecret(secret: string, hash: string): boolean {
  const [scheme, salt, expected] = hash.split('$');
  if (scheme !== SCHEME || !salt || !expected) return false;
  const want = Buffer.from(expected, 'base64');
  const got = digest(secret, Buffer.from(salt, 'base64'));
  return got.length === want.length && timingSafeEqual(got, want);
}

function digest(secret: string, salt: Buffer): Buffer {
  return createHmac('sha256', salt).update(secret, 'utf8').digest();
}
