/** HTTP API of the inspection workflow: scanners and their queues, inspections, readings, attachments. */
import { z } from 'zod';
import { fileAnswer, type RouteModule, route, routeModule } from '../api/route-kit.ts';
import { type AttachmentService, attachmentQuerySchema } from './attachments.service.ts';
import {
  assignInputSchema,
  completeInputSchema,
  type InspectionService,
  inspectionFilterSchema,
} from './inspections.service.ts';
import { type ReadingService, readingInputSchema } from './readings.service.ts';
import {
  type ScannerService,
  scannerCodeSchema,
  scannerInputSchema,
  scannerPatchSchema,
} from './scanners.service.ts';

export interface InspectionServices {
  scanners: ScannerService;
  inspections: InspectionService;
  readings: ReadingService;
  attachments: AttachmentService;
}

/** Media types an attachment upload may declare; what the file is is recognised from its bytes. */
export const ATTACHMENT_UPLOAD_TYPES = ['application/octet-stream', 'image/*', 'application/pdf'];

const id = z.object({ id: z.coerce.number().int().positive() });
const code = z.object({ code: scannerCodeSchema });

export function inspectionRoutes(
  s: InspectionServices,
  options: { attachmentMaxBytes: number },
): RouteModule {
  return routeModule('inspections', [
    route('POST', '/v1/scanners', 'scanners:manage')
      .summary('Add a scanner at a port, with its capacity (boxes per hour)')
      .body(scannerInputSchema)
      .status(201)
      .handle(({ body, actor }) => s.scanners.add(actor, body)),
    route('PATCH', '/v1/scanners/:code', 'scanners:manage')
      .summary('Change a scanner: port, name, capacity per hour, in or out of service')
      .params(code)
      .body(scannerPatchSchema)
      .handle(({ params, body, actor }) => s.scanners.update(actor, params.code, body)),
    route('GET', '/v1/scanners', 'inspections:read')
      .summary('Scanners by port')
      .query(z.object({ port: z.string().optional() }))
      .handle(({ query }) => s.scanners.list(query.port)),
    route('GET', '/v1/scanners/:code/queue', 'inspections:read')
      .summary(
        'The scan queue of a scanner',
        'The box on the scanner now, then the waiting scans of its port (queued, or assigned to this scanner): ' +
          'riskiest first, except that a box goes ahead of riskier ones when waiting would make it miss its deadline ' +
          '(vessel departure or end of dwell); boxes that cannot make their deadline come last. Each item has its ' +
          'position, estimated start and end at the scanner capacity, `willMissDeadline` and `placedBy`. See docs/inspections.md.',
      )
      .params(code)
      .handle(({ params }) => s.inspections.scanQueue(params.code)),
    route('GET', '/v1/inspections', 'inspections:read')
      .summary('Inspections by port, kind, status or container; the most urgent first')
      .query(inspectionFilterSchema)
      .handle(({ query }) => s.inspections.list(query)),
    route('GET', '/v1/inspections/:id', 'inspections:read')
      .summary('One inspection with its hold, its readings and its attachments')
      .params(id)
      .handle(({ params }) => s.inspections.get(params.id)),
    route('POST', '/v1/inspections/:id/assign', 'inspections:write')
      .summary(
        'Assign a queued inspection to a scanner (scans) and/or an inspector; 409 with the current state otherwise',
      )
      .params(id)
      .body(assignInputSchema)
      .handle(({ params, body, actor }) => s.inspections.assign(actor, params.id, body)),
    route('POST', '/v1/inspections/:id/start', 'inspections:write')
      .summary('Start an assigned inspection; 409 with the current state otherwise')
      .params(id)
      .handle(({ params, actor }) => s.inspections.start(actor, params.id)),
    route('POST', '/v1/inspections/:id/complete', 'inspections:write')
      .summary(
        'Complete an inspection in progress with its verdict',
        'A scan anomaly (with `anomalyRegion`: where in the container) refers the box to a physical inspection. ' +
          'A physical inspection cannot be completed before its hold’s scan. The hold is released when every ' +
          'inspection it requires is complete (`hold.result`).',
      )
      .params(id)
      .body(completeInputSchema)
      .handle(({ params, body, actor }) => s.inspections.complete(actor, params.id, body)),
    route('POST', '/v1/inspections/:id/readings', 'inspections:write')
      .summary(
        'Record a detection reading on a physical inspection (in progress or completed)',
        'A laboratory reading may confirm an earlier field reading of the same sample (`confirmsReadingId`), ' +
          'also after the inspection is completed.',
      )
      .params(id)
      .body(readingInputSchema)
      .status(201)
      .handle(({ params, body, actor }) => s.readings.record(actor, params.id, body)),
    route('POST', '/v1/inspections/:id/attachments', 'inspections:write')
      .summary(
        'Attach a file to an inspection: the raw file as the body',
        'Kinds: scan_image, uff (WCO UFF: HDF5, or a ZIP named .uff), document (PDF) on scans; photo and document on ' +
          'physical inspections. The file is recognised from its bytes and stored once by its SHA-256; the same ' +
          'file again on the same inspection answers the existing attachment (`duplicate: true`).',
      )
      .params(id)
      .query(attachmentQuerySchema)
      .bytesBody({ maxBytes: options.attachmentMaxBytes, mediaTypes: ATTACHMENT_UPLOAD_TYPES })
      .status(201)
      .handle(({ params, query, body, actor }) =>
        s.attachments.addToInspection(actor, params.id, {
          kind: query.kind,
          fileName: query.fileName,
          bytes: body.bytes,
        }),
      ),
    route('GET', '/v1/attachments/:id', 'inspections:read')
      .summary('An attachment: kind, file name, media type, size, SHA-256')
      .params(id)
      .handle(({ params }) => s.attachments.get(params.id)),
    route('GET', '/v1/attachments/:id/content', 'inspections:read')
      .summary('The bytes of an attachment, with its media type')
      .params(id)
      .handle(async ({ params }) => {
        const file = await s.attachments.content(params.id);
        return fileAnswer(file.bytes, file.mediaType, file.fileName);
      }),
  ]);
}
