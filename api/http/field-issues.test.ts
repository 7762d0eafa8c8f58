import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssue } from './field-issues.ts';

const issues = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a refusal');
  return r.error.issues.map((i) => fieldIssue(i, value));
};

describe('zod issues as codes a console can say', () => {
  const body = z.strictObject({
    title: z.string().min(2).max(5),
    name: z.string().min(1),
    seconds: z.number().int().min(1).max(600),
    kind: z.enum(['a', 'b']),
    id: z.string().regex(/^[a-z]+$/),
    steps: z.array(z.strictObject({ at: z.number() })).min(1),
    when: z.iso.datetime(),
  });

  it('names each field by its path with a code and the values its sentence needs', () => {
    const found = issues(body, { title: 'x', name: '', seconds: 900, kind: 'c', id: 'A!', steps: [{ at: 'soon' }], when: 'tomorrow', extra: 1 });
    const byPath = Object.fromEntries(found.map((i) => [i.path, { code: i.code, params: i.params }]));
    expect(byPath).toEqual({
      '': { code: 'unknown_keys', params: { keys: 'extra' } },
      title: { code: 'too_short', params: { min: 2 } },
      name: { code: 'required', params: undefined },
      seconds: { code: 'too_big', params: { max: 600 } },
      kind: { code: 'not_one_of', params: { options: 'a, b' } },
      id: { code: 'bad_format', params: { format: 'regex' } },
      'steps.0.at': { code: 'wrong_type', params: { expected: 'number' } },
      when: { code: 'bad_format', params: { format: 'datetime' } },
    });
  });

  it('tells a missing field from a wrong one, an empty list from a long text, and keeps the English message', () => {
    const found = issues(body, { title: 'abcdefg', name: 'n', seconds: 0, kind: 'a', id: 'a', steps: [], when: '2026-12-02T00:00:00Z' });
    expect(found.map((i) => [i.path, i.code])).toEqual([['title', 'too_long'], ['seconds', 'too_small'], ['steps', 'too_few']]);
    const missing = issues(body, {});
    expect(missing.map((i) => i.code)).toEqual(Array(7).fill('required'));
    expect(missing[0]!.message).toMatch(/expected string/);
  });

  it('a refinement says its own code', () => {
    const unique = z.array(z.string()).superRefine((xs, ctx) => {
      if (new Set(xs).size < xs.length) ctx.addIssue({ code: 'custom', path: [1], message: 'twice', params: { code: 'duplicate', value: xs[1]! } });
      if (xs.includes('?')) ctx.addIssue({ code: 'custom', message: 'a question' });
    });
    expect(issues(unique, ['a', 'a', '?']).map((i) => [i.path, i.code, i.params])).toEqual([['1', 'duplicate', { value: 'a' }], ['', 'invalid', undefined]]);
  });
});
