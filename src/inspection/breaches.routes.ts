/** HTTP API of barrier breaches (gate-outs of held containers). */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import type { BreachService } from './breaches.service.ts';

export function breachRoutes(breaches: BreachService): RouteModule {
  return routeModule('barrier breaches', [
    route('GET', '/v1/breaches', 'holds:read')
      .summary(
        'Barrier breaches, newest first',
        'A gate-out reported while the container was held. `acknowledged=false` lists the open ones.',
      )
      .query(
        z.object({
          port: z
            .string()
            .regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE such as BEANR')
            .optional(),
          acknowledged: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      )
      .handle(({ query }) => breaches.list(query)),
    route('POST', '/v1/breaches/:id/acknowledge', 'holds:write')
      .summary('Acknowledge a barrier breach with a note on what was done')
      .params(z.object({ id: z.coerce.number().int().positive() }))
      .body(z.object({ note: z.string().trim().min(1).max(2000) }))
      .handle(({ params, body, actor }) => breaches.acknowledge(actor, params.id, body.note)),
  ]);
}
