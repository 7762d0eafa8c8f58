/**
 * Per-bell MQTT credentials on the embedded broker (aedes `authenticate`, `authorizePublish`,
 * `authorizeSubscribe`). Fed with a lookup of bell credential hashes, so the broker knows nothing of the
 * database.
 *
 * - The gateway's own client logs in as {@link GATEWAY_USERNAME} with a password generated at start (random,
 *   in memory only) and may do everything.
 * - A bell with credentials logs in as its id with its password; it may publish only to
 *   `{root}/bells/{itsId}/(event|heartbeat|status)` and subscribe only to `{root}/bells/{itsId}/ack`.
 *   Nobody else may publish under its topics or read its acks.
 * - Anonymous clients keep working for bells without credentials (legacy and demo bells): they may publish
 *   those bells' event/heartbeat/status and subscribe to those bells' ack topics, never to a wildcard that
 *   reaches into the topic root. Topics outside the root are not Guardbell's and are left alone.
 * - Any other username, or a wrong password, is refused in the CONNACK (bad username or password).
 *
 * An scrypt verification costs tens of milliseconds on purpose; a successful (username, password) pair is
 * remembered briefly (as a SHA-256 digest) so that a bell's reconnect storm does not stall the process.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AedesOptions, AuthenticateError, Client, PublishPacket, Subscription } from 'aedes';

/** Not a valid bell id (ids are [A-Za-z0-9_.-]), so no bell can take the gateway's name. */
export const GATEWAY_USERNAME = '@gateway';

export type AuthRefusal =
  | 'bad_password'
  | 'unknown_user'
  | 'publish_denied'
  | 'subscribe_denied';

export interface AuthRefused {
  reason: AuthRefusal;
  clientId: string | undefined;
  username: string | undefined;
  topic?: string;
  detail: string;
}

export interface DeviceAuthOptions {
  topicRoot: string;
  /** Bell id → stored hash of its MQTT password, for every bell that has one. */
  loadCredentials(): Promise<Map<string, string>>;
  /** Checks a password against a stored hash (scrypt on the api side). */
  verify(password: string, hash: string): Promise<boolean>;
  /** How long a verified (username, password) pair is trusted without another scrypt; default 5 minutes. */
  cacheTtlMs?: number;
  /** How often the credentials are reloaded (bells provisioned by another process); default 30 s, 0 = never. */
  refreshMs?: number;
  onRefused?(refusal: AuthRefused): void;
  now?: () => number;
}

type Identity = { kind: 'gateway' } | { kind: 'bell'; bellId: string } | { kind: 'anonymous' };

type Hooks = Required<Pick<AedesOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe'>>;

const BELL_TOPIC = /^bells\/([^/]+)\/([^/]+)$/;
const BELL_PUBLISHES = new Set(['event', 'heartbeat', 'status']);

export class DeviceAuth {
  readonly gatewayUsername = GATEWAY_USERNAME;
  /** Generated at start and kept in memory only. */
  readonly gatewayPassword = randomBytes(24).toString('base64url');
  private credentials = new Map<string, string>();
  private readonly identities = new WeakMap<Client, Identity>();
  private readonly verified = new Map<string, { digest: Buffer; hash: string; until: number }>();
  private readonly inFlight = new Map<string, Promise<boolean>>();
  private timer: NodeJS.Timeout | undefined;
  private lastMissReload = 0;
  private readonly root: string;
  private readonly now: () => number;

