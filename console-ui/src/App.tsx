/** Session gate: GET /me decides between the login form and the console. */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Me } from '../../api/contract/index.ts';
import { api, ApiRequestError, setUnauthorizedHandler } from './api.ts';
import { I18nContext, makeI18n, type Lang } from './i18n.ts';
import { Console } from './components/Console.tsx';
import { LoginView } from './components/LoginView.tsx';

type Auth =
  | { kind: 'loading' }
  | { kind: 'anonymous' }
  | { kind: 'unreachable' }
  /** ended: the session ended while the console was open; it stays on screen, saying so, until a new sign-in. */
  | { kind: 'signedIn'; me: Me; ended: boolean };

const RETRY_ME_MS = 3_000;

/** A console whose session ends keeps showing what it had and says so; only a console never signed in shows the login form. */
function endedOrAnonymous(current: Auth): Auth {
  return current.kind === 'signedIn' ? { ...current, ended: true } : { kind: 'anonymous' };
}

export function App() {
  const [auth, setAuth] = useState<Auth>({ kind: 'loading' });
  const [loginLang, setLoginLang] = useState<Lang>('ko');

  const loadMe = useCallback(async () => {
    try {
      const me = await api.me();
      setAuth({ kind: 'signedIn', me, ended: false });
    } catch (err) {
      if (err instanceof ApiRequestError && (err.status === 401 || err.status === 403)) setAuth(endedOrAnonymous);
      else setAuth({ kind: 'unreachable' });
    }
  }, []);

  const sessionEnded = useCallback(() => setAuth(endedOrAnonymous), []);

  useEffect(() => {
    void loadMe();
    setUnauthorizedHandler(sessionEnded);
    return () => setUnauthorizedHandler(null);
  }, [loadMe, sessionEnded]);

  useEffect(() => {
    if (auth.kind !== 'unreachable') return;
    const timer = setTimeout(() => void loadMe(), RETRY_ME_MS);
    return () => clearTimeout(timer);
  }, [auth, loadMe]);

  const lang: Lang = auth.kind === 'signedIn' ? (auth.me.language === 'en' ? 'en' : 'ko') : loginLang;
  const i18n = useMemo(() => makeI18n(lang), [lang]);

  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = i18n.t('app.title');
  }, [lang, i18n]);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // The session is dropped on this side either way.
    }
    setAuth({ kind: 'anonymous' });
  }, []);

  let body;
  switch (auth.kind) {
    case 'loading':
      body = <p className="page-message" role="status">{i18n.t('app.loading')}</p>;
      break;
    case 'unreachable':
      body = (
        <div className="page-message" role="status">
          <p>⚠ {i18n.t('app.serverUnreachable')}</p>
          <button type="button" onClick={() => void loadMe()}>{i18n.t('app.retry')}</button>
        </div>
      );
      break;
    case 'anonymous':
      body = (
        <LoginView
          onSignedIn={() => void loadMe()}
          onToggleLang={() => setLoginLang((l) => (l === 'ko' ? 'en' : 'ko'))}
        />
      );
      break;
    case 'signedIn':
      body = (
        <Console
          key={auth.me.id}
          me={auth.me}
          sessionEnded={auth.ended}
          onSessionEnded={sessionEnded}
          onSignedInAgain={() => void loadMe()}
          onLogout={() => void logout()}
        />
      );
      break;
  }

  return <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>;
}
