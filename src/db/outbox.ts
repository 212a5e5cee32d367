/**
 * The event mechanism: a change and the event that announces it are written in one transaction
 * (the outbox). Consumers read events in id order and record how far they got, so delivery is
 * at least once and a consumer's handler must be idempotent.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

export interface OutboxEvent {
  id: number;
  topic: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** Records an event in the caller's transaction. */
export async function emitEvent(
  trx: Transaction<DB> | Kysely<DB>,
  topic: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('outbox_events')
    .values({ topic, payload: JSON.stringify(payload) })
    .execute();
}

/**
 * Records one event per payload, in their order, in one statement (one round trip for a batch of
 * thousands, where one `emitEvent` each took most of a manifest's ingest time).
 */
export async function emitEvents(
  trx: Transaction<DB> | Kysely<DB>,
  topic: string,
  payloads: Record<string, unknown>[],
): Promise<void> {
  if (payloads.length === 0) return;
  await sql`insert into outbox_events (topic, payload)
    select ${topic}, p.value from jsonb_array_elements(${JSON.stringify(payloads)}::jsonb) with ordinality as p
    order by p.ordinality`.execute(trx);
}

/**
 * Hands the next batch of events after the consumer's position to `handle`, then advances the
 * position. Returns how many events were handled (0 when caught up).
 */
export async function consumeEvents(
  db: Kysely<DB>,
  consumer: string,
  topics: string[],
  handle: (events: OutboxEvent[]) => Promise<void>,
  batchSize = 500,
): Promise<number> {
  await db
    .insertInto('event_consumers')
    .values({ consumer, last_event_id: 0 })
    .onConflict((oc) => oc.column('consumer').doNothing())
    .execute();
  const position = await db
    .selectFrom('event_consumers')
    .select('last_event_id')
    .where('consumer', '=', consumer)
    .executeTakeFirstOrThrow();
  const rows = await db
    .selectFrom('outbox_events')
    .selectAll()
    .where('id', '>', position.last_event_id)
    .where('topic', 'in', topics)
    .orderBy('id')
    .limit(batchSize)
    .execute();
  if (rows.length === 0) return 0;
  await handle(rows.map((r) => ({ id: r.id, topic: r.topic, payload: r.payload, createdAt: r.created_at })));
  const last = rows[rows.length - 1]!.id;
  await db
    .updateTable('event_consumers')
    .set({ last_event_id: last, updated_at: new Date() })
    .where('consumer', '=', consumer)
    .execute();
  return rows.length;
}

/** How many events of these topics the consumer has not handled yet. */
export async function pendingEvents(db: Kysely<DB>, consumer: string, topics: string[]): Promise<number> {
  const position = await db
    .selectFrom('event_consumers')
    .select('last_event_id')
    .where('consumer', '=', consumer)
    .executeTakeFirst();
  const row = await db
    .selectFrom('outbox_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('id', '>', position?.last_event_id ?? 0)
    .where('topic', 'in', topics)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
