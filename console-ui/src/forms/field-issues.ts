/** The problems a refused request names by field path (api/http/field-issues.ts), and how a console says them. */
import { ApiRequestError } from '../api.ts';
import type { I18n } from '../i18n.ts';

export interface FieldIssue {
  path: string;
  message: string;
  code?: string;
  params?: Record<string, string | number>;
}

function isIssue(x: unknown): x is FieldIssue {
  return typeof x === 'object' && x !== null && typeof (x as FieldIssue).path === 'string' && typeof (x as FieldIssue).message === 'string';
}

/** Every field problem of a refused request (none for other errors). */
export function fieldIssues(error: unknown): FieldIssue[] {
  return error instanceof ApiRequestError && Array.isArray(error.details) ? error.details.filter(isIssue) : [];
}

/** The problems of one field: its own path or a path inside it (`steps` holds `steps.0.milestone`). */
export function issuesAt(error: unknown, field: string): FieldIssue[] {
  return fieldIssues(error).filter((i) => i.path === field || i.path.startsWith(`${field}.`));
}

/** Problems no field of the form shows: said above the buttons, so none is ever hidden. */
export function issuesElsewhere(error: unknown, fields: readonly string[]): FieldIssue[] {
  return fieldIssues(error).filter((i) => !fields.some((f) => i.path === f || i.path.startsWith(`${f}.`)));
}

/**
 * The sentence in the user's language; the server's English only on an English screen when no code is known,
 * or always there with `englishFromServer` (the admin forms: provisioning's English names the exact rule).
 */
export function issueText(issue: FieldIssue, i18n: Pick<I18n, 'lang' | 'code'>, options: { englishFromServer?: boolean } = {}): string {
  if (options.englishFromServer && i18n.lang === 'en') return issue.message;
  const own = issue.code ? i18n.code(`issue.${issue.code}`, issue.params) : null;
  if (own) return own;
  return i18n.lang === 'en' ? issue.message : (i18n.code('issue.invalid') ?? issue.message);
}
