import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../contract/index.ts';
import type { DirectoryStore, PersonRow } from '../store/index.ts';
import { verifyPassword } from './passwords.ts';
import type { User } from './policy.ts';

export const SESSION_COOKIE = 'gb_session';

export interface SessionOptions {
  ttlMs: number;
  now?: () => Date;
}

interface Cached {
  user: User;
  expiresAt: number;
  checkedAt: number;
}

/** Re-check a cached session against the database this often; use the cache while the database is away. */
const RECHECK_MS = 30_000;

export function userFromPerson(p: PersonRow): User {
  return {
    id: p.id,
    name: p.name,
    username: p.username ?? p.id,
    roles: p.roles as Role[],
    siteIds: p.siteIds,
    counterIds: p.counterIds ?? [],
    language: p.language === 'en' ? 'en' : 'ko',
  };
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opaque session tokens, stored hashed, expiring after a fixed time. */
export class Sessions {
  private readonly cache = new Map<string, Cached>();
  private readonly now: () => Date;

  constructor(
    private readonly store: DirectoryStore,
    private readonly opts: SessionOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
  }

  async login(username: string, password: string): Promise<{ token: string; user: User; expiresAt: Date } | null> {
    const person = await this.store.personByUsername(username);
    // Verify even without a person, so timing does not tell which usernames exist.
    const ok = await verifyPassword(password, person?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    if (!person || !ok) return null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.opts.ttlMs);
    await this.store.createSession(hashToken(token), person.id, expiresAt);
    return { token, user: userFromPerson(person), expiresAt };
  }

  async resolve(token: string): Promise<User | null> {
    const key = hashToken(token);
    const now = this.now().getTime();
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt <= now) this.cache.delete(key);
    else if (cached && now - cached.checkedAt < RECHECK_MS) return cached.user;
    try {
      const session = await this.store.session(key, this.now());
      if (!session) {
        this.cache.delete(key);
        return null;
      }
      const user = userFromPerson(session.person);
      // The session's real expiry, not "now + ttl": a token first used late in its life must not outlive it.
      this.cache.set(key, { user, expiresAt: session.expiresAt.getTime(), checkedAt: now });
      return user;
    } catch (err) {
      // The database is away: a session we already knew stays valid until its expiry.
      if (cached && cached.expiresAt > now) return cached.user;
      throw err;
    }
  }

  /**
   * Renews a session that is still live by a full lifetime from now: an open console renews while it is
   * connected, so a guard desk is never signed out mid-shift, while a token nobody uses still ends on time.
   */
  async renew(token: string): Promise<{ user: User; expiresAt: Date } | null> {
    const user = await this.resolve(token);
    if (!user) return null;
    const key = hashToken(token);
    const now = this.now();
    const expiresAt = new Date(now.getTime() + this.opts.ttlMs);
    if (!(await this.store.extendSession(key, expiresAt, now))) {
      this.cache.delete(key);
      return null;
    }
    const cached = this.cache.get(key);
    if (cached) cached.expiresAt = expiresAt.getTime();
    return { user, expiresAt };
  }

  /** Forgets the cached sessions of a person whose roles, sites or account changed (administration): checked again at once. */
  forgetPerson(personId: string): void {
    for (const [key, cached] of this.cache) if (cached.user.id === personId) this.cache.delete(key);
  }

  async logout(token: string): Promise<void> {
    const key = hashToken(token);
    this.cache.delete(key);
    await this.store.deleteSession(key);
  }
}

/** The session token of a request: the cookie, or `Authorization: Bearer`. */
export function tokenFrom(headers: { cookie?: string | undefined; authorization?: string | undefined }, query?: string | null): string | null {
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return query ?? null;
}
