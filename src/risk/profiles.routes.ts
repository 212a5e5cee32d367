/** Risk profiles API: list, show with versions, create, change, backtest, check an expression. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { newProfileSchema, profileChangeSchema, type RiskProfileService } from './profiles.service.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });

const profileSchema = z.object({
  id: z.number().int(),
  version: z.number().int(),
  name: z.string(),
  description: z.string(),
  owner: z.string(),
  expression: z.string(),
  weight: z.number(),
  action: z.enum(['score', 'select']),
  validFrom: z.iso.datetime().nullable(),
  validTo: z.iso.datetime().nullable(),
  active: z.boolean(),
  changedAt: z.iso.datetime(),
  changedBy: z.string(),
  changeReason: z.string().nullable(),
});

const backtestQuery = z.object({
  from: z.coerce.date(),
  to: z.coerce.date(),
  version: z.coerce.number().int().positive().optional(),
});

export function profileRoutes(profiles: RiskProfileService): RouteModule {
  return routeModule('profiles', [
    route('GET', '/v1/profiles', 'profiles:read')
      .summary('List risk profiles (current versions)')
      .response(z.array(profileSchema))
      .handle(() => profiles.list()),
    route('GET', '/v1/profiles/:id', 'profiles:read')
      .summary('One risk profile with every version, newest first')
      .params(idParams)
      .response(profileSchema.extend({ versions: z.array(profileSchema) }))
      .handle(({ params }) => profiles.show(params.id)),
    route('POST', '/v1/profiles', 'profiles:write')
      .summary('Create a risk profile', 'A bad expression answers 400 with details {position, reason}.')
      .body(newProfileSchema)
      .status(201)
      .response(profileSchema)
      .handle(({ actor, body }) => profiles.create(actor, body)),
    route('PATCH', '/v1/profiles/:id', 'profiles:write')
      .summary('Change a risk profile', 'Adds a version; `reason` is required and audited.')
      .params(idParams)
      .body(profileChangeSchema)
      .response(profileSchema)
      .handle(({ actor, params, body }) => profiles.update(actor, params.id, body)),
    route('GET', '/v1/profiles/:id/backtest', 'profiles:read')
      .summary(
        'What the profile would have selected in a window, and its hit rate on recorded outcomes',
        'Arrivals from `from` up to `to`, which is not included (unlike the statistics, whose `to` day is).',
      )
      .params(idParams)
      .query(backtestQuery)
      .handle(({ params, query }) => profiles.backtest(params.id, query)),
    route('POST', '/v1/profiles/check', 'profiles:read')
      .summary('Check an expression without saving it', 'Answers {ok} or {ok: false, position, reason}.')
      .body(z.object({ expression: z.string().max(4000) }))
      .handle(({ body }) => profiles.check(body.expression)),
  ]);
}
