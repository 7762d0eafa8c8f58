import { useI18n } from '../i18n.ts';
import { issueText, type FieldIssue } from './field-issues.ts';

/**
 * A field's problems, shown under its control. `id` ties them to the control (aria-describedby); `label`
 * names the part of the field a nested problem is about (the third step, the second participant).
 */
export function FieldIssues({ issues, id, testId, label, className, englishFromServer }: {
  issues: readonly FieldIssue[]; id?: string; testId?: string; label?: (issue: FieldIssue) => string | null;
  className?: string; englishFromServer?: boolean;
}) {
  const i18n = useI18n();
  if (issues.length === 0) return null;
  return (
    <ul className={className ? `field-issues ${className}` : 'field-issues'} id={id} data-testid={testId} role="status">
      {issues.map((issue, i) => {
        const where = label?.(issue);
        return (
          <li key={i} data-code={issue.code} title={i18n.lang === 'en' ? undefined : issue.message}>
            <span aria-hidden="true">⚠ </span>{where ? `${where}: ` : ''}{issueText(issue, i18n, { englishFromServer })}
          </li>
        );
      })}
    </ul>
  );
}
