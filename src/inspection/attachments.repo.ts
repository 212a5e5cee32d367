/** SQL of the attachments table (the bytes live in blobs, see blobs.ts). */
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AttachmentKind, AttachmentsTable } from '../db/tables/inspection.ts';

export type AttachmentRow = Selectable<AttachmentsTable>;

type Reader = Kysely<DB> | Transaction<DB>;

export async function insertAttachment(
  trx: Transaction<DB>,
  values: Insertable<AttachmentsTable>,
): Promise<AttachmentRow> {
  return trx.insertInto('attachments').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findAttachment(db: Reader, id: number): Promise<AttachmentRow | undefined> {
  return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The attachment of the same file and kind already filed on an inspection (a repeated upload). */
export async function findSameAttachment(
  db: Reader,
  inspectionId: number,
  sha256: string,
  kind: AttachmentKind,
): Promise<AttachmentRow | undefined> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('inspection_id', '=', inspectionId)
    .where('sha256', '=', sha256)
    .where('kind', '=', kind)
    .executeTakeFirst();
}

export async function attachmentsOfInspection(db: Reader, inspectionId: number): Promise<AttachmentRow[]> {
  return db
    .selectFrom('attachments')
    .selectAll()
    .where('inspection_id', '=', inspectionId)
    .orderBy('id')
    .execute();
}
