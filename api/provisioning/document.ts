/**
 * The provisioning document of PROTOCOL.md §5 as a zod schema, and the translation of zod's issues into
 * problems named by their path in the file. Pure: no I/O, so the CLI, the start-up path and tests share it.
 *
 * Every object is strict: a misspelt key in a safety configuration (`adaptor`, `managerIDs`) would
 * otherwise be dropped silently and leave a bell or a manager unconfigured.
 */
import { z } from 'zod';
import { ROLES } from '../contract/index.ts';
import { escalationPolicySchema } from '../domain/escalation.ts';
import { ID_PATTERN } from '../../firmware-bridge/protocol/ids.ts';
// The pure file, not the folder's index: the document stays free of the serial port library.
import { normaliseRflinkDeviceId, RFLINK_DEVICE_ID_HINT, RFLINK_DEVICE_ID_PATTERN } from '../../gateway/sources/rflink/device-id.ts';
import { fieldIssue } from '../http/field-issues.ts';
import { isPasswordHash } from '../auth/passwords.ts';
import { isProvisioningProblemCode, type ProvisioningProblemCode } from '../contract/problem-codes.ts';

export interface Problem {
  /** Where in the file, e.g. `sites[0].bells[1].counterId`; `(file)` for the file as a whole. */
  path: string;
  /** In English, for files, logs and the CLI. */
  message: string;
  /** What the problem is, for a console to say in its user's language (problem-codes.ts). */
  code?: ProvisioningProblemCode;
  /** The values the sentence of `code` names (the id that is unknown, the role that is missing). */
  params?: Record<string, string | number>;
}

/** A custom zod issue's params that name its code and values: `issueProblems` carries them onto the problem. */
function coded(code: ProvisioningProblemCode, params: Record<string, string | number> = {}) {
  return { params: { ...params, code } };
}

export const ADAPTERS = ['native', 'zigbee2mqtt', 'shelly', 'tasmota', 'rflink', 'sia-dc09', 'serial'] as const;
export const LANGUAGES = ['ko', 'en'] as const;
export const POLICE_CHANNELS = ['sms', 'call', 'webhook'] as const;

/** ITU-T E.164: a plus, a country code that does not start with 0, at most 15 digits in all. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
/** A bell key is raw bytes in hex: 16 to 64 bytes (HMAC-SHA256 keys shorter than 16 bytes are too weak). */
const KEY_PATTERN = /^(?:[0-9a-fA-F]{2}){16,64}$/;
/** Usernames are typed at a login form: no spaces, nothing that needs escaping; an e-mail address is fine. */
const USERNAME_PATTERN = /^[A-Za-z0-9_.@+-]{1,64}$/;

/** A valid IANA zone in its canonical spelling. Offsets (`+09:00`) are refused: they ignore summer time. */
export function timezoneProblem(zone: string): string | null {
  return timezoneIssue(zone)?.message ?? null;
}

function timezoneIssue(zone: string): { message: string; params: Record<string, string> } | null {
  if (/^[+-]\d/.test(zone) || /^(?:GMT|UTC)[+-]/i.test(zone)) {
    return { message: `"${zone}" is an offset, not an IANA time zone: write a zone such as "Asia/Seoul"`, params: { zone } };
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return { message: `"${zone}" is not an IANA time zone (such as "Asia/Seoul")`, params: { zone } };
  }
  // Intl accepts any letter case; the stored spelling should be the one every other tool expects.
  if (resolved !== zone && resolved.toLowerCase() === zone.toLowerCase()) return { message: `write the time zone as "${resolved}"`, params: { zone, suggestion: resolved } };
  return null;
}

const id = z.string().regex(ID_PATTERN, { error: (iss) => `${JSON.stringify(iss.input)} is not a valid id: use 1 to 64 of A-Z a-z 0-9 _ . -` });
const text = z.string().trim().min(1, { error: 'must not be empty' });
const phone = z.string().regex(E164_PATTERN, { error: (iss) => `${JSON.stringify(iss.input)} is not an E.164 phone number (such as "+821012345678")` });

