/** SQL of the scanners table. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ScannersTable } from '../db/tables/inspection.ts';

export type ScannerRow = Selectable<ScannersTable>;

type Reader = Kysely<DB> | Transaction<DB>;

export interface ScannerFields {
  port: string;
  name: string;
  capacityPerHour: number;
  active: boolean;
}

/** Inserts a scanner; undefined when the code is taken. */
export async function insertScanner(
  trx: Transaction<DB>,
  code: string,
  fields: ScannerFields,
): Promise<ScannerRow | undefined> {
  return trx
    .insertInto('scanners')
    .values({
      code,
      port_locode: fields.port,
      name: fields.name,
      capacity_per_hour: fields.capacityPerHour,
      active: fields.active,
    })
    .onConflict((oc) => oc.column('code').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Changes the given fields of a scanner; undefined when there is no such scanner. */
export async function updateScanner(
  trx: Transaction<DB>,
  code: string,
  fields: Partial<ScannerFields>,
): Promise<ScannerRow | undefined> {
  return trx
    .updateTable('scanners')
    .set({
      ...(fields.port === undefined ? {} : { port_locode: fields.port }),
      ...(fields.name === undefined ? {} : { name: fields.name }),
      ...(fields.capacityPerHour === undefined ? {} : { capacity_per_hour: fields.capacityPerHour }),
      ...(fields.active === undefined ? {} : { active: fields.active }),
      updated_at: new Date(),
    })
    .where('code', '=', code)
    .returningAll()
    .executeTakeFirst();
}

export async function findScanner(db: Reader, code: string, lock = false): Promise<ScannerRow | undefined> {
  const query = db.selectFrom('scanners').selectAll().where('code', '=', code);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

export async function findScannerById(db: Reader, id: number): Promise<ScannerRow | undefined> {
  return db.selectFrom('scanners').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listScanners(db: Reader, port?: string): Promise<ScannerRow[]> {
  let query = db.selectFrom('scanners').selectAll().orderBy('port_locode').orderBy('code');
  if (port !== undefined) query = query.where('port_locode', '=', port);
  return query.execute();
}
