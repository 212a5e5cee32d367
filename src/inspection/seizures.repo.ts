/** SQL of seizures and their photos, and the reads a seizure needs to place itself. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Concealment, DetectionSource, HoldSource, Substance } from '../db/tables/inspection.ts';

type Trx = Transaction<DB>;

/** A seizure with a container number only is linked to a hold of that port at most this old. */
export const SEIZURE_HOLD_WINDOW_DAYS = 14;

export interface SeizureRow {
  id: number;
  reference: string;
  containerId: number;
  containerNumber: string;
  holdId: number | null;
  inspectionId: number | null;
  consignmentId: number | null;
  transportDocumentNumber: string | null;
  port: string;
  seizedAt: Date;
  substance: Substance;
  substanceDetail: string | null;
  netMassKg: number;
  grossMassKg: number | null;
  packages: number | null;
  concealment: Concealment;
  placeInContainer: string | null;
  detectionSource: DetectionSource;
  originCountry: string | null;
  recordedBy: string;
  recordedAt: Date;
  notes: string | null;
}

/** What recording a seizure writes: its row without what the database assigns or joins. */
export type SeizureInsert = Omit<SeizureRow, 'id' | 'transportDocumentNumber' | 'recordedAt'>;

export interface SeizureFilter {
  port?: string | undefined;
  /** Inclusive instants. */
  from?: Date | undefined;
  /** Exclusive. */
  before?: Date | undefined;
}

function seizureQuery(db: Kysely<DB>) {
  return db
    .selectFrom('seizures as s')
    .leftJoin('consignments as c', 'c.id', 's.consignment_id')
    .select([
      's.id',
      's.seizure_ref as reference',
      's.container_id as containerId',
      's.container_number as containerNumber',
      's.hold_id as holdId',
      's.inspection_id as inspectionId',
      's.consignment_id as consignmentId',
      'c.transport_document_number as transportDocumentNumber',
      's.port_locode as port',
      's.seized_at as seizedAt',
      's.substance',
      's.substance_detail as substanceDetail',
      's.net_mass_kg as netMassKg',
      's.gross_mass_kg as grossMassKg',
      's.packages',
      's.concealment',
      's.place_in_container as placeInContainer',
      's.detection_source as detectionSource',
      's.origin_country as originCountry',
      's.recorded_by as recordedBy',
      's.recorded_at as recordedAt',
      's.notes',
    ]);
}

export async function findSeizure(db: Kysely<DB>, id: number): Promise<SeizureRow | undefined> {
  return seizureQuery(db).where('s.id', '=', id).executeTakeFirst();
}

export async function listSeizures(db: Kysely<DB>, f: SeizureFilter, limit: number): Promise<SeizureRow[]> {
  let q = seizureQuery(db);
  if (f.port) q = q.where('s.port_locode', '=', f.port);
  if (f.from) q = q.where('s.seized_at', '>=', f.from);
  if (f.before) q = q.where('s.seized_at', '<', f.before);
  return q.orderBy('s.seized_at', 'desc').orderBy('s.id', 'desc').limit(limit).execute();
}