/**
 * A strict object whose unknown keys each get a line of their own with a "did you mean".
 * zod reports all unknown keys of one object in one issue; the message carries one line per key, in the
 * order of `issue.keys`, and `issueProblems` below splits them back into one problem per key.
 */
function strict<S extends z.core.$ZodLooseShape>(shape: S) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (iss) => {
      if (iss.code !== 'unrecognized_keys') return undefined;
      return iss.keys.map((key) => {
        const near = closest(key, allowed);
        return near ? `unknown key "${key}" (did you mean "${near}"?)` : `unknown key "${key}" (allowed: ${allowed.join(', ')})`;
      }).join('\n');
    },
  });
}

const police = strict({
  channel: z.enum(POLICE_CHANNELS),
  to: z.string(),
}).superRefine((value, ctx) => {
  // The form of `to` depends on the channel: a number to text or call, or an https endpoint.
  if (value.channel === 'webhook') {
    let ok = false;
    try { ok = new URL(value.to).protocol === 'https:'; } catch { /* not a URL */ }
    if (!ok) ctx.addIssue({ code: 'custom', path: ['to'], message: `${JSON.stringify(value.to)} is not an https:// URL`, ...coded('not_https_url') });
  } else if (!E164_PATTERN.test(value.to)) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `${JSON.stringify(value.to)} is not an E.164 phone number (such as "+82112")`, ...coded('bad_phone', { value: value.to }) });
  }
});

const counter = strict({
  id,
  name: text,
  floor: text.optional(),
  managerIds: z.array(id).optional(),
});

/**
 * A SIA DC-09 panel's address (DEVICES.md §3.1): the `#acct` (3 to 16 hex digits), alone for every event of
 * the panel, or with `/zone` (the Contact ID zone or user number CCC, 1 to 3 digits) for one zone of it.
 */
export const SIA_DEVICE_ID_PATTERN = /^[0-9A-Fa-f]{3,16}(?:\/[0-9]{1,3})?$/;

/**
 * A Zigbee2MQTT `friendly_name` (DEVICES.md §1.1): it may contain `/` (`kitchen/panic_btn`) but not MQTT
 * wildcards, not a leading or trailing `/`, and not end in one of the suffixes Z2M uses for its own topics.
 */
