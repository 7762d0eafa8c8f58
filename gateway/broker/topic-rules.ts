/**
 * Who may publish and subscribe where on the embedded broker: pure functions of an identity and a topic.
 *
 * - The gateway may do everything, `$SYS` included.
 * - A bell publishes only `{root}/bells/{itsId}/(event|heartbeat|status)` and reads only its own ack.
 * - A bridge (Zigbee2MQTT, a Shelly or Tasmota fleet) publishes and reads only under its topic prefix
 *   (`{prefix}/#`, and for Tasmota's `%prefix%/%topic%/` also `+/{prefix}/#`).
 * - Anonymous clients exist only where a lab allows them: they may speak for bells without credentials and
 *   use topics that are not Guardbell's, never `$SYS`, never a bell with credentials.
 * - Retained messages are kept only where the protocol puts them: a bell's status (its will) and a bridge's
 *   own topics (Zigbee2MQTT's availability); anywhere else a retained publish is refused.
 */

export type Identity =
  | { kind: 'gateway' }
  | { kind: 'bell'; bellId: string }
  | { kind: 'bridge'; username: string; adapter: string; topicPrefix: string }
  | { kind: 'anonymous' };

export interface TopicContext {
  root: string;
  /** Whether a bell has its own credential (then only it may use its topics). */
  hasCredentials(bellId: string): boolean;
}

const BELL_TOPIC = /^bells\/([^/]+)\/([^/]+)$/;
const BELL_PUBLISHES = new Set(['event', 'heartbeat', 'status']);

export function identityKey(id: Identity): string {
  switch (id.kind) {
    case 'gateway':
      return 'gateway';
    case 'bell':
      return `bell:${id.bellId}`;
    case 'bridge':
      return `bridge:${id.username}`;
    case 'anonymous':
      return 'anonymous';
  }
}

export function publishProblem(ctx: TopicContext, identity: Identity, topic: string, retain: boolean): string | null {
  if (identity.kind === 'gateway') return null;
  if (isSys(topic)) return '$SYS is the broker\'s own';
  const rel = underRoot(ctx.root, topic);
  const bellTopic = rel === null ? null : BELL_TOPIC.exec(rel);
  // Third-party devices retain their availability (Zigbee2MQTT, Tasmota's LWT): a bridge under its prefix, or in a
  // lab that lets anonymous clients in (MQTT_ALLOW_ANONYMOUS), those devices outside Guardbell's topics.
  const labDevice = identity.kind === 'anonymous' && rel === null;
  if (retain && !(bellTopic && bellTopic[2] === 'status') && identity.kind !== 'bridge' && !labDevice) {
    return 'retained messages are kept only for a bell\'s status';
  }
  switch (identity.kind) {
    case 'bell':
      if (bellTopic && bellTopic[1] === identity.bellId && BELL_PUBLISHES.has(bellTopic[2]!)) return null;
      return `bell ${identity.bellId} may publish only its own event, heartbeat and status`;
    case 'bridge':
      return bridgeCovers(identity, topic) ? null : `bridge ${identity.username} may publish only under ${identity.topicPrefix}/`;
    case 'anonymous': {
      if (rel === null) return null; // not Guardbell's topic (a lab's third-party devices)
      const bellId = /^bells\/([^/]+)(?:\/|$)/.exec(rel)?.[1];
      if (bellId !== undefined && ctx.hasCredentials(bellId)) return `bell ${bellId} has credentials: anonymous clients may not publish under its topics`;
      if (bellTopic && bellTopic[2] === 'ack') return 'only the gateway publishes acks';
      // Anything else under the root is left to the gateway, which reports a wrong topic.
      return null;
    }
  }
}

export function subscribeProblem(ctx: TopicContext, identity: Identity, topicFilter: string): string | null {
  if (identity.kind === 'gateway') return null;
  const filter = topicFilter.replace(/^\$share\/[^/]+\//, '');
  if (isSys(filter)) return '$SYS is the gateway\'s only';
  switch (identity.kind) {
    case 'bell':
      return filter === `${ctx.root}/bells/${identity.bellId}/ack` ? null : `bell ${identity.bellId} may subscribe only to its own ack topic`;
    case 'bridge':
      return bridgeCovers(identity, filter) ? null : `bridge ${identity.username} may subscribe only under ${identity.topicPrefix}/`;
    case 'anonymous': {
      if (!touches(ctx.root, filter)) return null;
      const rel = underRoot(ctx.root, filter);
      const m = rel === null ? null : BELL_TOPIC.exec(rel);
      if (m && m[2] === 'ack' && !/[+#]/.test(m[1]!)) {
        return ctx.hasCredentials(m[1]!) ? `bell ${m[1]} has credentials: only it may read its acks` : null;
      }
      return 'anonymous clients may subscribe only to the ack topic of a bell without credentials';
    }
  }
}

/** Whether a topic (or a filter) lies wholly under a bridge's prefix; a wildcard may not reach above it. */
export function bridgeCovers(bridge: { adapter: string; topicPrefix: string }, topic: string): boolean {
  const prefix = bridge.topicPrefix.replace(/\/+$/, '');
  if (topic.startsWith(`${prefix}/`)) return true;
  // Tasmota's default FullTopic `%prefix%/%topic%/`: tele/{device}/…, stat/{device}/…, cmnd/{device}/….
  if (bridge.adapter === 'tasmota') {
    const levels = topic.split('/');
    return levels.length > 2 && !/[+#]/.test(levels[0]!) && levels.slice(1).join('/').startsWith(`${prefix}/`);
  }
  return false;
}

function isSys(topic: string): boolean {
  return topic.startsWith('$SYS');
}

/** Whether a topic filter can match any topic under the root. */
function touches(root: string, filter: string): boolean {
  const f = filter.split('/');
  const r = root.split('/');
  for (let i = 0; i < r.length; i++) {
    const level = f[i];
    if (level === undefined) return false;
    if (level === '#') return true;
    if (level !== '+' && level !== r[i]) return false;
  }
  return f.length > r.length;
}

function underRoot(root: string, topic: string): string | null {
  return topic.startsWith(`${root}/`) ? topic.slice(root.length + 1) : null;
}
