/** HTTP API of holds (manual holds, the list, one hold's story) and their two-officer overrides. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { type HoldsService, MIN_HOLD_REASON, MIN_OVERRIDE_REASON } from './holds.service.ts';

const id = z.coerce.number().int().positive();
const locode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE such as BEANR');

export function holdRoutes(holds: HoldsService): RouteModule {
  return routeModule('holds', [
    route('POST', '/v1/holds', 'holds:write')
      .summary(
        'Place a manual hold on a container',
        'The gate answers HOLD until the required inspections are complete (or an override is approved). ' +
          'A container Tandem has not seen yet is registered. 409 when it is already held.',
      )
      .body(
        z.object({
          containerNumber: z.string().min(1).max(64),
          port: locode,
          /** Any order; every held box is scanned, so `scan` must be among them. */
          required: z
            .array(z.enum(['scan', 'physical']))
            .min(1)
            .max(2),
          reason: z.string().trim().min(MIN_HOLD_REASON).max(2000),
        }),
      )
      .status(201)
      .handle(({ body, actor }) => holds.place(actor, body)),
    route('GET', '/v1/holds', 'holds:read')
      .summary('Holds, newest first', 'Filter by port, status and container; page with `before` (an id).')
      .query(
        z.object({
          port: locode.optional(),
          status: z.enum(['active', 'released', 'overridden']).optional(),
          container: z.string().max(64).optional(),
          before: id.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(50),
        }),
      )
      .handle(({ query }) => holds.list(query)),
    route('GET', '/v1/holds/:id', 'holds:read')
      .summary(
        'One hold with its inspections, the findings that keep it, overrides, recent gate questions and breaches',
      )
      .params(z.object({ id }))
      .handle(({ params }) => holds.show(params.id)),
    route('POST', '/v1/holds/:id/requirements', 'holds:write')
      .summary(
        'Add a physical inspection to an active hold that requires only the scan',
        "It is queued with the hold's risk and deadline; audited hold.requirement_added with the reason. 409 when the hold is no longer active or requires it already.",
      )
      .params(z.object({ id }))
      .body(
        z.object({ kind: z.literal('physical'), reason: z.string().trim().min(MIN_HOLD_REASON).max(2000) }),
      )
      .status(201)
      .handle(({ params, body, actor }) => holds.requirePhysical(actor, params.id, body.reason)),
    route('POST', '/v1/holds/:id/overrides', 'holds:override')
      .summary(
        'Request the override of a hold',
        `A written reason of at least ${MIN_OVERRIDE_REASON} characters; a different officer must approve it.`,
      )
      .params(z.object({ id }))
      .body(z.object({ reason: z.string().trim().min(MIN_OVERRIDE_REASON).max(2000) }))
      .status(201)
      .handle(({ params, body, actor }) => holds.requestOverride(actor, params.id, body.reason)),
    route('POST', '/v1/holds/:id/overrides/:overrideId/approve', 'holds:override')
      .summary(
        'Approve an override: the hold is lifted (status overridden)',
        'Refused (409) to the officer who requested it. Unstarted inspections are cancelled.',
      )
      .params(z.object({ id, overrideId: id }))
      .body(z.object({ note: z.string().trim().min(1).max(2000) }))
      .handle(({ params, body, actor }) =>
        holds.approveOverride(actor, params.id, params.overrideId, body.note),
      ),
    route('POST', '/v1/holds/:id/overrides/:overrideId/reject', 'holds:override')
      .summary('Reject an override: the hold stays', 'Refused (409) to the officer who requested it.')
      .params(z.object({ id, overrideId: id }))
      .body(z.object({ note: z.string().trim().min(1).max(2000) }))
      .handle(({ params, body, actor }) =>
        holds.rejectOverride(actor, params.id, params.overrideId, body.note),
      ),
  ]);
}