  constructor(private readonly opts: DeviceAuthOptions) {
    this.root = opts.topicRoot.replace(/\/+$/, '');
    this.now = opts.now ?? Date.now;
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

  /** Reads the bells' credentials again (after provisioning). */
  async reload(): Promise<void> {
    this.credentials = await this.opts.loadCredentials();
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
            this.refuse({ reason: refusal, clientId: client.id, username, detail: refusal === 'bad_password' ? 'wrong password' : 'not a known MQTT user' });
            const err = new Error('bad username or password') as AuthenticateError;
            err.returnCode = 4;
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
        const problem = this.publishProblem(this.identityOf(client), packet);
        if (!problem) return callback(null);
        this.refuse({ reason: 'publish_denied', clientId: client.id, username: this.usernameOf(client), topic: packet.topic, detail: problem });
        callback(new Error(`not authorized: ${problem}`));
      },
      authorizeSubscribe: (client, subscription, callback) => {
        const problem = this.subscribeProblem(this.identityOf(client), subscription);
        if (!problem) return callback(null, subscription);
        this.refuse({ reason: 'subscribe_denied', clientId: client.id, username: this.usernameOf(client), topic: subscription.topic, detail: problem });
        // A null subscription is a refused grant (0x80) in the SUBACK; the connection stays up.
        callback(null, null);
      },
    };
  }

  private async authenticate(client: Client, username: string | undefined, password: Buffer | undefined): Promise<AuthRefusal | null> {
    if (username === undefined || username === '') {
      this.identities.set(client, { kind: 'anonymous' });
      return null;
    }
    const secret = password?.toString('utf8') ?? '';
    if (username === GATEWAY_USERNAME) {
      if (!sameText(secret, this.gatewayPassword)) return 'bad_password';
      this.identities.set(client, { kind: 'gateway' });
      return null;
    }
    let hash = this.credentials.get(username);
    if (hash === undefined && this.now() - this.lastMissReload > 2_000) {
      // A bell provisioned since the last reload (by the CLI, another process): look once, not on every attempt.
      this.lastMissReload = this.now();
      await this.reload();
      hash = this.credentials.get(username);
    }
    if (hash === undefined) return 'unknown_user';
    if (!(await this.check(username, secret, hash))) return 'bad_password';
    this.identities.set(client, { kind: 'bell', bellId: username });
    return null;
  }

  /** scrypt once per (username, password, stored hash) within the cache time; concurrent attempts share one. */
  private async check(username: string, password: string, hash: string): Promise<boolean> {
    const digest = createHash('sha256').update(username).update('\0').update(password).digest();
    const cached = this.verified.get(username);
    if (cached && cached.hash === hash && cached.until > this.now() && timingSafeEqual(cached.digest, digest)) return true;
    const key = `${digest.toString('hex')}|${hash}`;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.opts.verify(password, hash).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    const ok = await pending;
    if (ok) this.verified.set(username, { digest, hash, until: this.now() + (this.opts.cacheTtlMs ?? 5 * 60_000) });
    return ok;
  }

  private publishProblem(identity: Identity, packet: PublishPacket): string | null {
    if (identity.kind === 'gateway') return null;
    const rel = this.underRoot(packet.topic);
    const bellTopic = rel === null ? null : BELL_TOPIC.exec(rel);
    if (identity.kind === 'bell') {
      if (bellTopic && bellTopic[1] === identity.bellId && BELL_PUBLISHES.has(bellTopic[2]!)) return null;
      return `bell ${identity.bellId} may publish only its own event, heartbeat and status`;
    }
    if (rel === null) return null; // not Guardbell's topic
    const bellId = /^bells\/([^/]+)(?:\/|$)/.exec(rel)?.[1];
    if (bellId !== undefined && this.credentials.has(bellId)) return `bell ${bellId} has credentials: anonymous clients may not publish under its topics`;
    if (bellTopic && bellTopic[2] === 'ack') return 'only the gateway publishes acks';
    // Anything else under the root is left to the gateway, which reports a wrong topic.
    return null;
  }

  private subscribeProblem(identity: Identity, subscription: Subscription): string | null {
    if (identity.kind === 'gateway') return null;
    const filter = subscription.topic.replace(/^\$share\/[^/]+\//, '');
    if (identity.kind === 'bell') {
      return filter === `${this.root}/bells/${identity.bellId}/ack` ? null : `bell ${identity.bellId} may subscribe only to its own ack topic`;
    }
    if (!this.touchesRoot(filter)) return null;
    const rel = this.underRoot(filter);
    const m = rel === null ? null : BELL_TOPIC.exec(rel);
    if (m && m[2] === 'ack' && !/[+#]/.test(m[1]!)) {
      return this.credentials.has(m[1]!) ? `bell ${m[1]} has credentials: only it may read its acks` : null;
    }
    return 'anonymous clients may subscribe only to the ack topic of a bell without credentials';
  }

  /** Whether a topic filter can match any topic under the root. */
  private touchesRoot(filter: string): boolean {
    const f = filter.split('/');
    const r = this.root.split('/');
    for (let i = 0; i < r.length; i++) {
      const level = f[i];
      if (level === undefined) return false;
      if (level === '#') return true;
      if (level !== '+' && level !== r[i]) return false;
    }
    return f.length > r.length;
  }

  private underRoot(topic: string): string | null {
    return topic.startsWith(`${this.root}/`) ? topic.slice(this.root.length + 1) : null;
  }

  private identityOf(client: Client): Identity {
    return this.identities.get(client) ?? { kind: 'anonymous' };
  }

  private usernameOf(client: Client): string | undefined {
    const id = this.identities.get(client);
    return id?.kind === 'bell' ? id.bellId : id?.kind === 'gateway' ? GATEWAY_USERNAME : undefined;
  }

  private refuse(refusal: AuthRefused): void {
    this.opts.onRefused?.(refusal);
  }
}

function sameText(a: string, b: string): boolean {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
}
