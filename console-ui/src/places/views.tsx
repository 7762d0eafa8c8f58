/** The places area's views in the console's view registry (views.tsx): floor plans, the managers' board, bell health. */
import type { ConsoleView } from '../views.tsx';
import { BellHealthView } from './BellHealthView.tsx';
import { FloorPlansView } from './FloorPlansView.tsx';
import { ManagersView } from './ManagersView.tsx';
import { canSeeBellHealth, canSeeFloorPlans, canSeeManagerBoard } from './roles.ts';

export const placeViews: ConsoleView[] = [
  {
    id: 'managers', label: 'nav.managers', visible: canSeeManagerBoard,
    render: ({ live, openIncident }) => <ManagersView sites={live.sites} siteById={live.siteById} liveIncidents={live.incidents} openIncident={openIncident} />,
  },
  { id: 'floor-plans', label: 'nav.floorPlans', visible: canSeeFloorPlans, render: ({ me, live }) => <FloorPlansView me={me} sites={live.sites} /> },
  { id: 'bell-health', label: 'nav.bellHealth', visible: canSeeBellHealth, render: ({ live }) => <BellHealthView bells={live.bells} siteById={live.siteById} /> },
];
