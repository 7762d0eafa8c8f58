import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../contract/index.ts';
import type { DirectoryStore, PersonRow } from '../store/index.ts';
import { holdsRealSite } from './demo-accounts.ts';
import { HashingBusy, PasswordHasher } from './passwords.ts';
import { LoginThrottle } from './login-throttle.ts';
import type { User } from './policy.ts';

export const SESSION_COOKIE = 'gb_session';

export interface SessionOptions {
  ttlMs: number;
  now?: () => Date;
  /** People's passwords (OWASP cost by default, bounded concurrency). */
  hasher?: PasswordHasher;
  throttle?: LoginThrottle;
}

/** Why a session ended; `roles_changed` keeps the session but its streams must reopen with the new rights. */
export type SessionEndReason = 'logout' | 'expired' | 'deactivated' | 'password_changed' | 'roles_changed' | 'demo_removed';

/**
 * A session (sessionId: its token's hash) or every session of a person ended. The same shape as the alarm bus's
 * `session.ended`, so the bus can carry it to every process.
 */
export interface SessionEnded {
  sessionId?: string;
  personId?: string;
  reason: SessionEndReason;
}

export type LoginResult =
  | { kind: 'ok'; token: string; user: User; expiresAt: Date }
  | { kind: 'invalid' }
  | { kind: 'throttled'; retryAfterMs: number }
  | { kind: 'busy' }
  | { kind: 'demo_refused' };

export interface LiveSession {
  id: string;
  user: User;
  expiresAt: Date;
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
/** A session's id: the hash of its token, as stored (the token itself is never kept). */
export const sessionIdOf = hashToken;

/** Opaque session tokens, stored hashed, expiring after a fixed time. */
export class Sessions {
  private readonly cache = new Map<string, Cached>();
  private readonly now: () => Date;
  private readonly hasher: PasswordHasher;
  private readonly throttle: LoginThrottle;
  private readonly listeners = new Set<(e: SessionEnded) => void>();

  constructor(
    private readonly store: DirectoryStore,
    private readonly opts: SessionOptions,
  ) {
    this.now = opts.now ?? (() => new Date());
    this.hasher = opts.hasher ?? new PasswordHasher();
    this.throttle = opts.throttle ?? new LoginThrottle();
  }

  async login(username: string, password: string, address = 'unknown'): Promise<LoginResult> {
    const started = this.now().getTime();
    const wait = this.throttle.waitMs(username, address, started);
    if (wait > 0) return { kind: 'throttled', retryAfterMs: wait };
    const person = await this.store.personByUsername(username);
    let check: { ok: boolean; upgrade: boolean };
    try {
      // Verified even without a person, at the same cost, so timing does not tell which usernames exist.
      check = await this.hasher.verify(password, person?.passwordHash ?? null);
    } catch (err) {
      if (err instanceof HashingBusy) return { kind: 'busy' };
      throw err;
    }
    if (!person || !check.ok) {
      this.throttle.failed(username, address, this.now().getTime());
      return { kind: 'invalid' };
    }
    if (person.demo && holdsRealSite((await this.store.sites()).map((s) => s.id))) return { kind: 'demo_refused' };
    this.throttle.succeeded(username);
    if (check.upgrade) await this.store.setPasswordHash(person.id, await this.hasher.hash(password));
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(this.now().getTime() + this.opts.ttlMs);
    await this.store.createSession(hashToken(token), person.id, expiresAt);
    return { kind: 'ok', token, user: userFromPerson(person), expiresAt };
  }

  async resolve(token: string): Promise<User | null> {
    return (await this.session(token))?.user ?? null;
  }

  /** The live session of a token, with its id and real expiry (the stream closes itself then). */
  async session(token: string): Promise<LiveSession | null> {
    const key = hashToken(token);
    const now = this.now().getTime();
    const cached = this.cache.get(key);
    const live = (c: Cached): LiveSession => ({ id: key, user: c.user, expiresAt: new Date(c.expiresAt) });
    if (cached && cached.expiresAt <= now) this.cache.delete(key);
    else if (cached && now - cached.checkedAt < RECHECK_MS) return live(cached);
    try {
      const session = await this.store.session(key, this.now());
      if (!session || (session.person.demo && holdsRealSite((await this.store.sites()).map((s) => s.id)))) {
        this.cache.delete(key);
        return null;
      }
      const user = userFromPerson(session.person);
      // The session's real expiry, not "now + ttl": a token first used late in its life must not outlive it.
      const fresh = { user, expiresAt: session.expiresAt.getTime(), checkedAt: now };
      this.cache.set(key, fresh);
      return live(fresh);
    } catch (err) {
      // The database is away: a session we already knew stays valid until its expiry.
      if (cached && cached.expiresAt > now) return live(cached);
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

  /** Listens for ended sessions (to close their live streams). */
  onEnded(listener: (e: SessionEnded) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Tells this process that sessions ended: forgets them and tells the listeners. Called for ends decided here,
   * and for those another process announces (the alarm bus's `session.ended`).
   */
  ended(e: SessionEnded): void {
    for (const [key, cached] of this.cache) if (key === e.sessionId || cached.user.id === e.personId) this.cache.delete(key);
    for (const listener of this.listeners) listener(e);
  }

  /** Ends every session of a person (deactivated, password changed) in the database, then here. */
  async endPerson(personId: string, reason: SessionEndReason): Promise<void> {
    if (reason !== 'roles_changed') await this.store.deleteSessionsOf(personId);
    this.ended({ personId, reason });
  }

  /** Forgets the cached sessions of a person whose roles, sites or account changed (administration): checked again at once. */
  forgetPerson(personId: string): void {
    for (const [key, cached] of this.cache) if (cached.user.id === personId) this.cache.delete(key);
  }

  async logout(token: string): Promise<void> {
    const key = hashToken(token);
    await this.store.deleteSession(key);
    this.ended({ sessionId: key, reason: 'logout' });
  }
}

/**
 * The session token of a request: the cookie first (the console's, never in a URL or a log), then
 * `Authorization: Bearer` (API clients), then a query token where the caller allows one (the stream, for
 * clients that are not browsers).
 */
export function tokenFrom(headers: { cookie?: string | undefined; authorization?: string | undefined }, query?: string | null): string | null {
  for (const part of (headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    try {
      const value = decodeURIComponent(rest.join('='));
      if (value) return value;
    } catch {
      // A malformed cookie is no token: try the others.
    }
  }
  const auth = headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  return query || null;
}
