/**
 * Evidence files of inspections: scan images, WCO UFF files, documents, photos of a physical
 * inspection. A file is recognised from its bytes (blobs.ts), stored once by its SHA-256 however
 * often it is filed, and the same file filed again on the same inspection is the same attachment
 * (a repeated upload changes nothing).
 */
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { AttachmentKind, InspectionType } from '../db/tables/inspection.ts';
import { errors } from '../errors.ts';
import {
  type AttachmentRow,
  attachmentsOfInspection,
  findAttachment,
  findSameAttachment,
  insertAttachment,
} from './attachments.repo.ts';
import { checkAttachment, readBlob, storeBlob } from './blobs.ts';
import { findInspection } from './inspections.repo.ts';

/** What each kind of inspection may file. */
export const inspectionAttachmentKinds: Readonly<Record<InspectionType, readonly AttachmentKind[]>> = {
  scan: ['scan_image', 'uff', 'document'],
  physical: ['photo', 'document'],
};

export const attachmentQuerySchema = z.object({
  kind: z.enum(['scan_image', 'uff', 'document', 'photo']),
  fileName: z
    .string()
    .trim()
    .min(1)
    .max(255)
    .regex(/^[^/\\\0]+$/, 'a file name without a folder')
    .optional(),
});

export interface Attachment {
  id: number;
  sha256: string;
  kind: AttachmentKind;
  fileName: string | null;
  mediaType: string;
  byteSize: number;
  inspectionId: number | null;
  seizureId: number | null;
  uploadedBy: string;
  uploadedAt: string;
  /** Where the bytes are served. */
  contentUrl: string;
}

export function presentAttachment(row: AttachmentRow): Attachment {
  return {
    id: row.id,
    sha256: row.sha256,
    kind: row.kind,
    fileName: row.file_name,
    mediaType: row.media_type,
    byteSize: row.byte_size,
    inspectionId: row.inspection_id,
    seizureId: row.seizure_id,
    uploadedBy: row.uploaded_by,
    uploadedAt: row.uploaded_at.toISOString(),
    contentUrl: `/v1/attachments/${row.id}/content`,
  };
}

export interface AttachmentUpload {
  kind: AttachmentKind;
  fileName?: string | undefined;
  bytes: Uint8Array;
}

export class AttachmentService {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Files `bytes` on an inspection that has started (or is completed). Answers the attachment and
   * whether it was already filed (`duplicate`).
   */
  async addToInspection(
    actor: string,
    inspectionId: number,
    upload: AttachmentUpload,
  ): Promise<{ attachment: Attachment; duplicate: boolean }> {
    const file = checkAttachment(upload.bytes, upload.kind, upload.fileName ?? '');
    return this.db.transaction().execute(async (trx) => {
      const inspection = await findInspection(trx, inspectionId, true);
      if (!inspection) throw errors.notFound('inspection', String(inspectionId));
      const allowed = inspectionAttachmentKinds[inspection.kind];
      if (!allowed.includes(upload.kind))
        throw errors.validation(
          `a ${inspection.kind} inspection files ${allowed.join(', ')}, not ${upload.kind}`,
          { field: 'kind', value: upload.kind, allowed },
        );
      if (inspection.status !== 'in_progress' && inspection.status !== 'completed')
        throw errors.conflict(
          `inspection ${inspectionId} is ${inspection.status}: files are attached once it has started`,
          { inspectionId, currentState: inspection.status },
        );
      const sha256 = await storeBlob(trx, upload.bytes);
      const same = await findSameAttachment(trx, inspectionId, sha256, upload.kind);
      if (same) return { attachment: presentAttachment(same), duplicate: true };
      const row = await insertAttachment(trx, {
        sha256,
        kind: upload.kind,
        file_name: upload.fileName ?? null,
        media_type: file.mediaType,
        byte_size: upload.bytes.length,
        inspection_id: inspectionId,
        uploaded_by: actor,
      });
      await writeAudit(trx, {
        actor,
        action: 'attachment.added',
        entityType: 'inspection',
        entityId: inspectionId,
        details: {
          attachmentId: row.id,
          sha256,
          kind: row.kind,
          format: file.format,
          fileName: row.file_name,
          byteSize: row.byte_size,
        },
      });
      return { attachment: presentAttachment(row), duplicate: false };
    });
  }

  async get(id: number): Promise<Attachment> {
    const row = await findAttachment(this.db, id);
    if (!row) throw errors.notFound('attachment', String(id));
    return presentAttachment(row);
  }

  /** The stored bytes of an attachment, with its media type and file name. */
  async content(id: number): Promise<{ bytes: Uint8Array; mediaType: string; fileName: string }> {
    const row = await findAttachment(this.db, id);
    if (!row) throw errors.notFound('attachment', String(id));
    const bytes = await readBlob(this.db, row.sha256);
    if (!bytes) throw errors.internal(`attachment ${id}: the stored file ${row.sha256} is missing`);
    return { bytes, mediaType: row.media_type, fileName: row.file_name ?? `attachment-${id}` };
  }

  async listOfInspection(inspectionId: number): Promise<Attachment[]> {
    return (await attachmentsOfInspection(this.db, inspectionId)).map(presentAttachment);
  }
}