export const Z2M_DEVICE_ID_PATTERN = /^(?!\/)(?!.*\/$)(?!.*\/\/)(?!.*\/(?:availability|set|get|action)$)(?!bridge(?:\/|$))[^#+\u0000]+$/;
/** A Shelly device id (`shellybutton1-A4CF12F45D3C`, `shellyplusi4-a8032ab12345`), optionally `/input` (DEVICES.md §2.2–2.3). */
export const SHELLY_DEVICE_ID_PATTERN = /^shelly[a-z0-9]*-[0-9a-f]{6,12}(?:\/[0-9]{1,3})?$/i;
/** A Tasmota `Topic` (DEVICES.md §2.1): one MQTT topic level, no wildcards. */
export const TASMOTA_DEVICE_ID_PATTERN = /^[^/#+\s]{1,64}$/;

const DEVICE_ID_RULES: Partial<Record<(typeof ADAPTERS)[number], { pattern: RegExp; hint: string }>> = {
  'sia-dc09': {
    pattern: SIA_DEVICE_ID_PATTERN,
    hint: 'is not a SIA DC-09 device id: write the panel account (3 to 16 hex digits, such as "1234") or account/zone (such as "1234/005")',
  },
  zigbee2mqtt: {
    pattern: Z2M_DEVICE_ID_PATTERN,
    hint: 'is not a Zigbee2MQTT friendly_name: write it as in Zigbee2MQTT (such as "hall/sos_btn" or "0x00158d0001234567"), without # or +, a leading or trailing or double /, or a /availability, /set, /get or /action ending',
  },
  shelly: {
    pattern: SHELLY_DEVICE_ID_PATTERN,
    hint: 'is not a Shelly device id: write it as "shellybutton1-A4CF12F45D3C" or "shellyplusi4-a8032ab12345", optionally with "/0" for one input',
  },
  tasmota: {
    pattern: TASMOTA_DEVICE_ID_PATTERN,
    hint: 'is not a Tasmota topic: write the device\'s Topic (such as "tasmota_49A3BC"), without /, # or + or spaces',
  },
  rflink: { pattern: RFLINK_DEVICE_ID_PATTERN, hint: RFLINK_DEVICE_ID_HINT },
};

const bell = strict({
  id,
  counterId: id,
  adapter: z.enum(ADAPTERS).default('native'),
  key: z.string().regex(KEY_PATTERN, { error: 'must be 32 to 128 hex digits (16 to 64 bytes), an even number of them' }).optional(),
  heartbeatSeconds: z.number().int()
    .min(10, { error: 'must be at least 10 seconds' }).max(3600, { error: 'must be at most 3600 seconds' }).optional(),
  /**
   * The confirmation rule against false triggers (Zigbee2MQTT's users report uncommanded `emergency` actions,
   * Koenkk/zigbee2mqtt#31821; cheap 433 MHz remotes repeat frames): a first press opens an incident only guards
   * are told of, a second press within `within` seconds or a long press confirms it. Off unless given.
   */
  confirm: strict({
    within: z.number().int().min(2, { error: 'must be at least 2 seconds' }).max(120, { error: 'must be at most 120 seconds' }),
  }).optional(),
  /** The device's own address for adapters that name it: for `sia-dc09` the panel account, or `account/zone`. */
  deviceId: text.pipe(z.string().max(128, { error: 'must be at most 128 characters' })).optional(),
  /**
   * The bell's own MQTT password (username: the bell id). Stored only as a salted hash (HMAC-SHA256, fast: a
   * machine secret, gateway/broker/bell-secret.ts); once a bell has one, nobody else may publish under its
   * topics or read its acks on the embedded broker.
   */
  mqttPassword: z.string()
    .min(12, { error: 'must be at least 12 characters' }).max(256, { error: 'must be at most 256 characters' }).optional(),
}).superRefine((value, ctx) => {
  // Only native MQTT bells sign their events (PROTOCOL.md §1); any other adapter's events would all be refused as missing_mac.
  if (value.key !== undefined && value.adapter !== 'native') {
    ctx.addIssue({ code: 'custom', path: ['key'], message: `a ${value.adapter} bell cannot sign its events: only native bells take a key`, ...coded('key_not_signed', { adapter: value.adapter }) });
  }
  // `drill:` device ids mark the drills' own virtual bells, whose every press is a drill: never a real bell's.
  if (value.deviceId?.toLowerCase().startsWith('drill:')) {
    ctx.addIssue({ code: 'custom', path: ['deviceId'], message: 'device ids starting with "drill:" are reserved for the bells drills create', ...coded('reserved_device_id') });
  }
  const rule = DEVICE_ID_RULES[value.adapter];
  if (rule && value.deviceId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['deviceId'], message: `a ${value.adapter} bell needs its deviceId, the address its events carry`, ...coded('device_id_needed', { adapter: value.adapter }) });
    return;
  }
  if (!rule || value.deviceId === undefined) return;
  if (!rule.pattern.test(value.deviceId)) {
    ctx.addIssue({ code: 'custom', path: ['deviceId'], message: `${JSON.stringify(value.deviceId)} ${rule.hint}`, ...coded('bad_device_id', { adapter: value.adapter, value: value.deviceId }) });
  }
});

const shift = strict({
  personId: id,
  startsAt: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 time such as "2026-11-23T09:00:00+09:00"' }),
  endsAt: z.iso.datetime({ offset: true, error: 'must be an RFC 3339 time such as "2026-11-23T18:00:00+09:00"' }),
}).superRefine((value, ctx) => {
  if (Date.parse(value.endsAt) <= Date.parse(value.startsAt)) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'a shift must end after it starts', ...coded('shift_order') });
});

