/** Aftercare: counselling, leave, transfers and claims for the people harmed (need-to-know, audited). An area of the process (api/area.ts). */
import { routesArea } from '../../area.ts';
import { aftercareOpenApiPaths } from './openapi.ts';
import { aftercareRoutes } from './routes.ts';

export const aftercareArea = routesArea('aftercare', { routes: aftercareRoutes, openApiPaths: aftercareOpenApiPaths });
