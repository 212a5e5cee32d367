/**
 * SQL of the release gate: the one lookup behind every answer, and the gate log (gate_queries).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { GateDecision } from '../db/tables/inspection.ts';
import { type GateHoldRow, RECENT_RELEASE_DAYS } from './gate.ts';

/**
 * The container's active hold (index `holds_active_number`) with the kinds of its completed
 * inspections (index `inspections_one_per_kind`); only when there is none, its latest hold lifted
 * in the last RECENT_RELEASE_DAYS (index `holds_container`). One statement, one round trip: the
 * second branch of the UNION ALL is not run once the first has given its row.
 */
export async function findGateHold(
  db: Kysely<DB>,
  containerNumber: string,
): Promise<GateHoldRow | undefined> {
  const found = await sql<GateHoldRow>`
    (select h.id, h.status, h.required,
            array(select i.kind from inspections i where i.hold_id = h.id and i.status = 'completed') as completed
       from holds h
      where h.container_number = ${containerNumber} and h.status = 'active'
      limit 1)
    union all
    (select h.id, h.status, h.required, '{}'::text[]
       from holds h
      where h.container_number = ${containerNumber} and h.status <> 'active'
        and h.released_at > now() - make_interval(days => ${RECENT_RELEASE_DAYS})
      order by h.placed_at desc
      limit 1)
    limit 1`.execute(db);
  return found.rows[0];
}

/** One row of the gate log. */
export interface GateLogEntry {
  at: Date;
  containerNumber: string;
  decision: GateDecision;
  reasonCodes: string[];
  holdId: number | null;
  caller: string;
}

/** Writes gate log rows in one multi-row insert (one statement, committed when it returns). */
export async function insertGateQueries(db: Kysely<DB>, entries: readonly GateLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('gate_queries')
    .values(
      entries.map((e) => ({
        at: e.at,
        container_number: e.containerNumber,
        decision: e.decision,
        reason_codes: e.reasonCodes,
        hold_id: e.holdId,
        caller: e.caller,
      })),
    )
    .execute();
}

/** Gate queries about a container since a moment, newest first. */
export async function gateQueriesOf(db: Kysely<DB>, containerNumber: string, since: Date, limit: number) {
  return db
    .selectFrom('gate_queries')
    .select(['id', 'at', 'decision', 'reason_codes', 'hold_id', 'caller'])
    .where('container_number', '=', containerNumber)
    .where('at', '>=', since)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
}
