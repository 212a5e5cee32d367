/** Joint statistics: the combined seizure figures of this instance and its agreeing partners. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import type { JointStatsService } from './joint-stats.ts';

export function jointStatsRoutes(stats: JointStatsService): RouteModule {
  return routeModule('intel', [
    route('GET', '/v1/stats/joint', 'stats:read')
      .summary(
        "Joint seizure figures of a year (by month, substance, port) with each agency's part and when each partner's figures arrived",
      )
      .query(
        z.object({
          year: z.coerce
            .number()
            .int()
            .min(1900)
            .max(2200)
            .default(() => new Date().getUTCFullYear()),
        }),
      )
      .handle(({ query }) => stats.show(query.year)),
    route('POST', '/v1/stats/joint/send', 'partners:manage')
      .summary(
        "Send this instance's aggregated seizure figures now to every partner with a statistics agreement",
      )
      .query(z.object({ force: z.enum(['true', 'false']).default('false') }))
      .handle(({ actor, query }) => stats.share(actor, query.force === 'true')),
  ]);
}
