/** The managers' board: open incidents with their escalation, and the history with response times. An area of the process (api/area.ts). */
import { routesArea } from '../../area.ts';
import { managerRoutes } from './routes.ts';

export const managersArea = routesArea('managers', { routes: managerRoutes });
