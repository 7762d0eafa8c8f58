/** Floor plans with the bells placed on them (the OpenAPI paths of the managers' board too). An area of the process (api/area.ts). */
import { routesArea } from '../../area.ts';
import { placesOpenApiPaths } from './openapi.ts';
import { floorPlanRoutes } from './routes.ts';

export const floorPlansArea = routesArea('floor plans', { routes: floorPlanRoutes, openApiPaths: placesOpenApiPaths });
