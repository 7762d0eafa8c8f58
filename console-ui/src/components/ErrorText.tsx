import { ApiRequestError, errorText, serverMessage } from '../api.ts';
import { useI18n } from '../i18n.ts';

/** A failed request's message (the server's own text when it sent one). */
export function ErrorText({ error, testId }: { error: unknown; testId?: string }) {
  const i18n = useI18n();
  if (!error) return null;
  const text = typeof error === 'string' ? error : errorText(error, i18n);
  return (
    <p className="error-text" role="status" data-testid={testId} data-code={error instanceof ApiRequestError ? error.code : undefined} title={i18n.lang === 'en' ? undefined : serverMessage(error)}>
      <span aria-hidden="true">⚠ </span>
      {text}
    </p>
  );
}
