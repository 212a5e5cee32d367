/**
 * SQL of the release gate: the lookup behind its answers, and the gate log (gate_queries).
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { GateDecision } from '../db/tables/inspection.ts';
import { ASSESSMENT_WINDOW_DAYS, type GateHoldRow, type GateState, RECENT_RELEASE_DAYS } from './gate.ts';

/**
 * What the gate answers from, for each container of a batch (one statement for the whole batch of
 * a group commit, gate.log.ts):
 * - `hold`: its active hold, with the kinds of its completed inspections (index
 *   `inspections_one_per_kind`), or else its latest hold lifted in the last RECENT_RELEASE_DAYS.
 *   A plain scan of `holds_container`; the choice among a container's rows is made here, which on
 *   the embedded database costs a third less than letting the planner do it with LATERAL and
 *   UNION ALL.
 * - `assessmentPending`: a consignment holding it was created or corrected in the last
 *   ASSESSMENT_WINDOW_DAYS and risk targeting has not assessed and selected it since (the stamp
 *   of migration 0008, set by ingest, cleared by the risk worker): customs has not decided yet.
 * Containers with neither are absent from the map.
 */
export async function findGateStates(
  db: Kysely<DB>,
  containerNumbers: readonly string[],
): Promise<Map<string, GateState>> {
  const found = new Map<string, GateState & { placedAt?: Date }>();
  if (containerNumbers.length === 0) return found;
  const numbers = [...new Set(containerNumbers)];
  const { rows } = await sql<
    GateHoldRow & { container_number: string; placed_at: Date | null; pending: boolean }
  >`
    select h.container_number, h.id, h.status, h.required, h.placed_at, false as pending,
           case when h.status = 'active'
                then array(select i.kind from inspections i where i.hold_id = h.id and i.status = 'completed')
                else '{}' end as completed
      from holds h
     where h.container_number = any(${numbers}::text[])
       and (h.status = 'active' or h.released_at > now() - make_interval(days => ${RECENT_RELEASE_DAYS}))
    union all
    select c.container_number, null, null, null, null, true, null
      from containers c
     where c.container_number = any(${numbers}::text[])
       and c.assessment_due_at > now() - make_interval(days => ${ASSESSMENT_WINDOW_DAYS})`.execute(
    db,
  );
  for (const { container_number, placed_at, pending, ...hold } of rows) {
    const state = found.get(container_number) ?? { assessmentPending: false };
    found.set(container_number, state);
    if (pending) {
      state.assessmentPending = true;
      continue;
    }
    const seen = state.hold;
    const better =
      !seen ||
      (hold.status === 'active' && seen.status !== 'active') ||
      (seen.status !== 'active' && hold.status !== 'active' && placed_at! > state.placedAt!);
    if (better) {
      state.hold = hold;
      state.placedAt = placed_at ?? undefined;
    }
  }
  return found;
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
