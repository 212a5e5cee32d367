/** Joint operations API: create, approve a held share, adopt a received one, cancel, list, one with its live tallies. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { type JointOperationService, operationInputSchema } from './joint-operations.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });

export function jointOperationRoutes(operations: JointOperationService): RouteModule {
  return routeModule('intel', [
    route('GET', '/v1/joint-operations', 'intel:read')
      .summary('List joint operations (led here or by a partner), newest first')
      .query(z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }))
      .handle(({ query }) => operations.list(query)),
    route('GET', '/v1/joint-operations/:id', 'intel:read')
      .summary("One joint operation with each participant's live tally")
      .params(idParams)
      .handle(({ params }) => operations.get(params.id)),
    route('POST', '/v1/joint-operations', 'operations:manage')
      .summary('Create a joint operation led by this instance; participants install its risk profile')
      .body(operationInputSchema)
      .status(201)
      .handle(({ actor, body }) => operations.create(actor, body)),
    route('POST', '/v1/joint-operations/:id/approve', 'intel:approve')
      .summary(
        "Release the operation's shares held for four-eyes approval (by someone other than its author)",
      )
      .params(idParams)
      .handle(({ actor, params }) => operations.approve(actor, params.id)),
    route('POST', '/v1/joint-operations/:id/adopt', 'operations:manage')
      .summary(
        'Adopt the current version of an operation received from a partner: its profile selects here',
        'A received operation installs its profile inactive until adopted; each new version the lead sends is adopted again.',
      )
      .params(idParams)
      .handle(({ actor, params }) => operations.adopt(actor, params.id)),
    route('DELETE', '/v1/joint-operations/:id', 'operations:manage')
      .summary('Cancel a joint operation led by this instance; participants deactivate its profile')
      .params(idParams)
      .query(z.object({ reason: z.string().max(500).optional() }))
      .handle(({ actor, params, query }) => operations.cancel(actor, params.id, query.reason)),
  ]);
}
