import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';

// Node's scrypt: a slow salted hash with no native add-on (the argon2 prebuilt crashes on Node 20).
// Stored as `scrypt$N$r$p$salt$hash`, so a hash keeps the parameters it was made with and can be upgraded.
const KEY_LEN = 32;

export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/**
 * OWASP Password Storage Cheat Sheet: "scrypt with a minimum CPU/memory cost parameter of (2^17), a minimum
 * block size of 8 (1024 bytes), and a parallelization parameter of 1" (argon2id is not available, see above).
 * 128 MiB and about 0.3 s of one core per hash: hence the bounded concurrency of `PasswordHasher`.
 */
export const OWASP_SCRYPT: ScryptCost = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

/** The cost of machine-made secrets (bells' MQTT passwords): their entropy protects them, not the KDF. */
const SECRET_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };

function scrypt(password: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses anything above maxmem.
  const maxmem = 128 * cost.N * cost.r + 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    scryptCb(password, salt, KEY_LEN, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function parse(stored: string | null): { cost: ScryptCost; salt: Buffer; hash: Buffer } | null {
  if (!stored) return null;
  const [scheme, n, rr, pp, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !rr || !pp || !salt || !hash) return null;
  const cost = { N: Number(n), r: Number(rr), p: Number(pp) };
  if (![cost.N, cost.r, cost.p].every((v) => Number.isInteger(v) && v > 0) || cost.N > 2 ** 20 || cost.r > 32 || cost.p > 4) return null;
  if ((cost.N & (cost.N - 1)) !== 0) return null; // scrypt takes only powers of two
  return { cost, salt: Buffer.from(salt, 'base64'), hash: Buffer.from(hash, 'base64') };
}

/** The stored form: `scrypt$N$r$p$salt$hash`, salt and hash in base64. */
function formatHash(cost: ScryptCost, salt: Buffer, key: Buffer): string {
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

async function hashWith(password: string, cost: ScryptCost): Promise<string> {
  const salt = randomBytes(16);
  return formatHash(cost, salt, await scrypt(password, salt, cost));
}

/** The cost a stored hash was made with; null for anything that is not one of ours. */
export function costOf(stored: string | null): ScryptCost | null {
  return parse(stored)?.cost ?? null;
}

/** Whether `text` is a whole hash as `hashWith` makes them (a provisioning file may carry one instead of a password). */
export function isPasswordHash(text: string): boolean {
  const parsed = parse(text);
  return parsed !== null && parsed.hash.length === KEY_LEN && parsed.salt.length >= 16 && text === formatHash(parsed.cost, parsed.salt, parsed.hash);
}

/** Hashes a machine-made secret (a bell's MQTT password). People's passwords go through `PasswordHasher`. */
export function hashPassword(password: string): Promise<string> {
  return hashWith(password, SECRET_COST);
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await scrypt(password, parsed.salt, parsed.cost);
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

export class HashingBusy extends Error {
  constructor() {
    super('too many password checks are waiting');
  }
}

export interface PasswordHasherOptions {
  /** log2 of scrypt's N; 17 is OWASP's minimum. Lower only for tests. */
  log2N?: number;
  /** Hashes computed at once: each takes 128 MiB and a core, in the process that serves alarms. */
  concurrency?: number;
  /** Checks allowed to wait for a slot; past that a login is refused at once (HashingBusy). */
  maxWaiting?: number;
}

/**
 * People's passwords: hashed at the configured cost (OWASP's by default), at most `concurrency` at a time, so a
 * burst of logins can neither exhaust memory nor take the cores from the alarm path. A stored hash made with a
 * lower cost verifies as before and reports `upgrade`, so the caller rehashes it on that successful login.
 */
export class PasswordHasher {
  readonly cost: ScryptCost;
  /** Hashes computed at once; a caller with many to do keeps no more than this many asked. */
  readonly concurrency: number;
  private readonly maxWaiting: number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private dummy: Promise<string> | undefined;

  constructor(opts: PasswordHasherOptions = {}) {
    this.cost = { ...OWASP_SCRYPT, N: 2 ** (opts.log2N ?? Math.log2(OWASP_SCRYPT.N)) };
    this.concurrency = opts.concurrency ?? 2;
    this.maxWaiting = opts.maxWaiting ?? 32;
  }

  hash(password: string): Promise<string> {
    return this.slot(() => hashWith(password, this.cost));
  }

  /**
   * Verifies `password` against `stored`; without a stored hash (an unknown user) it verifies against a dummy
   * hash of the same cost, so that the answer takes as long as for a real user.
   */
  async verify(password: string, stored: string | null): Promise<{ ok: boolean; upgrade: boolean }> {
    const target = parse(stored) ? stored! : await this.dummyHash();
    const ok = await this.slot(() => verifyPassword(password, target));
    const cost = costOf(target)!;
    return { ok: ok && target === stored, upgrade: ok && target === stored && cost.N < this.cost.N };
  }

  private dummyHash(): Promise<string> {
    // Made once, at this hasher's cost, from a password nobody knows.
    this.dummy ??= hashWith(randomBytes(16).toString('hex'), this.cost);
    return this.dummy;
  }

  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) throw new HashingBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
