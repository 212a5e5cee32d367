/** Intelligence API: alerts (create, change, withdraw, approve a share, list) and correlation hits. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { alertContentSchema, alertPatchSchema } from './alert.ts';
import type { AlertService } from './alerts.service.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });

export function alertRoutes(alerts: AlertService): RouteModule {
  return routeModule('intel', [
    route('GET', '/v1/alerts', 'intel:read')
      .summary('List alerts, local and received, newest first')
      .query(
        z.object({
          status: z.enum(['active', 'withdrawn']).optional(),
          origin: z.enum(['local', 'partner']).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      )
      .handle(({ query }) => alerts.list(query)),
    route('GET', '/v1/alerts/:id', 'intel:read')
      .summary('One alert')
      .params(idParams)
      .handle(({ params }) => alerts.get(params.id)),
    route('POST', '/v1/alerts', 'intel:write')
      .summary('Create an alert; the answer says what the sharing policy queued for each partner')
      .body(alertContentSchema)
      .status(201)
      .handle(({ actor, body }) => alerts.create(actor, body)),
    route('PATCH', '/v1/alerts/:id', 'intel:write')
      .summary('Change an alert (a new version, shared again under the policy)')
      .params(idParams)
      .body(alertPatchSchema)
      .handle(({ actor, params, body }) => alerts.update(actor, params.id, body)),
    route('DELETE', '/v1/alerts/:id', 'intel:write')
      .summary('Withdraw an alert; partners that received it are told')
      .params(idParams)
      .query(z.object({ reason: z.string().max(500).optional() }))
      .handle(({ actor, params, query }) => alerts.withdraw(actor, params.id, query.reason)),
    route('POST', '/v1/alerts/:id/approve', 'intel:approve')
      .summary('Approve the shares held for four-eyes approval (by someone other than the author)')
      .params(idParams)
      .handle(({ actor, params }) => alerts.approve(actor, params.id)),
    route('GET', '/v1/intel/hits', 'intel:read')
      .summary('Correlation hits of partner alerts on local cargo, newest first')
      .query(
        z.object({
          alertId: z.coerce.number().int().positive().optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      )
      .handle(({ query }) => alerts.hits(query)),
  ]);
}
