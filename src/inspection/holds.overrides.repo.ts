/** SQL of hold overrides (hold_overrides): requests by one officer, decisions by another. */
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { HoldOverridesTable } from '../db/tables/inspection.ts';

type Reader = Kysely<DB> | Transaction<DB>;

export type OverrideRow = Selectable<HoldOverridesTable>;

export async function insertOverrideRequest(
  trx: Transaction<DB>,
  request: { holdId: number; reason: string; requestedBy: string },
): Promise<OverrideRow> {
  return trx
    .insertInto('hold_overrides')
    .values({ hold_id: request.holdId, reason: request.reason, requested_by: request.requestedBy })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function pendingOverrideOf(db: Reader, holdId: number): Promise<OverrideRow | undefined> {
  return db
    .selectFrom('hold_overrides')
    .selectAll()
    .where('hold_id', '=', holdId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
}

/** The override of that hold, locked until the end of the transaction. */
export async function lockOverride(
  trx: Transaction<DB>,
  holdId: number,
  overrideId: number,
): Promise<OverrideRow | undefined> {
  return trx
    .selectFrom('hold_overrides')
    .selectAll()
    .where('id', '=', overrideId)
    .where('hold_id', '=', holdId)
    .forUpdate()
    .executeTakeFirst();
}

export async function decideOverride(
  trx: Transaction<DB>,
  overrideId: number,
  decision: { status: 'approved' | 'rejected'; decidedBy: string; note: string | null; at: Date },
): Promise<OverrideRow> {
  return trx
    .updateTable('hold_overrides')
    .set({
      status: decision.status,
      decided_by: decision.decidedBy,
      decided_at: decision.at,
      decision_note: decision.note,
    })
    .where('id', '=', overrideId)
    .where('status', '=', 'pending')
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function overridesOfHold(db: Reader, holdId: number): Promise<OverrideRow[]> {
  return db.selectFrom('hold_overrides').selectAll().where('hold_id', '=', holdId).orderBy('id').execute();
}
