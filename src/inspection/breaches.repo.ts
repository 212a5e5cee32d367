/** SQL of barrier breaches: gate-outs of held containers, found and acknowledged. */
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { BarrierBreachesTable } from '../db/tables/inspection.ts';

type Reader = Kysely<DB> | Transaction<DB>;

export type BreachRow = Selectable<BarrierBreachesTable>;

/** A gate-out of a container that was held when it happened, newly recorded. */
export interface NewBreach extends BreachRow {
  event_place: string | null;
}

/**
 * Records a breach for each of these container events that is a gate-out of a container with a
 * hold active at the moment of the event (placed before it, not lifted before it; the event's
 * own time, or when Tandem stored it if the terminal gave none). Idempotent: a breach already
 * recorded is not returned again.
 */
export async function recordBreaches(
  trx: Transaction<DB>,
  containerEventIds: readonly number[],
): Promise<NewBreach[]> {
  if (containerEventIds.length === 0) return [];
  const found = await sql<NewBreach>`
    with gate_outs as (
      select e.id, e.container_id, e.container_number, e.place_locode, coalesce(e.occurred_at, e.created_at) as at
        from container_events e
       where e.id = any(${[...containerEventIds]}::bigint[]) and e.event_type = 'gate_out'
    ), inserted as (
      insert into barrier_breaches (hold_id, container_event_id, container_number, port_locode, event_at)
      select h.id, g.id, g.container_number, h.port_locode, g.at
        from gate_outs g
        join holds h on h.container_id = g.container_id
                    and h.placed_at <= g.at
                    and (h.released_at is null or h.released_at > g.at)
      on conflict (hold_id, container_event_id) do nothing
      returning *
    )
    select i.*, g.place_locode as event_place
      from inserted i join gate_outs g on g.id = i.container_event_id
     order by i.id`.execute(trx);
  return found.rows;
}

export interface BreachFilter {
  port?: string | undefined;
  acknowledged?: boolean | undefined;
  holdId?: number | undefined;
  limit: number;
}

/** Breaches, newest first. */
export async function listBreaches(db: Reader, filter: BreachFilter): Promise<BreachRow[]> {
  let q = db.selectFrom('barrier_breaches').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.port) q = q.where('port_locode', '=', filter.port);
  if (filter.holdId) q = q.where('hold_id', '=', filter.holdId);
  if (filter.acknowledged === true) q = q.where('acknowledged_at', 'is not', null);
  if (filter.acknowledged === false) q = q.where('acknowledged_at', 'is', null);
  return q.execute();
}

export async function lockBreach(trx: Transaction<DB>, id: number): Promise<BreachRow | undefined> {
  return trx.selectFrom('barrier_breaches').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function acknowledgeBreach(
  trx: Transaction<DB>,
  id: number,
  ack: { by: string; note: string; at: Date },
): Promise<BreachRow> {
  return trx
    .updateTable('barrier_breaches')
    .set({ acknowledged_by: ack.by, acknowledged_at: ack.at, note: ack.note })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
