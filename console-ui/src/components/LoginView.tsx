import { useState, type FormEvent } from 'react';
import { api } from '../api.ts';
import { useI18n } from '../i18n.ts';
import { ErrorText } from './ErrorText.tsx';

export function LoginView({ onSignedIn, onToggleLang }: { onSignedIn: () => void; onToggleLang: () => void }) {
  const { t } = useI18n();
  return (
    <main className="login">
      <div className="login-card">
        <div className="login-top">
          <p className="brand">Guardbell</p>
          <button type="button" className="link-button" onClick={onToggleLang} data-testid="lang-toggle">
            {t('lang.switch')}
          </button>
        </div>
        <h1>{t('login.title')}</h1>
        <LoginForm onSignedIn={onSignedIn} />
      </div>
    </main>
  );
}

/** Username and password; also shown inside the console when its session has ended, without leaving it. */
export function LoginForm({ onSignedIn, initialUsername = '', testId = 'login' }: { onSignedIn: () => void; initialUsername?: string; testId?: string }) {
  const { t } = useI18n();
  const [username, setUsername] = useState(initialUsername);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.login(username.trim(), password);
      setPassword('');
      onSignedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} data-testid={`${testId}-form`}>
      <label htmlFor={`${testId}-username`}>{t('login.username')}</label>
      <input
        id={`${testId}-username`}
        name="username"
        autoComplete="username"
        autoCapitalize="none"
        spellCheck={false}
        required
        value={username}
        onChange={(e) => setUsername(e.target.value)}
        data-testid={`${testId}-username`}
      />
      <label htmlFor={`${testId}-password`}>{t('login.password')}</label>
      <input
        id={`${testId}-password`}
        name="password"
        type="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        data-testid={`${testId}-password`}
      />
      <ErrorText error={error} testId={`${testId}-error`} />
      <button type="submit" className="primary" disabled={busy} data-testid={`${testId}-submit`}>
        {busy ? t('login.submitting') : t('login.submit')}
      </button>
    </form>
  );
}
