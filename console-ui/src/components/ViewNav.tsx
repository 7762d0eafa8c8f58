/** The row of view buttons (home first); the current one is marked for screen readers, not by colour alone. */
import { useI18n } from '../i18n.ts';
import type { ConsoleView } from '../views.tsx';

export function ViewNav({ views, current, onSelect }: { views: ConsoleView[]; current: string; onSelect: (id: string) => void }) {
  const { t } = useI18n();
  const all = [{ id: 'home', label: 'nav.home' as const }, ...views];
  return (
    <nav className="view-nav" aria-label={t('nav.label')}>
      {all.map((v) => (
        <button
          key={v.id}
          type="button"
          data-view={v.id}
          aria-current={v.id === current ? 'page' : undefined}
          className={v.id === current ? 'current' : undefined}
          onClick={() => onSelect(v.id)}
        >
          {v.id === current ? '▸ ' : ''}{t(v.label)}
        </button>
      ))}
    </nav>
  );
}
