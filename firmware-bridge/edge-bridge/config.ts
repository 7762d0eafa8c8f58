/**
 * The edge bridge's configuration file (JSON or YAML): which board channel is which bell. Validated once at
 * start; every problem is reported at once, named by its path in the file (`bells[1].channel: …`).
 */
import { readFile } from 'node:fs/promises';
import YAML from 'yaml';
import { z } from 'zod';
import { ID_PATTERN } from '../protocol/index.ts';
import { MAX_CHANNEL } from './board-protocol.ts';

const bellSchema = z.strictObject({
  channel: z.number({ message: 'must be a number' }).int('must be an integer').min(1, `must be 1-${MAX_CHANNEL}`).max(MAX_CHANNEL, `must be 1-${MAX_CHANNEL}`),
  bellId: z.string({ message: 'must be a text' }).regex(ID_PATTERN, 'must be [A-Za-z0-9_.-]{1,64}'),
  /** The bell's provisioned key: its events then carry a MAC (PROTOCOL.md §1). */
  key: z.string({ message: 'must be a text' }).regex(/^(?:[0-9a-fA-F]{2})+$/, 'must be hex (an even number of 0-9a-f digits)').optional(),
  /** Where the broker wants per-bell logins: the bell logs in as its id with this password. */
  mqttPassword: z.string({ message: 'must be a text' }).min(1, 'must not be empty').optional(),
});

const seconds = (min: number, max: number) =>
  z.number({ message: 'must be a number of seconds' }).min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);

export const edgeBridgeConfigSchema = z
  .strictObject({
    bells: z.array(bellSchema, { message: 'must be a list of {channel, bellId}' }).min(1, 'must name at least one bell'),
    /** Overridden by --mqtt. */
    mqttUrl: z.string().regex(/^mqtts?:\/\//, 'must be an mqtt:// or mqtts:// URL').optional(),
    topicRoot: z.string().min(1).optional(),
    /** Folder of the per-bell seq files (seq must keep increasing across restarts). */
    stateDir: z.string().min(1).optional(),
    /** Bell heartbeats to the gateway; match the bells' heartbeatSeconds in provisioning (default 60). */
    heartbeatSeconds: seconds(1, 3600).default(60),
    /** Without a line from the board for this long, its bells are reported offline. */
    boardTimeoutSeconds: seconds(0.2, 600).default(10),
    debounceMs: z.number().int().min(0).max(1000, 'must be at most 1000').default(50),
    /** A lit lamp (BLINK or ON) with no news for this long goes dark: a lost `closed` must not leave it on for ever. */
    lampTimeoutMinutes: z.number().positive('must be positive').default(30),
  });

/**
 * Two entries for one channel would raise two bells from one contact; two for one bell, two seq counters for it.
 * Read from the raw value, so these are reported even when other fields are wrong.
 */
function duplicateProblems(value: unknown): string[] {
  const bells = (value as { bells?: unknown } | null)?.bells;
  if (!Array.isArray(bells)) return [];
  const problems: string[] = [];
  const seen = new Map<string, number>();
  bells.forEach((b: unknown, i) => {
    const entry = (b ?? {}) as { channel?: unknown; bellId?: unknown };
    for (const [field, v] of [['channel', entry.channel], ['bellId', entry.bellId]] as const) {
      if (typeof v !== 'number' && typeof v !== 'string') continue;
      const key = `${field}:${v}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, i);
      else problems.push(`bells[${i}].${field}: ${field === 'channel' ? `channel ${v}` : `bell ${v}`} is already bells[${first}]`);
    }
  });
  return problems;
}

export type EdgeBridgeConfig = z.infer<typeof edgeBridgeConfigSchema>;
export type EdgeBellConfig = EdgeBridgeConfig['bells'][number];

export class EdgeBridgeConfigError extends Error {
  override readonly name = 'EdgeBridgeConfigError';
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(`${file}: ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
  }
}

/** `bells[1].channel` from zod's ['bells', 1, 'channel']. */
function pathOf(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${String(p)}`;
  return s || '(file)';
}

/** Parses and validates the text of a config file; JSON is read as YAML 1.2, which it is. */
export function parseEdgeBridgeConfig(text: string, file: string): EdgeBridgeConfig {
  const document = YAML.parseDocument(text.replace(/^\uFEFF/, ''), { uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new EdgeBridgeConfigError(file, document.errors.map((e) => `(file): syntax error: ${(e.message.split('\n')[0] ?? '').replace(/:\s*$/, '')}`));
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  const result = edgeBridgeConfigSchema.safeParse(value ?? {});
  const problems = [...(result.success ? [] : result.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`)), ...duplicateProblems(value)];
  if (!result.success || problems.length > 0) throw new EdgeBridgeConfigError(file, problems);
  return Object.freeze(result.data);
}

export async function loadEdgeBridgeConfig(file: string): Promise<EdgeBridgeConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new EdgeBridgeConfigError(file, [`(file): cannot be read (${e.code === 'ENOENT' ? 'no such file' : e.message})`]);
  }
  return parseEdgeBridgeConfig(text, file);
}
