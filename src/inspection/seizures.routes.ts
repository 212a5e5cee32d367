/** HTTP API of seizures, their photos, evidence items and chain of custody. */
import { z } from 'zod';
import { type RouteModule, route, routeModule } from '../api/route-kit.ts';
import type { SeizureService } from './seizures.service.ts';

const locode = z.string().regex(/^[A-Z]{2}[A-Z2-9]{3}$/, 'a UN/LOCODE such as BEANR');
const id = z.object({ id: z.coerce.number().int().positive() });
const text = (max: number) => z.string().trim().min(1).max(max);

export const SUBSTANCES = [
  'cocaine',
  'cannabis',
  'heroin',
  'synthetic_drugs',
  'precursors',
  'other',
] as const;
export const CONCEALMENTS = [
  'rip_on_rip_off',
  'reefer_unit',
  'container_structure',
  'cover_load',
  'dissolved_impregnated',
  'other',
] as const;
export const DETECTION_SOURCES = [
  'profile',
  'model',
  'random',
  'partner_intelligence',
  'tracking_anomaly',
  'joint_operation',
  'manual',
] as const;

const evidenceInput = z.object({
  label: text(100),
  description: text(2000),
  holder: text(200),
  location: text(200).optional(),
});

const seizureInput = z
  .object({
    inspectionId: z.number().int().positive().optional(),
    containerNumber: z
      .string()
      .regex(/^[A-Z]{4}\d{7}$/, 'an ISO 6346 container number such as MSCU1234565')
      .optional(),
    port: locode.optional(),
    seizedAt: z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
    substance: z.enum(SUBSTANCES),
    substanceDetail: text(500).optional(),
    netMassKg: z.number().positive().max(1_000_000),
    grossMassKg: z.number().positive().max(1_000_000).optional(),
    packages: z.number().int().min(0).max(1_000_000).optional(),
    concealment: z.enum(CONCEALMENTS),
    placeInContainer: text(500),
    detectionSource: z.enum(DETECTION_SOURCES).optional(),
    notes: text(10_000).optional(),
    evidence: z.array(evidenceInput).max(200).optional(),
  })
  .refine((s) => s.inspectionId !== undefined || (s.containerNumber !== undefined && s.port !== undefined), {
    message: 'name the inspection (inspectionId), or the container (containerNumber) and the port',
  });

const custodyInput = z.object({
  action: z.enum(['transfer', 'sampled', 'laboratory', 'returned', 'destroyed']),
  toHolder: text(200),
  location: text(200),
  reason: text(2000),
});

/** Photos: the image types a camera or phone produces (the bytes are checked, not the header). */
const PHOTO_TYPES = ['image/*', 'application/octet-stream'];

export function seizureRoutes(seizures: SeizureService, options: { photoMaxBytes: number }): RouteModule {
  return routeModule('seizures', [
    route('POST', '/v1/seizures', 'seizures:write')
      .summary(
        'Record a seizure',
        'Name the inspection, or the container and port. The hold, consignment and origin country are ' +
          'found from them; the detection source defaults from why the container was held ' +
          '(mandatory profile → profile, risk → model, exploration → random, manual → manual, partner alert → ' +
          'partner_intelligence; no hold → manual). Each evidence item starts its chain of custody with "seized". ' +
          'The answer carries the reference (PORT-YEAR-SEQUENCE).',
      )
      .body(seizureInput)
      .status(201)
      .handle(({ body, actor }) => seizures.record(body, actor)),
    route('GET', '/v1/seizures', 'seizures:read')
      .summary('Seizures of a period (days inclusive, UTC) and port, newest first, at most 1,000')
      .query(
        z.object({ port: locode.optional(), from: z.iso.date().optional(), to: z.iso.date().optional() }),
      )
      .handle(({ query }) => seizures.list(query)),
    route('GET', '/v1/seizures/:id', 'seizures:read')
      .summary('One seizure with its evidence items and photos')
      .params(id)
      .handle(({ params }) => seizures.get(params.id)),
    route('POST', '/v1/seizures/:id/photos', 'seizures:write')
      .summary(
        'Add a photo to a seizure',
        'The body is the image (JPEG, PNG, TIFF), recognised from its bytes; `fileName` names it. ' +
          'The bytes are served by GET /v1/attachments/{id}/content.',
      )
      .params(id)
      .query(z.object({ fileName: text(255).optional() }))
      .bytesBody({ maxBytes: options.photoMaxBytes, mediaTypes: PHOTO_TYPES })
      .status(201)
      .handle(({ params, query, body, actor }) =>
        seizures.addPhoto(params.id, body.bytes, query.fileName, actor),
      ),
    route('POST', '/v1/seizures/:id/evidence', 'seizures:write')
      .summary('Add an evidence item to a seizure; its chain of custody starts with "seized"')
      .params(id)
      .body(evidenceInput)
      .status(201)
      .handle(({ params, body, actor }) => seizures.addEvidence(params.id, body, actor)),
    route('GET', '/v1/evidence/:id/custody', 'seizures:read')
      .summary('An evidence item with its chain of custody, oldest entry first')
      .params(id)
      .handle(({ params }) => seizures.evidence(params.id)),
    route('POST', '/v1/evidence/:id/custody', 'seizures:write')
      .summary(
        'Append a custody step to an evidence item',
        'transfer (to another holder), sampled, laboratory, returned, destroyed. Each step is appended to the ' +
          "item's hash-chained log and to the audit log in one transaction; after returned or destroyed the chain is closed (409).",
      )
      .params(id)
      .body(custodyInput)
      .status(201)
      .handle(({ params, body, actor }) => seizures.custodyStep(params.id, body, actor)),
  ]);
}
