/**
 * Test support for the inspection workflow: containers ingested through the real ingest and held
 * with `placeHolds`, as the selection holds them.
 */
import type { TestDatabase } from '../../test/support/databases.ts';
import { containerNumber, newConsignment, newPortCall } from '../../test/support/factories.ts';
import { ingestRecords } from '../risk/cargo-fixtures.ts';
import { placeHolds, type SelectionReasonCode } from './holds.repo.ts';

/**
 * Ingests one consignment per number through the real ingest, then holds each container with
 * `placeHolds` (as the selection does). Answers the hold ids, by container number.
 */
export async function heldContainers(
  database: TestDatabase,
  numbers: readonly number[],
  reason: SelectionReasonCode = 'risk',
  port = 'BEANR',
): Promise<Map<string, number>> {
  await ingestRecords(
    database,
    numbers.map((n) => ({
      type: 'consignment' as const,
      ...newConsignment(n, { portCall: newPortCall({ portLocode: port }), placeOfDischarge: port }),
    })),
  );
  const rows = await database.db
    .selectFrom('containers')
    .select(['id', 'container_number'])
    .where(
      'container_number',
      'in',
      numbers.map((n) => containerNumber(n)),
    )
    .execute();
  const holdIds = await database.db.transaction().execute((trx) =>
    placeHolds(
      trx,
      port,
      '2026-03-02',
      rows.map((r) => ({
        containerId: r.id,
        assessmentId: null,
        reason,
        probability: 1,
        score: 0.5,
        text: 'test',
      })),
      'test',
    ),
  );
  const holds = await database.db
    .selectFrom('holds')
    .select(['id', 'container_number'])
    .where('id', 'in', holdIds)
    .execute();
  return new Map(holds.map((h) => [h.container_number, h.id]));
}

/** The live inspection of a kind of a container's hold. */
export async function inspectionOf(
  database: TestDatabase,
  number: number,
  kind: 'scan' | 'physical',
): Promise<number> {
  const row = await database.db
    .selectFrom('inspections')
    .select('id')
    .where('container_number', '=', containerNumber(number))
    .where('kind', '=', kind)
    .where('status', '<>', 'cancelled')
    .executeTakeFirstOrThrow();
  return row.id;
}
