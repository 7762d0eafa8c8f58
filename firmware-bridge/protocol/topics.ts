import { isValidId } from './ids.ts';

export const DEFAULT_TOPIC_ROOT = 'guardbell/v1';

export type BellTopicKind = 'event' | 'heartbeat' | 'status' | 'ack';
const KINDS: readonly BellTopicKind[] = ['event', 'heartbeat', 'status', 'ack'];

export function bellTopic(root: string, bellId: string, kind: BellTopicKind): string {
  return `${root}/bells/${bellId}/${kind}`;
}

/** Subscription filter for everything bells send (events, heartbeats, status). */
export function bellInboundFilter(root: string): string[] {
  return [`${root}/bells/+/event`, `${root}/bells/+/heartbeat`, `${root}/bells/+/status`];
}

/**
 * Guardbell's processes talk among themselves under the root (the ring lane, api/bus/ring-lane.ts): only the
 * gateway's login may write there, and no bell topic starts with it.
 */
export function clusterTopic(root: string, name: string): string {
  return `${root}/cluster/${name}`;
}

export function isClusterTopic(root: string, topic: string): boolean {
  return topic.startsWith(`${root}/cluster/`);
}

export type ParsedBellTopic =
  | { ok: true; bellId: string; kind: BellTopicKind }
  | { ok: false; reason: 'wrong_topic' | 'bad_bell_id'; detail: string };

export function parseBellTopic(root: string, topic: string): ParsedBellTopic {
  const prefix = `${root}/bells/`;
  if (!topic.startsWith(prefix)) return { ok: false, reason: 'wrong_topic', detail: `topic ${topic} is outside ${prefix}` };
  const rest = topic.slice(prefix.length).split('/');
  const [bellId, kind] = rest;
  if (rest.length !== 2 || bellId === undefined || kind === undefined || !KINDS.includes(kind as BellTopicKind)) {
    return { ok: false, reason: 'wrong_topic', detail: `topic ${topic} is not ${prefix}{bellId}/(event|heartbeat|status|ack)` };
  }
  if (!isValidId(bellId)) return { ok: false, reason: 'bad_bell_id', detail: `bell id ${JSON.stringify(bellId)} is not [A-Za-z0-9_.-]{1,64}` };
  return { ok: true, bellId, kind: kind as BellTopicKind };
}
