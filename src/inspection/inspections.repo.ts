/** SQL of the inspections table, and the small reads of holds the workflow needs. */
import { type Kysely, type Selectable, sql, type Transaction, type Updateable } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { InspectionStatus, InspectionsTable, InspectionType } from '../db/tables/inspection.ts';

export type InspectionRow = Selectable<InspectionsTable> & { scanner_code: string | null };

type Reader = Kysely<DB> | Transaction<DB>;

/** Inspections with the code of their scanner. */
const inspectionsWithScanner = (db: Reader) =>
  db
    .selectFrom('inspections')
    .leftJoin('scanners', 'scanners.id', 'inspections.scanner_id')
    .selectAll('inspections')
    .select('scanners.code as scanner_code');

/** One inspection; locked for the rest of the transaction when `lock`. */
export async function findInspection(
  db: Reader,
  id: number,
  lock = false,
): Promise<InspectionRow | undefined> {
  const query = inspectionsWithScanner(db).where('inspections.id', '=', id);
  return (lock ? query.forUpdate('inspections') : query).executeTakeFirst();
}

export interface InspectionFilter {
  port?: string;
  kind?: InspectionType;
  status?: InspectionStatus;
  containerNumber?: string;
  limit: number;
}

/** Inspections matching the filter, the most urgent first (deadline, then risk). */
export async function listInspections(db: Reader, filter: InspectionFilter): Promise<InspectionRow[]> {
  let query = inspectionsWithScanner(db)
    .orderBy(sql`inspections.deadline asc nulls last`)
    .orderBy('inspections.priority_score', 'desc')
    .orderBy('inspections.id')
    .limit(filter.limit);
  if (filter.port !== undefined) query = query.where('inspections.port_locode', '=', filter.port);
  if (filter.kind !== undefined) query = query.where('inspections.kind', '=', filter.kind);
  if (filter.status !== undefined) query = query.where('inspections.status', '=', filter.status);
  if (filter.containerNumber !== undefined)
    query = query.where('inspections.container_number', '=', filter.containerNumber);
  return query.execute();
}

/**
 * The scan inspections a scanner may work: those of its port that are queued, or assigned to it
 * (or to a person but no scanner yet), and the ones in progress on it.
 */
export async function scanQueueRows(db: Reader, port: string, scannerId: number): Promise<InspectionRow[]> {
  return inspectionsWithScanner(db)
    .where('inspections.port_locode', '=', port)
    .where('inspections.kind', '=', 'scan')
    .where((eb) =>
      eb.or([
        eb('inspections.status', '=', 'queued'),
        eb.and([
          eb('inspections.status', '=', 'assigned'),
          eb.or([eb('inspections.scanner_id', 'is', null), eb('inspections.scanner_id', '=', scannerId)]),
        ]),
        eb.and([eb('inspections.status', '=', 'in_progress'), eb('inspections.scanner_id', '=', scannerId)]),
      ]),
    )
    .orderBy('inspections.id')
    .execute();
}

export async function updateInspection(
  trx: Transaction<DB>,
  id: number,
  changes: Updateable<InspectionsTable>,
): Promise<InspectionRow> {
  await trx.updateTable('inspections').set(changes).where('id', '=', id).execute();
  const row = await findInspection(trx, id);
  if (!row) throw new Error(`inspection ${id} vanished inside its own transaction`);
  return row;
}

/** The live (not cancelled) inspection of a kind of a hold. */
export async function inspectionOfHold(
  db: Reader,
  holdId: number,
  kind: InspectionType,
): Promise<InspectionRow | undefined> {
  return inspectionsWithScanner(db)
    .where('inspections.hold_id', '=', holdId)
    .where('inspections.kind', '=', kind)
    .where('inspections.status', '<>', 'cancelled')
    .executeTakeFirst();
}

/** Marks the hold's physical inspection as referred from the scan (when the referral queued it). */
export async function markReferral(trx: Transaction<DB>, holdId: number, scanId: number): Promise<void> {
  await trx
    .updateTable('inspections')
    .set({ referred_from: scanId })
    .where('hold_id', '=', holdId)
    .where('kind', '=', 'physical')
    .where('status', '<>', 'cancelled')
    .where('referred_from', 'is', null)
    .execute();
}

export interface HoldSummary {
  id: number;
  status: string;
  required: InspectionType[];
}

export async function holdSummary(db: Reader, holdId: number): Promise<HoldSummary | undefined> {
  return db
    .selectFrom('holds')
    .select(['id', 'status', 'required'])
    .where('id', '=', holdId)
    .executeTakeFirst();
}
