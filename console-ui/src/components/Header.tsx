import type { Me } from '../../../api/contract/index.ts';
import { useI18n } from '../i18n.ts';

export function Header({ me, onLogout, onToggleLang }: { me: Me; onLogout: () => void; onToggleLang: () => void }) {
  const { t, tx } = useI18n();
  const roles = me.roles.map((role) => tx('role.', role)).join(', ');
  return (
    <header className="app-header">
      <h1 className="brand">{t('app.title')}</h1>
      <div className="user">
        <span data-testid="me-name">{t('header.signedInAs', { name: me.name, roles })}</span>
        <button type="button" className="lang-switch" onClick={onToggleLang} data-testid="lang-switch" aria-label={t('lang.label')}>{t('lang.switch')}</button>
        <button type="button" onClick={onLogout} data-testid="logout">{t('header.logout')}</button>
      </div>
    </header>
  );
}
