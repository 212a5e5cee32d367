/** HTTP API of targeting: worklist, assessments, models, scanner capacities. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { MIN_SELECTION_REASON, type WorklistService } from './worklist.service.ts';

const locode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE such as BEANR');
const isoDate = z.iso.date();

export function riskRoutes(worklist: WorklistService): RouteModule {
  return routeModule('targeting', [
    route('GET', '/v1/worklist', 'worklist:read')
      .summary(
        'Containers selected for inspection at a port on a day',
        'Manual and mandatory selections first, then by score. Each item carries its score, profile hits, ' +
          'top feature contributions in plain words, model and profile versions and the reason for selection. ' +
          '`selection.overCapacity` counts selections beyond the scanner capacity: mandatory hits, and boxes held by earlier runs of the day.',
      )
      .query(z.object({ port: locode, date: isoDate }))
      .handle(({ query }) => worklist.worklist(query.port, query.date)),
    route('POST', '/v1/worklist/selections', 'holds:write')
      .summary(
        'Select a container of a port-day by hand, with a reason',
        'Its assessment of that day becomes a manual selection, kept by every later selection run whatever ' +
          'the capacity, and the box is held for a scan. Answers the worklist of the day. 404 when the ' +
          'container has no assessment there that day (place a manual hold instead); 409 when it is selected by hand already.',
      )
      .body(
        z.object({
          port: locode,
          date: isoDate,
          containerNumber: z.string().min(1).max(64),
          reason: z.string().trim().min(MIN_SELECTION_REASON).max(2000),
        }),
      )
      .status(201)
      .handle(({ body, actor }) => worklist.selectByHand(actor, body)),
    route('GET', '/v1/assessments/:id', 'assessments:read')
      .summary('One assessment with its explanation and reason')
      .params(z.object({ id: z.coerce.number().int().positive() }))
      .handle(({ params }) => worklist.assessment(params.id)),
    route('GET', '/v1/models', 'models:read')
      .summary('Model versions with training period, parameters, metrics and status, newest first')
      .handle(() => worklist.models()),
    route('POST', '/v1/models/:version/promote', 'models:write')
      .summary(
        'Promote a model to champion',
        'Refused (409) when it is worse than the champion on its time-based holdout, with the figures; ' +
          '`force` overrides, with a `reason` kept in the audit log.',
      )
      .params(z.object({ version: z.coerce.number().int().positive() }))
      .body(z.object({ force: z.boolean().optional(), reason: z.string().min(1).max(500).optional() }))
      .handle(({ params, body, actor }) =>
        worklist.promote(params.version, actor, {
          ...(body.force === undefined ? {} : { force: body.force }),
          ...(body.reason === undefined ? {} : { reason: body.reason }),
        }),
      ),
    route('GET', '/v1/capacities', 'worklist:read')
      .summary('Scanner capacity of each port (containers a day)')
      .handle(() => worklist.capacities()),
    route('PUT', '/v1/capacities/:port', 'capacities:manage')
      .summary('Set the scanner capacity of a port (containers a day); applies to the next selection runs')
      .params(z.object({ port: locode }))
      .body(z.object({ containersPerDay: z.number().int().min(0).max(1_000_000) }))
      .handle(({ params, body, actor }) => worklist.setCapacity(params.port, body.containersPerDay, actor)),
  ]);
}
