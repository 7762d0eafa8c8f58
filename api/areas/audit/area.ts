/** The audit log, for auditors. An area of the process (api/area.ts). */
import { routesArea } from '../../area.ts';
import { auditRoutes } from './routes.ts';

export const auditArea = routesArea('audit', { routes: auditRoutes });
