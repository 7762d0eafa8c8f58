/** Drills as an area of the process (api/area.ts): routing presses at the edge, the service, its routes and paths. */
import type { Area } from '../api/area.ts';
import { drillRoutes } from './http/routes.ts';
import { drillsOpenApiPaths } from './openapi.ts';
import { DrillRouting } from './routing.ts';
import { DrillService } from './service.ts';

export const drillsArea: Area = {
  name: 'drills',
  openApiPaths: drillsOpenApiPaths,
  open: (bus) => {
    const routing = new DrillRouting(bus);
    return {
      drillMode: routing,
      attach: (services) => {
        const drills = new DrillService({ ...services, routing, logger: services.logger.child({ part: 'drills' }) });
        return {
          routes: (ctx) => drillRoutes(ctx, drills),
          start: () => drills.start(),
          stop: () => drills.stop(),
        };
      },
    };
  },
};
