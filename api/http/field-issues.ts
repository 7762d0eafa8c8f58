/**
 * A zod issue as a console can say it in its user's language, next to the control it concerns: a stable code
 * and the values the sentence needs, beside zod's English message (kept for logs and English screens).
 */
import type { z } from 'zod';
import { FIELD_ISSUE_CODES, type FieldIssueCode } from '../contract/problem-codes.ts';

export interface FieldIssue {
  /** The field's path in the body or query, dot-separated (`steps.0.targetSeconds`); '' for the whole. */
  path: string;
  message: string;
  code: FieldIssueCode;
  params?: Record<string, string | number>;
}

type Issue = z.core.$ZodIssue;

/** Texts are short or long, lists have too few or too many, numbers and dates are small or big. */
const LISTS = new Set(['array', 'set']);

/** `input` is what was parsed: a field missing from it is `required`, whatever the schema expected there. */
export function fieldIssue(issue: Issue, input?: unknown): FieldIssue {
  const base = { path: issue.path.map(String).join('.'), message: issue.message };
  const missing = issue.path.length > 0 && input !== undefined && valueAt(input, issue.path) === undefined && issue.code !== 'unrecognized_keys';
  const { code, params } = missing ? { code: 'required' as const, params: undefined } : codeOf(issue);
  return { ...base, code, ...(params ? { params } : {}) };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v = input;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function codeOf(issue: Issue): { code: FieldIssueCode; params?: Record<string, string | number> } {
  switch (issue.code) {
    case 'invalid_type':
      // zod 4 names a missing value only in its message (the input itself is not kept by default).
      return /received undefined/.test(issue.message) ? { code: 'required' } : { code: 'wrong_type', params: { expected: issue.expected } };
    case 'too_small': {
      const min = Number(issue.minimum);
      // An empty text where one is needed is simply missing.
      if (issue.origin === 'string') return min <= 1 ? { code: 'required' } : { code: 'too_short', params: { min } };
      return { code: LISTS.has(issue.origin) ? 'too_few' : 'too_small', params: { min } };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'too_long', params: { max } };
      return { code: LISTS.has(issue.origin) ? 'too_many' : 'too_big', params: { max } };
    }
    case 'invalid_format':
      return { code: 'bad_format', params: { format: issue.format } };
    case 'invalid_value':
      return { code: 'not_one_of', params: { options: issue.values.map(String).join(', ') } };
    case 'unrecognized_keys':
      return { code: 'unknown_keys', params: { keys: issue.keys.join(', ') } };
    case 'invalid_union':
      // A discriminated union whose tag is wrong reports the allowed tags; any other union is simply invalid.
      return { code: 'invalid' };
    case 'custom': {
      // A refinement names its code in its params (`{ code: 'duplicate', value }`), or is merely invalid.
      const { code, ...params } = (issue.params ?? {}) as { code?: unknown } & Record<string, string | number>;
      return typeof code === 'string' && (FIELD_ISSUE_CODES as readonly string[]).includes(code)
        ? { code: code as FieldIssueCode, ...(Object.keys(params).length > 0 ? { params } : {}) }
        : { code: 'invalid' };
    }
    default:
      return { code: 'invalid' };
  }
}
