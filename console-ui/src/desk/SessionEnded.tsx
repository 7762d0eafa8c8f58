/** The console's session has ended: a loud red bar that stays (with the trouble tone) until someone signs in again, in place. */
import type { Me } from '../../../api/contract/index.ts';
import { useI18n } from '../i18n.ts';
import { LoginForm } from '../components/LoginView.tsx';

export function SessionEnded({ me, onSignedIn }: { me: Me; onSignedIn: () => void }) {
  const { t } = useI18n();
  return (
    <section className="session-ended" role="alert" aria-live="assertive" data-testid="session-ended">
      <h2><span aria-hidden="true">✖ </span>{t('session.ended')}</h2>
      <p>{t('session.endedHint')}</p>
      <LoginForm onSignedIn={onSignedIn} initialUsername={me.username} testId="relogin" />
    </section>
  );
}
