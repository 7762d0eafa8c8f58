/** Statistics, the Excel export and the import of past incidents. An area of the process (api/area.ts). */
import { routesArea } from '../../area.ts';
import { statisticsOpenApiPaths } from './openapi.ts';
import { statisticsRoutes } from './routes.ts';

export const statisticsArea = routesArea('statistics', { routes: statisticsRoutes, openApiPaths: statisticsOpenApiPaths });
