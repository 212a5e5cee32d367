/**
 * Files kept as evidence (scan images, WCO UFF files, photos), stored once by their SHA-256 in
 * the database, so they live and are backed up with the records that cite them, on the embedded
 * database and on the server alike. The kind of a file is recognised from its first bytes, not
 * trusted from the name or the declared media type.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { AttachmentKind } from '../db/tables/inspection.ts';
import { errors } from '../errors.ts';

export interface RecognisedFile {
  mediaType: string;
  /** What the bytes are: an image, a WCO UFF file (HDF5 or ZIP container), a PDF. */
  format: 'jpeg' | 'png' | 'tiff' | 'dicom' | 'uff-hdf5' | 'uff-zip' | 'pdf';
}

const startsWith = (b: Uint8Array, sig: readonly number[], at = 0): boolean =>
  b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

/** Recognises a file from its signature; undefined when it is none of the accepted formats. */
export function recogniseFile(bytes: Uint8Array, fileName = ''): RecognisedFile | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { mediaType: 'image/jpeg', format: 'jpeg' };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'image/png', format: 'png' };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return { mediaType: 'image/tiff', format: 'tiff' };
  if (startsWith(bytes, [0x44, 0x49, 0x43, 0x4d], 128))
    return { mediaType: 'application/dicom', format: 'dicom' };
  // WCO UFF 2.x files are HDF5 containers; UFF 1.x packages are ZIP archives named .uff.
  if (startsWith(bytes, [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { mediaType: 'application/x-hdf5', format: 'uff-hdf5' };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && /\.uff$/i.test(fileName))
    return { mediaType: 'application/zip', format: 'uff-zip' };
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]))
    return { mediaType: 'application/pdf', format: 'pdf' };
  return undefined;
}

/** The attachment kinds a recognised format may be filed as. */
export function allowedKinds(format: RecognisedFile['format']): AttachmentKind[] {
  switch (format) {
    case 'uff-hdf5':
    case 'uff-zip':
      return ['uff'];
    case 'pdf':
      return ['document'];
    default:
      return ['scan_image', 'photo'];
  }
}

/**
 * Checks that `bytes` may be filed as `kind`; throws a validation error that says what the file
 * looks like and what is accepted.
 */
export function checkAttachment(bytes: Uint8Array, kind: AttachmentKind, fileName = ''): RecognisedFile {
  if (bytes.length === 0) throw errors.validation('the file is empty');
  const file = recogniseFile(bytes, fileName);
  if (!file) {
    throw errors.validation(
      'unrecognised file: accepted are JPEG, PNG, TIFF and DICOM images, WCO UFF files (HDF5, or a ZIP named .uff) and PDF documents',
      { fileName },
    );
  }
  if (!allowedKinds(file.format).includes(kind)) {
    throw errors.validation(
      `a ${file.format} file cannot be filed as ${kind}; use one of ${allowedKinds(file.format).join(', ')}`,
      {
        fileName,
        kind,
      },
    );
  }
  return file;
}

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Stores the bytes once (by hash) and returns the hash. */
export async function storeBlob(trx: Transaction<DB> | Kysely<DB>, bytes: Uint8Array): Promise<string> {
  const sha256 = sha256Hex(bytes);
  await trx
    .insertInto('blobs')
    .values({ sha256, byte_size: bytes.length, bytes })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .execute();
  return sha256;
}

/** The stored bytes of a hash, or undefined. */
export async function readBlob(db: Kysely<DB>, sha256: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('blobs').select('bytes').where('sha256', '=', sha256).executeTakeFirst();
  return row?.bytes;
}
