/**
 * The two directions of correlation as steps the federation uses: a received alert against
 * local cargo (in the transaction that stores the alert), and newly stored local cargo against
 * the active partner alerts (a consumer of the ingest events `consignment.stored` and
 * `container_events.stored`, at least once; hits are unique, so a repeat adds nothing).
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import { consumeEvents, type OutboxEvent } from '../db/outbox.ts';
import type { DB } from '../db/schema.ts';
import type { IdentifierRow } from './alert.ts';
import {
  consignmentIdentifiers,
  containerEventIdentifiers,
  findAlertMatches,
  findLocalMatches,
  LocalIdentifiers,
  recordHits,
} from './correlation.ts';

export const CORRELATION_CONSUMER = 'intel.correlation';

/** Matches a received alert's identifiers against local cargo; returns the number of new hits. */
export async function correlateReceivedAlert(
  trx: Transaction<DB>,
  alertId: number,
  rows: readonly IdentifierRow[],
): Promise<number> {
  return recordHits(trx, await findLocalMatches(trx, alertId, rows));
}

const consignmentStored = z.object({ id: z.number().int() });
const eventsStored = z.object({ ids: z.array(z.number().int()) });

/** Matches the records named by a batch of ingest events against active partner alerts. */
export async function correlateStoredRecords(
  db: Kysely<DB>,
  events: readonly OutboxEvent[],
): Promise<number> {
  const consignmentIds: number[] = [];
  const eventIds: number[] = [];
  for (const e of events) {
    if (e.topic === 'consignment.stored') {
      const p = consignmentStored.safeParse(e.payload);
      if (p.success) consignmentIds.push(p.data.id);
    } else if (e.topic === 'container_events.stored') {
      const p = eventsStored.safeParse(e.payload);
      if (p.success) eventIds.push(...p.data.ids);
    }
  }
  const local = new LocalIdentifiers();
  await consignmentIdentifiers(db, consignmentIds, local);
  await containerEventIdentifiers(db, eventIds, local);
  let created = 0;
  for (const entity of local.entities.values()) {
    const hits = await findAlertMatches(db, entity.entityType, entity.entityId, entity.rows);
    if (hits.length === 0) continue;
    created += await db.transaction().execute((trx) => recordHits(trx, hits));
  }
  return created;
}

/** Handles the next batch of ingest events; returns how many events were read (0 when caught up). */
export async function correlateNextBatch(db: Kysely<DB>): Promise<number> {
  return consumeEvents(
    db,
    CORRELATION_CONSUMER,
    ['consignment.stored', 'container_events.stored'],
    async (events) => {
      await correlateStoredRecords(db, events);
    },
  );
}
