/** The bell health board: every bell the user may see, with a summary of how many are offline or in trouble. */
import type { Bell, Site } from '../../../api/contract/index.ts';
import { BellRows } from '../components/BellsTable.tsx';
import { useI18n } from '../i18n.ts';

export function BellHealthView({ bells, siteById }: { bells: Bell[]; siteById: ReadonlyMap<string, Site> }) {
  const { t } = useI18n();
  const offline = bells.filter((b) => !b.online).length;
  const troubled = bells.filter((b) => b.trouble.length > 0).length;
  return (
    <section className="panel places-health-board" aria-labelledby="health-heading" data-testid="bell-health">
      <h2 id="health-heading">{t('health.title')}</h2>
      <p data-testid="health-summary" role="status">{t('health.summary', { total: bells.length, offline, troubled })}</p>
      <BellRows bells={bells} siteById={siteById} board />
    </section>
  );
}
