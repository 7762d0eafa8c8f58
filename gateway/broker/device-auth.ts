/**
 * Per-bell and per-bridge MQTT credentials on the embedded broker (aedes `authenticate`, `authorizePublish`,
 * `authorizeSubscribe`). Fed with lookups of credential hashes, so the broker knows nothing of the database.
 * Where each identity may publish and subscribe is decided by topic-rules.ts.
 *
 * - The gateway's own clients log in as {@link GATEWAY_USERNAME} with a password generated at start (random,
 *   in memory only).
 * - A bell logs in as its id with its password; a bridge (Zigbee2MQTT, a Shelly or Tasmota fleet) with the
 *   username and password of its provisioning entry.
 * - Anonymous clients are refused unless `allowAnonymous` (a lab setting) lets them in.
 * - A client id belongs to the identity that holds it: another identity connecting with it is refused
 *   instead of knocking the holder off (MQTT's takeover would let anyone silence a bell).
 * - Each client has a publish rate limit; the gateway has none.
 *
 * Bell and bridge passwords are random machine secrets: they are checked with one HMAC (bell-secret.ts), and a
 * verified (username, password) is remembered across reconnects. Hashes from before that scheme (scrypt) cost
 * one slow verification per credential, shared by concurrent attempts and then cached.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Aedes, AedesOptions, AuthenticateError, Client } from 'aedes';
import { isFastHash, verifyMachineSecret } from './bell-secret.ts';
import { PublishBuckets, type RateLimit } from './publish-limits.ts';
import { identityKey, publishProblem, subscribeProblem, type Identity, type TopicContext } from './topic-rules.ts';

/** Not a valid bell id (ids are [A-Za-z0-9_.-]), so no bell can take the gateway's name. */
export const GATEWAY_USERNAME = '@gateway';

export type AuthRefusal =
  | 'bad_password'
  | 'unknown_user'
  | 'anonymous'
  | 'client_id_taken'
  | 'publish_denied'
  | 'subscribe_denied'
  | 'rate_limited'
  | 'credential_changed';

export interface AuthRefused {
  reason: AuthRefusal;
  clientId: string | undefined;
  username: string | undefined;
  topic?: string;
  detail: string;
}

export interface BridgeCredential {
  username: string;
  hash: string;
  adapter: string;
  topicPrefix: string;
}

export interface DeviceAuthOptions {
  topicRoot: string;
  /** Bell id → stored hash of its MQTT password, for every bell that has one. */
  loadCredentials(): Promise<Map<string, string>>;
  /** The provisioned bridges (third-party topics are theirs only). */
  loadBridges?(): Promise<BridgeCredential[]>;
  /** Checks a password against a stored hash of the older, slow scheme (scrypt on the api side). */
  verify(password: string, hash: string): Promise<boolean>;
  /** A lab setting: let clients without a username in (they may speak only for bells without credentials). */
  allowAnonymous?: boolean;
  /** How long a verified (username, password) pair is trusted without another check; default 1 hour. */
  cacheTtlMs?: number;
  /** How often the credentials are reloaded (bells provisioned by another process); default 30 s, 0 = never. */
  refreshMs?: number;
  /** Publishes per client; default 20/s with a burst of 60 (bridges ten times that). */
  publishLimit?: RateLimit;
  onRefused?(refusal: AuthRefused): void;
  /** Milliseconds on a monotonic clock: rate limits and cache lifetimes are durations. */
  now?: () => number;
}

type Hooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;

/** How many client ids are remembered with their identity (oldest forgotten first). */
const REMEMBERED_CLIENT_IDS = 200_000;
const DEFAULT_LIMIT: RateLimit = { perSecond: 20, burst: 60 };

export class DeviceAuth {
  readonly gatewayUsername = GATEWAY_USERNAME;
  /** Generated at start and kept in memory only. */
  readonly gatewayPassword = randomBytes(24).toString('base64url');
  /** How many passwords were checked, by scheme: a reconnect storm must not show up under `slow`. */
  readonly verifications = { fast: 0, slow: 0, cached: 0 };
  private credentials = new Map<string, string>();
  private bridges = new Map<string, BridgeCredential>();
  private readonly identities = new WeakMap<Client, Identity>();
  /** The stored hash each bell or bridge client logged in against: a new credential ends the older logins. */
  private readonly loginHashes = new WeakMap<Client, string>();
  private readonly clientOwners = new Map<string, string>();
  private readonly verified = new Map<string, { digest: Buffer; hash: string; until: number }>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private readonly buckets: PublishBuckets<Client>;
  private aedes: Aedes | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastMissReload = 0;
  private readonly topics: TopicContext;
  private readonly now: () => number;