export async function insertSeizure(trx: Trx, s: SeizureInsert): Promise<number> {
  const row = await trx
    .insertInto('seizures')
    .values({
      seizure_ref: s.reference,
      container_id: s.containerId,
      container_number: s.containerNumber,
      hold_id: s.holdId,
      inspection_id: s.inspectionId,
      consignment_id: s.consignmentId,
      port_locode: s.port,
      seized_at: s.seizedAt,
      substance: s.substance,
      substance_detail: s.substanceDetail,
      net_mass_kg: s.netMassKg,
      gross_mass_kg: s.grossMassKg,
      packages: s.packages,
      concealment: s.concealment,
      place_in_container: s.placeInContainer,
      detection_source: s.detectionSource,
      origin_country: s.originCountry,
      recorded_by: s.recordedBy,
      notes: s.notes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * The next reference of a port and year, `BEANR-2026-000001`. A transaction-scoped advisory lock
 * per port and year makes concurrent recorders take turns, so no two get the same number.
 */
export async function nextSeizureReference(trx: Trx, port: string, year: number): Promise<string> {
  const prefix = `${port}-${year}-`;
  await sql`select pg_advisory_xact_lock(hashtext(${`seizure_ref:${prefix}`}))`.execute(trx);
  const last = await sql<{ n: number | null }>`
    select max(split_part(seizure_ref, '-', 3)::int) as n
      from seizures where seizure_ref like ${`${prefix}%`}`.execute(trx);
  const n = (last.rows[0]?.n ?? 0) + 1;
  return `${prefix}${String(n).padStart(6, '0')}`;
}

export interface InspectionPlace {
  id: number;
  holdId: number | null;
  containerId: number;
  containerNumber: string;
  port: string;
}

export async function findInspectionPlace(trx: Trx, id: number): Promise<InspectionPlace | undefined> {
  return trx
    .selectFrom('inspections')
    .select([
      'id',
      'hold_id as holdId',
      'container_id as containerId',
      'container_number as containerNumber',
      'port_locode as port',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findContainerId(trx: Trx, containerNumber: string): Promise<number | undefined> {
  const row = await trx
    .selectFrom('containers')
    .select('id')
    .where('container_number', '=', containerNumber)
    .executeTakeFirst();
  return row?.id;
}

export interface HoldOrigin {
  id: number;
  source: HoldSource;
  selectionReason: 'mandatory_profile' | 'risk' | 'exploration' | 'manual' | null;
  assessmentId: number | null;
  /** The champion model that scored the hold's assessment; null when profiles alone scored it. */
  modelVersion: number | null;
}

/** Holds with the model version of their assessment, for `HoldOrigin`. */
const holdOrigins = (trx: Trx) =>
  trx
    .selectFrom('holds')
    .leftJoin('assessments', 'assessments.id', 'holds.assessment_id')
    .select([
      'holds.id',
      'holds.source',
      'holds.selection_reason as selectionReason',
      'holds.assessment_id as assessmentId',
      'assessments.model_version as modelVersion',
    ]);

export async function findHoldOrigin(trx: Trx, holdId: number): Promise<HoldOrigin | undefined> {
  return holdOrigins(trx).where('holds.id', '=', holdId).executeTakeFirst();
}

/**
 * The hold a seizure recorded by container number belongs to: the container's latest hold at
 * that port placed at or before the seizure, at most SEIZURE_HOLD_WINDOW_DAYS before it.
 */
export async function recentHoldAt(
  trx: Trx,
  containerId: number,
  port: string,
  seizedAt: Date,
): Promise<HoldOrigin | undefined> {
  const earliest = new Date(seizedAt.getTime() - SEIZURE_HOLD_WINDOW_DAYS * 86_400_000);
  return holdOrigins(trx)
    .where('holds.container_id', '=', containerId)
    .where('holds.port_locode', '=', port)
    .where('holds.placed_at', '<=', seizedAt)
    .where('holds.placed_at', '>=', earliest)
    .orderBy('holds.placed_at', 'desc')
    .orderBy('holds.id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/**
 * The consignment the container carried at the port: the assessed one when the hold has an
 * assessment, otherwise the latest consignment of the container whose port (its vessel call's, or
 * its own) is the seizure's port, preferring those that arrived before the seizure.
 */
export async function consignmentAt(
  trx: Trx,
  containerId: number,
  port: string,
  seizedAt: Date,
  assessmentId: number | null,
): Promise<{ id: number; originCountry: string | null } | undefined> {
  if (assessmentId !== null) {
    const assessed = await trx
      .selectFrom('assessments as a')
      .innerJoin('consignments as c', 'c.id', 'a.consignment_id')
      .select(['c.id', 'c.origin_country as originCountry'])
      .where('a.id', '=', assessmentId)
      .executeTakeFirst();
    if (assessed) return assessed;
  }
  const rows = await sql<{ id: number; originCountry: string | null }>`
    select c.id, c.origin_country as "originCountry"
      from consignment_containers cc
      join consignments c on c.id = cc.consignment_id
      left join port_calls pc on pc.id = c.port_call_id
     where cc.container_id = ${containerId}
       and coalesce(pc.port_locode, c.port_locode) = ${port}
     order by (coalesce(pc.ata, pc.eta, c.created_at) <= ${seizedAt}) desc,
              coalesce(pc.ata, pc.eta, c.created_at) desc, c.id desc
     limit 1`.execute(trx);
  return rows.rows[0];
}

export interface PhotoRow {
  id: number;
  seizureId: number;
  sha256: string;
  fileName: string | null;
  mediaType: string;
  byteSize: number;
  uploadedBy: string;
  uploadedAt: Date;
}

export async function insertPhoto(
  trx: Trx,
  p: {
    seizureId: number;
    sha256: string;
    fileName: string | null;
    mediaType: string;
    byteSize: number;
    uploadedBy: string;
  },
): Promise<PhotoRow> {
  return trx
    .insertInto('attachments')
    .values({
      sha256: p.sha256,
      kind: 'photo',
      file_name: p.fileName,
      media_type: p.mediaType,
      byte_size: p.byteSize,
      seizure_id: p.seizureId,
      uploaded_by: p.uploadedBy,
    })
    .returning([
      'id',
      'seizure_id as seizureId',
      'sha256',
      'file_name as fileName',
      'media_type as mediaType',
      'byte_size as byteSize',
      'uploaded_by as uploadedBy',
      'uploaded_at as uploadedAt',
    ])
    .executeTakeFirstOrThrow()
    .then((r) => ({ ...r, seizureId: p.seizureId }));
}

export async function photosOf(db: Kysely<DB>, seizureIds: readonly number[]): Promise<PhotoRow[]> {
  if (seizureIds.length === 0) return [];
  const rows = await db
    .selectFrom('attachments')
    .select([
      'id',
      'seizure_id as seizureId',
      'sha256',
      'file_name as fileName',
      'media_type as mediaType',
      'byte_size as byteSize',
      'uploaded_by as uploadedBy',
      'uploaded_at as uploadedAt',
    ])
    .where('seizure_id', 'in', seizureIds)
    .where('kind', '=', 'photo')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r, seizureId: r.seizureId ?? 0 }));
}