const site = strict({
  id,
  name: text,
  address: text,
  timezone: z.string().superRefine((zone, ctx) => {
    const problem = timezoneIssue(zone);
    if (problem) ctx.addIssue({ code: 'custom', message: problem.message, ...coded('bad_timezone', problem.params) });
  }),
  police: police.optional(),
  /** Numbers that a joint police drill reaches instead of the police channel (DESIGN.md principle 2). */
  drillLiaison: z.array(phone).optional(),
  /** The district situation room, reached by the "nobody on scene" step of escalation. */
  situationRoom: strict({ channel: z.enum(['sms', 'call']), to: phone }).optional(),
  /** The site's own escalation policy (DESIGN.md's default without it). */
  escalation: escalationPolicySchema.optional(),
  /**
   * Native serial lines of this site's bells on the gateway machine, `path[@baud]` as in SERIAL_PORTS: opened
   * beside SERIAL_PORTS, and a line of a site hears only that site's bells.
   */
  serialPorts: z.array(z.string().regex(/^\/[^\s,@]+(@[1-9][0-9]{2,6})?$/, {
    error: (iss) => `${JSON.stringify(iss.input)} is not path[@baud] (an absolute device path such as /dev/ttyUSB0, then optionally @115200)`,
  })).optional(),
  /** Guard shifts; when given, they replace the site's roster. Without any roster every guard is on duty. */
  roster: z.array(shift).optional(),
  /** The annual aftercare treatment-expense allowance per person in KRW; without it 500,000. */
  aftercareAllowanceKrw: z.number().int().min(0).max(100_000_000).optional(),
  counters: z.array(counter).default([]),
  bells: z.array(bell).default([]),
});

/** A person's password is at least this long (also what `guardbell password-hash` takes). */
export const PASSWORD_MIN_LENGTH = 8;

const person = strict({
  id,
  name: text,
  roles: z.array(z.enum(ROLES)).min(1, { error: 'a person needs at least one role' }),
  siteIds: z.array(id),
  /** The counters this person works at: the software panic button offers these first. */
  counterIds: z.array(id).optional(),
  phone: phone.optional(),
  language: z.enum(LANGUAGES).default('ko'),
  username: z.string().regex(USERNAME_PATTERN, { error: 'must be 1 to 64 of A-Z a-z 0-9 _ . @ + - (no spaces)' }).optional(),
  password: z.string().min(PASSWORD_MIN_LENGTH, { error: `must be at least ${PASSWORD_MIN_LENGTH} characters` }).optional(),
  /**
   * The password as `guardbell password-hash` made it, instead of `password`: the file then holds no password, and
   * applying it compares this with the stored hash instead of computing scrypt for the person at every start.
   */
  passwordHash: z.string().refine(isPasswordHash, { message: 'is not a hash made by `guardbell password-hash` (scrypt$N$r$p$salt$hash)', ...coded('bad_password_hash') }).optional(),
  email: z.email({ error: (iss) => `${JSON.stringify(iss.input)} is not an e-mail address` }).optional(),
}).superRefine((value, ctx) => {
  if (value.password !== undefined && value.passwordHash !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['passwordHash'], message: 'give a password or a password hash, not both', ...coded('password_and_hash') });
  }
});

/**
 * A bridge that carries third-party devices onto the broker (Zigbee2MQTT, a Shelly or Tasmota fleet): only its
 * credential may publish under `topicPrefix/` (Tasmota also `+/topicPrefix/`). Without a password one is
 * generated and shown once.
 */