  constructor(private readonly opts: DeviceAuthOptions) {
    // Monotonic: only durations are measured here. On the wall clock, a clock set back an hour left every bell's
    // publish bucket an hour's worth of tokens short, refusing its presses at the broker for that long.
    this.now = opts.now ?? (() => performance.now());
    this.buckets = new PublishBuckets(this.now);
    this.topics = { root: opts.topicRoot.replace(/\/+$/, ''), hasCredentials: (id) => this.credentials.has(id) };
  }

  async start(): Promise<void> {
    await this.reload();
    const every = this.opts.refreshMs ?? 30_000;
    if (every > 0) {
      this.timer = setInterval(() => void this.reload().catch(() => undefined), every);
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The broker whose connected clients are checked for client-id takeovers. */
  attach(aedes: Aedes): void {
    this.aedes = aedes;
  }

  /**
   * Reads the bells' and bridges' credentials again (after provisioning), and closes every connection that
   * logged in with a password that is no longer the one stored: a new password is issued because the old one
   * may be known, so whoever holds it must not stay connected.
   */
  async reload(): Promise<void> {
    this.credentials = await this.opts.loadCredentials();
    this.bridges = new Map((await this.opts.loadBridges?.() ?? []).map((b) => [b.username, b]));
    this.closeStaleLogins();
  }

  private closeStaleLogins(): void {
    const clients = this.aedes ? Object.values((this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients) : [];
    for (const client of clients) {
      const loggedInWith = client ? this.loginHashes.get(client) : undefined;
      if (!client || loggedInWith === undefined || client.closed) continue;
      const username = this.usernameOf(client)!;
      if ((this.credentials.get(username) ?? this.bridges.get(username)?.hash) === loggedInWith) continue;
      this.verified.delete(username);
      this.refuse({ reason: 'credential_changed', clientId: client.id, username, detail: REFUSAL_TEXT.credential_changed });
      client.close();
    }
  }

  /** Whether a bell has MQTT credentials (and so cannot be reached anonymously). */
  hasCredentials(bellId: string): boolean {
    return this.credentials.has(bellId);
  }

  /** The three aedes hooks. */
  hooks(): Hooks {
    return {
      authenticate: (client, username, password, done) => {
        this.authenticate(client, username, password).then(
          (refusal) => {
            if (!refusal) return done(null, true);
            this.refuse({ reason: refusal, clientId: client.id, username, detail: REFUSAL_TEXT[refusal] });
            const err = new Error(refusal === 'client_id_taken' ? 'identifier rejected' : 'bad username or password') as AuthenticateError;
            err.returnCode = refusal === 'client_id_taken' ? 2 : refusal === 'anonymous' ? 5 : 4;
            done(err, false);
          },
          () => {
            const err = new Error('server unavailable') as AuthenticateError;
            err.returnCode = 3;
            done(err, false);
          },
        );
      },
      authorizePublish: (client, packet, callback) => {
        // Broker-internal publishes ($SYS) have no client.
        if (!client) return callback(null);
        const identity = this.identityOf(client);
        const problem = publishProblem(this.topics, identity, packet.topic, packet.retain);
        if (problem) {
          this.refuse({ reason: 'publish_denied', clientId: client.id, username: this.usernameOf(client), topic: packet.topic, detail: problem });
          return callback(new Error(`not authorized: ${problem}`));
        }
        if (identity.kind !== 'gateway' && !this.buckets.take(client, this.limitFor(identity))) {
          this.refuse({ reason: 'rate_limited', clientId: client.id, username: this.usernameOf(client), topic: packet.topic, detail: 'publishing faster than its limit' });
          return callback(new Error('rate limited'));
        }
        callback(null);
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const problem = subscribeProblem(this.topics, this.identityOf(client), subscription.topic);
        if (!problem) return callback(null, subscription);
        this.refuse({ reason: 'subscribe_denied', clientId: client.id, username: this.usernameOf(client), topic: subscription.topic, detail: problem });
        // A null subscription is a refused grant (0x80) in the SUBACK; the connection stays up.
        callback(null, null);
      },
    };
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<AuthRefusal | null> {
    const identity = await this.identify(username, password?.toString('utf8') ?? '');
    if (typeof identity === 'string') return identity;
    if (!this.claimClientId(client, identity)) return 'client_id_taken';
    this.identities.set(client, identity);
    const hash = username === undefined ? undefined : (this.credentials.get(username) ?? this.bridges.get(username)?.hash);
    if (identity.kind !== 'gateway' && hash !== undefined) this.loginHashes.set(client, hash);
    return null;
  }

  private async identify(username: string | undefined, secret: string): Promise<Identity | AuthRefusal> {
    if (username === undefined || username === '') return this.opts.allowAnonymous ? { kind: 'anonymous' } : 'anonymous';
    if (username === GATEWAY_USERNAME) return sameText(secret, this.gatewayPassword) ? { kind: 'gateway' } : 'bad_password';
    let hash = this.credentials.get(username) ?? this.bridges.get(username)?.hash;
    if (hash === undefined && this.now() - this.lastMissReload > 2_000) {
      // Provisioned since the last reload (by the CLI, another process): look once, not on every attempt.
      this.lastMissReload = this.now();
      await this.reload();
      hash = this.credentials.get(username) ?? this.bridges.get(username)?.hash;
    }
    if (hash === undefined) return 'unknown_user';
    if (!(await this.check(username, secret, hash))) return 'bad_password';
    const bridge = this.credentials.has(username) ? undefined : this.bridges.get(username);
    return bridge ? { kind: 'bridge', username, adapter: bridge.adapter, topicPrefix: bridge.topicPrefix } : { kind: 'bell', bellId: username };
  }

  /**
   * A client id held by a connected client of another identity is refused (MQTT would disconnect the holder).
   * The id stays tied to its last identity while remembered, so a persistent session cannot be taken over either.
   */
  private claimClientId(client: Client, identity: Identity): boolean {
    const key = identityKey(identity);
    const holder = this.aedes ? (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients[client.id] : undefined;
    if (holder && holder !== client && !holder.closed && identityKey(this.identityOf(holder)) !== key) return false;
    const owner = this.clientOwners.get(client.id);
    if (owner !== undefined && owner !== key && identity.kind !== 'gateway') return false;
    this.clientOwners.delete(client.id);
    this.clientOwners.set(client.id, key);
    if (this.clientOwners.size > REMEMBERED_CLIENT_IDS) this.clientOwners.delete(this.clientOwners.keys().next().value!);
    return true;
  }

  /** One check per (username, password, stored hash) within the cache time; concurrent slow checks share one. */
  private async check(username: string, password: string, hash: string): Promise<boolean> {
    const digest = createHash('sha256').update(username).update('\0').update(password).digest();
    const cached = this.verified.get(username);
    if (cached && cached.hash === hash && cached.until > this.now() && timingSafeEqual(cached.digest, digest)) {
      this.verifications.cached++;
      return true;
    }
    let ok: boolean;
    if (isFastHash(hash)) {
      this.verifications.fast++;
      ok = verifyMachineSecret(password, hash);
    } else {
      const key = `${digest.toString('hex')}|${hash}`;
      let pending = this.inFlight.get(key);
      if (!pending) {
        this.verifications.slow++;
        pending = this.opts.verify(password, hash).finally(() => this.inFlight.delete(key));
        this.inFlight.set(key, pending);
      }
      ok = await pending;
    }
    if (ok) this.verified.set(username, { digest, hash, until: this.now() + (this.opts.cacheTtlMs ?? 60 * 60_000) });
    return ok;
  }

  private limitFor(identity: Identity): RateLimit {
    const base = this.opts.publishLimit ?? DEFAULT_LIMIT;
    return identity.kind === 'bridge' ? { perSecond: base.perSecond * 10, burst: base.burst * 10 } : base;
  }

  private identityOf(client: Client): Identity {
    return this.identities.get(client) ?? { kind: 'anonymous' };
  }

  private usernameOf(client: Client): string | undefined {
    const id = this.identities.get(client);
    if (!id) return undefined;
    return id.kind === 'bell' ? id.bellId : id.kind === 'bridge' ? id.username : id.kind === 'gateway' ? GATEWAY_USERNAME : undefined;
  }

  private refuse(refusal: AuthRefused): void {
    this.opts.onRefused?.(refusal);
  }
}

const REFUSAL_TEXT: Record<AuthRefusal, string> = {
  bad_password: 'wrong password',
  unknown_user: 'not a known MQTT user',
  anonymous: 'anonymous clients are not allowed (MQTT_ALLOW_ANONYMOUS is off)',
  client_id_taken: 'the client id is held by another identity',
  publish_denied: 'publish refused',
  subscribe_denied: 'subscribe refused',
  rate_limited: 'publishing faster than its limit',
  credential_changed: 'disconnected: its password was replaced',
};

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
