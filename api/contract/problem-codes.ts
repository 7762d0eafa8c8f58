/**
 * Stable codes of field issues and provisioning problems, so that a console can say each in its user's language
 * next to its field; the English `message` stays beside it for files, logs and the CLI. Zod's issues take the
 * codes api/http/field-issues.ts gives them; the checks that need the whole document or the database have codes
 * of their own.
 */

export const FIELD_ISSUE_CODES = [
  'required', 'wrong_type', 'too_short', 'too_long', 'too_few', 'too_many', 'too_small', 'too_big', 'bad_format', 'not_one_of', 'unknown_keys', 'duplicate', 'invalid',
] as const;
export type FieldIssueCode = (typeof FIELD_ISSUE_CODES)[number];

export const PROVISIONING_PROBLEM_CODES = [
  ...FIELD_ISSUE_CODES,
  /** An id, username or device id used twice (`id`, and `first`: where it is first used). */
  'duplicate_id',
  /** An id that names nothing in the file or the database (`kind`: site, person, counter; `id`). */
  'unknown_reference',
  /** A person named where a role is needed that they lack (`id`, `role`). */
  'missing_role',
  /** A person named at a site they do not belong to (`id`, `site`). */
  'not_of_site',
  /** A deactivated person named on a roster (`id`). */
  'deactivated',
  /** A site, counter, bell or person that already exists, sent as new (`kind`, `id`). */
  'already_exists',
  /** An edit that changes the id of what it edits (`id`: the id it keeps). */
  'id_unchangeable',
  /** A part sent in a form that has a form of its own (`field`). */
  'own_form',
  /** A bell moved to another site (`site`: where it is). */
  'bell_cannot_move',
  /** A password given to a person without a username. */
  'password_without_username',
  /** A new account without a password (`username`). */
  'password_needed',
  /** A person given both a password and a password hash. */
  'password_and_hash',
  /** A password hash not made by `guardbell password-hash`. */
  'bad_password_hash',
  /** A password hash made at a lower cost than this system hashes at (`cost`, `system`: log2 of scrypt's N). */
  'password_hash_cost',
  /** A username that belongs to another person (`username`, `owner`). */
  'username_taken',
  /** Granting oneself rights (`roles`). */
  'self_grant',
  /** A time zone that is an offset or unknown (`zone`), or misspelt (`zone`, `suggestion`). */
  'bad_timezone',
  /** An id that is not 1 to 64 of A-Z a-z 0-9 _ . - (`value`). */
  'bad_id',
  /** A phone number not in E.164 (`value`). */
  'bad_phone',
  /** A webhook that is not an https:// URL. */
  'not_https_url',
  /** A key given to a bell that cannot sign (`adapter`). */
  'key_not_signed',
  /** An adapter's bell without the device id its events carry (`adapter`). */
  'device_id_needed',
  /** A device id in the form no bell of its adapter has (`adapter`). */
  'bad_device_id',
  /** A device id of the reserved `drill:` kind. */
  'reserved_device_id',
  /** A shift that ends before it starts. */
  'shift_order',
  /** The file cannot be read (empty, or not JSON or YAML). */
  'unreadable_file',
] as const;
export type ProvisioningProblemCode = (typeof PROVISIONING_PROBLEM_CODES)[number];

const KNOWN = new Set<string>(PROVISIONING_PROBLEM_CODES);
export function isProvisioningProblemCode(value: unknown): value is ProvisioningProblemCode {
  return typeof value === 'string' && KNOWN.has(value);
}
