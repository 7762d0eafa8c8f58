/** Administration of sites, counters, bells and people (audited). An area of the process (api/area.ts). */
import { routesArea } from '../../area.ts';
import { adminOpenApiPaths } from './openapi.ts';
import { adminRoutes } from './routes.ts';

export const adminArea = routesArea('administration', { routes: adminRoutes, openApiPaths: adminOpenApiPaths });
