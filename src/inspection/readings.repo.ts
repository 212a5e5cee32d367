/** SQL of the detection_readings table. */
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DetectionReadingsTable } from '../db/tables/inspection.ts';

export type ReadingRow = Selectable<DetectionReadingsTable>;

type Reader = Kysely<DB> | Transaction<DB>;

export async function insertReading(
  trx: Transaction<DB>,
  values: Insertable<DetectionReadingsTable>,
): Promise<ReadingRow> {
  return trx.insertInto('detection_readings').values(values).returningAll().executeTakeFirstOrThrow();
}

export async function findReading(db: Reader, id: number): Promise<ReadingRow | undefined> {
  return db.selectFrom('detection_readings').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The readings of an inspection, in the order they were recorded. */
export async function readingsOfInspection(db: Reader, inspectionId: number): Promise<ReadingRow[]> {
  return db
    .selectFrom('detection_readings')
    .selectAll()
    .where('inspection_id', '=', inspectionId)
    .orderBy('id')
    .execute();
}
