import { describe, expect, it } from 'vitest';
import { PROVISIONING_PROBLEM_CODES } from '../../../api/contract/problem-codes.ts';
import { makeI18n, messages } from '../i18n.ts';
import { issueText } from './field-issues.ts';

describe('a field problem in the user\'s language', () => {
  it('has a Korean and an English sentence for every code a provisioning problem can carry', () => {
    const missing = PROVISIONING_PROBLEM_CODES.flatMap((code) =>
      (['ko', 'en'] as const).filter((lang) => messages[lang][`issue.${code}` as keyof typeof messages.ko] === undefined).map((lang) => `${lang}: issue.${code}`));
    expect(missing).toEqual([]);
  });

  const problem = { path: 'counterId', message: 'counter "x" is not a counter of site "s"', code: 'unknown_reference', params: { kind: 'counter', id: 'x', site: 's' } };

  it('says the code with its values on a Korean screen, never the English sentence', () => {
    expect(issueText(problem, makeI18n('ko'))).toBe("'x'을(를) 찾을 수 없습니다.");
    expect(issueText(problem, makeI18n('ko'), { englishFromServer: true })).toBe("'x'을(를) 찾을 수 없습니다.");
    // A code this console does not know yet: a Korean sentence still, the English one only in a tooltip.
    expect(issueText({ ...problem, code: 'newer_code' }, makeI18n('ko'))).toBe('값이 올바르지 않습니다.');
  });

  it('keeps the server\'s own sentence on an English screen when asked to (the admin forms)', () => {
    expect(issueText(problem, makeI18n('en'))).toBe('"x" does not exist.');
    expect(issueText(problem, makeI18n('en'), { englishFromServer: true })).toBe(problem.message);
  });
});