export const BRIDGE_ADAPTERS = ['zigbee2mqtt', 'shelly', 'tasmota'] as const;
const bridge = strict({
  username: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be 1 to 64 of A-Z a-z 0-9 _ . -' }),
  password: z.string().min(12, { error: 'must be at least 12 characters' }).max(256, { error: 'must be at most 256 characters' }).optional(),
  adapter: z.enum(BRIDGE_ADAPTERS, { error: `must be one of ${BRIDGE_ADAPTERS.join(', ')}` }),
  topicPrefix: z.string().regex(/^[^#+/\u0000$][^#+\u0000]{0,127}$/, { error: 'must be a topic without wildcards, not starting with / or $' })
    .refine((p) => !p.endsWith('/'), { error: 'must not end with /' }),
});

export const provisioningDocumentSchema = strict({
  sites: z.array(site).default([]),
  people: z.array(person).default([]),
  bridges: z.array(bridge).default([]),
}).superRefine((doc, ctx) => {
  // A bridge logs in by its username: it must not be a bell's, whose login it would shadow.
  const bellIds = new Set(doc.sites.flatMap((s) => s.bells.map((b) => b.id)));
  const usernames = new Set<string>();
  doc.bridges.forEach((b, i) => {
    if (bellIds.has(b.username)) ctx.addIssue({ code: 'custom', path: ['bridges', i, 'username'], message: `"${b.username}" is a bell's id: a bridge needs a username of its own`, ...coded('duplicate_id', { id: b.username, first: 'bell' }) });
    if (usernames.has(b.username)) ctx.addIssue({ code: 'custom', path: ['bridges', i, 'username'], message: `bridge "${b.username}" is listed twice`, ...coded('duplicate', { value: b.username }) });
    usernames.add(b.username);
  });
  // One serial line belongs to one site: its frames are checked against that site's bells.
  const lines = new Map<string, string>();
  doc.sites.forEach((s, si) => (s.serialPorts ?? []).forEach((entry, pi) => {
    const path = entry.split('@')[0]!;
    const first = lines.get(path);
    if (first) ctx.addIssue({ code: 'custom', path: ['sites', si, 'serialPorts', pi], message: `serial line ${path} is already site "${first}"'s`, ...coded('duplicate_id', { id: path, first }) });
    else lines.set(path, s.id);
  }));
  // Two bells on one panel address would make an alarm land on whichever was loaded last.
  const seen = new Map<string, string>();
  doc.sites.forEach((s, si) => s.bells.forEach((b, bi) => {
    if (b.deviceId === undefined) return;
    const key = `${b.adapter}|${normaliseDeviceId(b.adapter, b.deviceId)}`;
    const first = seen.get(key);
    if (first) ctx.addIssue({ code: 'custom', path: ['sites', si, 'bells', bi, 'deviceId'], message: `device id ${JSON.stringify(b.deviceId)} is already used by bell "${first}"`, ...coded('duplicate_id', { id: b.deviceId, first }) });
    else seen.set(key, b.id);
  }));
});

/**
 * The stored spelling of a device id: for SIA DC-09 the account in upper case and the zone without leading
 * zeros; for Shelly lower case (Gen1 spells the MAC in upper case, Gen2 in lower case); for RFLink
 * `NAME/ID/SWITCH` upper case without leading zeros (`EV1527/0f7499/04` → `EV1527/F7499/4`, device-id.ts).
 */
export function normaliseDeviceId(adapter: string, deviceId: string): string {
  if (adapter === 'shelly') return deviceId.toLowerCase();
  if (adapter === 'rflink') return normaliseRflinkDeviceId(deviceId) ?? deviceId;
  if (adapter !== 'sia-dc09') return deviceId;
  const [account = '', zone] = deviceId.split('/');
  return zone === undefined ? account.toUpperCase() : `${account.toUpperCase()}/${Number(zone)}`;
}

/** `bridges` optional: documents built in code (the demo, tests) leave it out. */
export type ProvisioningDocument = Omit<z.output<typeof provisioningDocumentSchema>, 'bridges'> & { bridges?: z.output<typeof bridge>[] };
export type SiteDoc = z.output<typeof site>;
export type CounterDoc = z.output<typeof counter>;
export type BellDoc = z.output<typeof bell>;
export type PersonDoc = z.output<typeof person>;
export type BridgeDoc = z.output<typeof bridge>;
export type PoliceDoc = z.output<typeof police>;

/** `sites[0].bells[1].counterId`; keys that are not identifiers are quoted: `sites[0]["police channel"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && /^[A-Za-z_$][\w$]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out || '(file)';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the text ${JSON.stringify(value)}`;
  return `the ${typeof value} ${String(value)}`;
}

/**
 * One zod issue as problems in the words of the file's author (several for unknown keys), each with its code:
 * a refinement's own (`coded`), else the code the API gives the same issue (api/http/field-issues.ts).
 * `input` is the whole document, so that a missing field is told apart from a wrong one.
 */
export function issueProblems(issue: z.core.$ZodIssue, input?: unknown): Problem[] {
  const at = formatPath(issue.path);
  const { code, params } = problemCode(issue, input);
  const withCode = (path: string, message: string, own = params): Problem => ({ path, message, code, ...(own ? { params: own } : {}) });
  switch (issue.code) {
    case 'unrecognized_keys': {
      const lines = issue.message.split('\n');
      return issue.keys.map((key, i) => withCode(
        formatPath([...issue.path, key]),
        lines.length === issue.keys.length ? lines[i]! : `unknown key "${key}"`,
        { keys: key },
      ));
    }
    case 'invalid_type': {
      if (issue.input === undefined) return [{ path: at, message: 'is required', code: 'required' }];
      const names: Record<string, string> = { array: 'a list', object: 'an object', int: 'a whole number', string: 'text' };
      const expected = names[issue.expected] ?? `a ${issue.expected}`;
      // YAML reads unquoted +821012345678, 0101 or a hex key of digits only as numbers.
      const hint = issue.expected === 'string' && typeof issue.input === 'number' ? ' (in YAML, put it in quotes)' : '';
      // Problems are printed and logged: never echo a password or a bell key.
      const secret = ['password', 'key', 'mqttPassword'].includes(String(issue.path.at(-1)));
      const got = secret ? (typeof issue.input === 'object' ? describe(issue.input) : `a ${typeof issue.input}`) : describe(issue.input);
      return [withCode(at, `expected ${expected}, got ${got}${hint}`)];
    }
    case 'invalid_value': {
      const options = issue.values.map((v) => String(v));
      const near = typeof issue.input === 'string' ? closest(issue.input, options) : null;
      return [withCode(at, `${describe(issue.input)} is not one of ${options.join(', ')}${near ? ` (did you mean "${near}"?)` : ''}`)];
    }
    default:
      return [withCode(at, issue.message)];
  }
}

/** An id's or a phone number's pattern says more than "not in the expected format". */
const PATTERN_CODES = new Map<string, ProvisioningProblemCode>([[ID_PATTERN.toString(), 'bad_id'], [E164_PATTERN.toString(), 'bad_phone']]);

function problemCode(issue: z.core.$ZodIssue, input: unknown): { code: ProvisioningProblemCode; params?: Record<string, string | number> } {
  if (issue.code === 'custom') {
    const { code, ...params } = (issue.params ?? {}) as { code?: unknown } & Record<string, string | number>;
    if (isProvisioningProblemCode(code)) return Object.keys(params).length > 0 ? { code, params } : { code };
  }
  if (issue.code === 'invalid_format' && issue.format === 'regex') {
    const own = PATTERN_CODES.get(String(issue.pattern));
    if (own) return typeof issue.input === 'string' ? { code: own, params: { value: issue.input } } : { code: own };
  }
  const { code, params } = fieldIssue(issue, input);
  return params ? { code, params } : { code };
}

/** The closest candidate within a couple of typos, for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.min(3, Math.ceil(word.length / 3) + 1);
  for (const candidate of candidates) {
    const d = candidate.toLowerCase() === word.toLowerCase() ? 0 : editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) { best = candidate; bestDistance = d; }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
