/** Modus-operandi reports API: create, change, photos, withdraw, approve a share, list, read. */
import { z } from 'zod';
import { fileAnswer, type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { concealmentSchema, MAX_PHOTO_BYTES } from '../federation/object-wire.ts';
import { type MoReportService, moContentSchema, moPatchSchema } from './mo-reports.ts';

const idParams = z.object({ id: z.coerce.number().int().positive() });
const photoParams = idParams.extend({ position: z.coerce.number().int().positive() });

export function moReportRoutes(reports: MoReportService): RouteModule {
  return routeModule('intel', [
    route('GET', '/v1/mo-reports', 'intel:read')
      .summary('List modus-operandi reports, local and received, newest first')
      .query(
        z.object({
          status: z.enum(['active', 'withdrawn']).optional(),
          origin: z.enum(['local', 'partner']).optional(),
          concealment: concealmentSchema.optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
      )
      .handle(({ query }) => reports.list(query)),
    route('GET', '/v1/mo-reports/:id', 'intel:read')
      .summary('One modus-operandi report, with its photos (hash, type, size, where to get the bytes)')
      .params(idParams)
      .handle(({ params }) => reports.get(params.id)),
    route('GET', '/v1/mo-reports/:id/photos/:position', 'intel:read')
      .summary('The bytes of a photo of a report')
      .params(photoParams)
      .handle(async ({ params }) => {
        const p = await reports.photo(params.id, params.position);
        return fileAnswer(p.bytes, p.mediaType, p.fileName);
      }),
    route('POST', '/v1/mo-reports', 'intel:write')
      .summary(
        'Create a modus-operandi report; the answer says what the sharing policy queued for each partner',
      )
      .body(moContentSchema)
      .status(201)
      .handle(({ actor, body }) => reports.create(actor, body)),
    route('PATCH', '/v1/mo-reports/:id', 'intel:write')
      .summary('Change a report (a new version, shared again under the policy)')
      .params(idParams)
      .body(moPatchSchema)
      .handle(({ actor, params, body }) => reports.update(actor, params.id, body)),
    route('POST', '/v1/mo-reports/:id/photos', 'intel:write')
      .summary(`Add a photo (JPEG, PNG or TIFF as the body, at most ${MAX_PHOTO_BYTES} bytes): a new version`)
      .params(idParams)
      .query(z.object({ caption: z.string().max(500).optional() }))
      .bytesBody({ maxBytes: MAX_PHOTO_BYTES, mediaTypes: ['image/*', 'application/octet-stream'] })
      .status(201)
      .handle(({ actor, params, query, body }) =>
        reports.addPhoto(actor, params.id, body.bytes, query.caption ?? null),
      ),
    route('DELETE', '/v1/mo-reports/:id/photos/:position', 'intel:write')
      .summary('Remove a photo from a report: a new version')
      .params(photoParams)
      .handle(({ actor, params }) => reports.removePhoto(actor, params.id, params.position)),
    route('DELETE', '/v1/mo-reports/:id', 'intel:write')
      .summary('Withdraw a report; partners that received it are told')
      .params(idParams)
      .query(z.object({ reason: z.string().max(500).optional() }))
      .handle(({ actor, params, query }) => reports.withdraw(actor, params.id, query.reason)),
    route('POST', '/v1/mo-reports/:id/approve', 'intel:approve')
      .summary(
        'Approve the shares of a report held for four-eyes approval (by someone other than the author)',
      )
      .params(idParams)
      .handle(({ actor, params }) => reports.approve(actor, params.id)),
  ]);
}
