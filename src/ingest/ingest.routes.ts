/** HTTP API of the ingest capability: submit files, read consignments, containers and quarantine. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import type { CargoService } from './cargo.service.ts';

const locode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE such as BEANR');

const consignmentQuery = z.object({
  port: locode.optional(),
  transportDocumentNumber: z.string().min(1).optional(),
  containerNumber: z.string().min(1).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const quarantineQuery = z.object({
  file: z.string().optional(),
  code: z.string().optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

const summary = z.object({
  file: z.string(),
  format: z.enum(['edifact', 'csv', 'json']),
  accepted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  quarantined: z.number(),
  warnings: z.number(),
});

export function ingestRoutes(cargo: CargoService): RouteModule {
  return routeModule('ingest', [
    route('POST', '/v1/ingest', 'ingest:write')
      .summary(
        'Submit a manifest or container-event file',
        'Body: raw EDIFACT (application/edifact or text/plain), CSV (text/csv) or JSON / JSON Lines ' +
          '(application/json). The format is detected when the media type does not say it. Idempotent: the same ' +
          'content twice changes nothing. Rejected records go to the quarantine; the answer counts them. ' +
          'Optional header X-File-Name names the upload in summaries and quarantine.',
      )
      .rawBody()
      .response(summary)
      .handle(({ body, actor, request }) => {
        const name = request.headers['x-file-name'];
        return cargo.ingestStream(
          body.stream,
          body.contentType,
          actor,
          typeof name === 'string' ? name : undefined,
        );
      }),
    route('GET', '/v1/consignments', 'consignments:read')
      .summary('List consignments, newest first, with parties, goods and containers')
      .query(consignmentQuery)
      .handle(async ({ query }) => {
        const items = await cargo.listConsignments(query);
        return { items, next: items.length === query.limit ? items[items.length - 1]?.id : null };
      }),
    route('GET', '/v1/containers/:number', 'containers:read')
      .summary('One container with its consignments and movement events')
      .params(z.object({ number: z.string().min(1).max(20) }))
      .handle(({ params }) => cargo.container(params.number)),
    route('GET', '/v1/quarantine', 'quarantine:read')
      .summary('Rejected ingest records with file, position, field, value and reason, newest first')
      .query(quarantineQuery)
      .handle(async ({ query }) => {
        const items = await cargo.quarantine(query);
        return { items, next: items.length === query.limit ? items[items.length - 1]?.id : null };
      }),
  ]);
}
