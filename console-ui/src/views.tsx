/**
 * The console's views besides the live incidents (the home view): each area adds one entry here
 * (`{ id, label, visible, render }`). The alarm banner, stream status and sound control stay above
 * every view, so an alarm takes over whichever view is open.
 */
import type { ReactNode } from 'react';
import type { Me } from '../../api/contract/index.ts';
import type { MessageKey } from './i18n.ts';
import type { LiveConsole } from './useLiveConsole.ts';
import { AftercareView, canSeeAftercare } from './aftercare/AftercareView.tsx';
import { StatisticsView, canSeeStatistics } from './statistics/StatisticsView.tsx';
import { CasesView, canSeeCases } from './cases/CasesView.tsx';
import { DrillsView, canSeeDrills } from './drills/DrillsView.tsx';
import { placeViews } from './places/views.tsx';
import { AdminView, canAdminister } from './admin/AdminView.tsx';

export interface ViewContext {
  me: Me;
  live: LiveConsole;
  /** Shows an incident in the home view. */
  openIncident: (id: string) => void;
}

export interface ConsoleView {
  id: string;
  label: MessageKey;
  visible: (me: Me) => boolean;
  render: (ctx: ViewContext) => ReactNode;
}

export const extraViews: ConsoleView[] = [
  { id: 'aftercare', label: 'nav.aftercare', visible: canSeeAftercare, render: ({ me }) => <AftercareView me={me} /> },
  { id: 'statistics', label: 'nav.statistics', visible: canSeeStatistics, render: ({ me }) => <StatisticsView me={me} /> },
  { id: 'cases', label: 'nav.cases', visible: canSeeCases, render: ({ me }) => <CasesView me={me} /> },
  { id: 'drills', label: 'nav.drills', visible: canSeeDrills, render: ({ me, openIncident }) => <DrillsView me={me} openIncident={openIncident} /> },
  ...placeViews,
  { id: 'admin', label: 'nav.admin', visible: canAdminister, render: ({ me }) => <AdminView me={me} /> },
];
