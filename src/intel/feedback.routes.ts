/** Feedback on alerts, and the statistics of seizures made thanks to partner intelligence. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import type { FeedbackService } from './feedback.ts';

export function feedbackRoutes(feedback: FeedbackService): RouteModule {
  return routeModule('intel', [
    route('GET', '/v1/intel/feedback', 'intel:read')
      .summary('Feedback on alerts: sent (our inspections of partner alerts) and received (partners on ours)')
      .query(
        z.object({
          alertId: z.coerce.number().int().positive().optional(),
          direction: z.enum(['sent', 'received']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      )
      .handle(({ query }) => feedback.list(query)),
    route('POST', '/v1/intel/feedback/:id/approve', 'intel:approve')
      .summary('Approve sending a feedback held for four-eyes approval')
      .params(z.object({ id: z.coerce.number().int().positive() }))
      .handle(({ actor, params }) => feedback.approve(actor, params.id)),
    route('GET', '/v1/stats/partner-intel', 'stats:read')
      .summary(
        "Seizures thanks to partner intelligence: here on partners' alerts, and at partners on ours (by their feedback)",
      )
      .query(z.object({ year: z.coerce.number().int().min(1900).max(2200).optional() }))
      .handle(({ query }) => feedback.partnerIntel(query.year)),
  ]);
}
