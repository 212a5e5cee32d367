/**
 * Delivery of queued messages to partners: per partner, strictly in queue order (a partner that
 * was offline receives everything, in order, when it returns), up to 100 messages per request, signed afresh at each attempt,
 * retried with exponential backoff. A refusal that retrying cannot fix (4xx other than 408/429)
 * marks the message rejected and is logged, so one bad message does not block the partner.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { z } from 'zod';
import type { DB } from '../db/schema.ts';
import type { FederationDeliveriesTable, FederationMessageKind } from '../db/tables/federation.ts';
import type { Logger } from '../logger.ts';
import type { Envelope } from './envelope.ts';
import type { AgencyIdentity } from './identity.ts';
import { signJws } from './jws.ts';
import { MAX_MO_MESSAGE_BYTES } from './object-wire.ts';
import { listPartners, type Partner } from './partners.repo.ts';

export interface DeliveryOptions {
  /** First retry delay; doubles with each failed attempt. */
  baseBackoffMs: number;
  maxBackoffMs: number;
  requestTimeoutMs: number;
}

export const defaultDeliveryOptions: DeliveryOptions = {
  baseBackoffMs: 1000,
  maxBackoffMs: 5 * 60_000,
  requestTimeoutMs: 10_000,
};

/** Exponential backoff: base * 2^(attempts-1), capped. */
export function backoffMs(attempts: number, options: DeliveryOptions): number {
  return Math.min(options.maxBackoffMs, options.baseBackoffMs * 2 ** Math.max(0, attempts - 1));
}

export interface QueuedMessage {
  id: number;
  messageId: string;
  partnerCode: string;
  kind: FederationMessageKind;
  payload: Record<string, unknown>;
}

/** Signs a queued message for its partner with a fresh timestamp. */
export function signQueued(identity: AgencyIdentity, m: QueuedMessage): string {
  const envelope = {
    messageId: m.messageId,
    kind: m.kind,
    from: identity.code,
    to: m.partnerCode,
    sentAt: new Date().toISOString(),
    object: m.payload,
  };
  return signJws(envelope, identity.code, identity.privateKey);
}

/** Shape-checks an Envelope at compile time where we build one by hand (feed requests). */
export function signEnvelope(identity: AgencyIdentity, envelope: Envelope): string {
  return signJws(envelope, identity.code, identity.privateKey);
}

/** Most messages sent in one request (POST /federation/v1/inbox/batch). */
export const MAX_BATCH_MESSAGES = 100;
/** The sender closes a batch at this size; a larger message travels alone. */
const BATCH_BYTES = 1024 * 1024;
/** Largest batch request accepted: one modus-operandi report with its photos, or a full batch. */
export const MAX_BATCH_BODY_BYTES = Math.max(MAX_MO_MESSAGE_BYTES, BATCH_BYTES) + 64 * 1024;

/** A status that sending again cannot change (4xx other than 408 and 429). */
const isPermanent = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

const batchAnswerSchema = z.object({
  results: z.array(
    z.object({
      status: z.number().int(),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  ),
});

/** Sends what is due to every partner, in order, in batches; returns how many were delivered. */
export async function deliverDue(
  db: Kysely<DB>,
  identity: AgencyIdentity,
  logger: Logger,
  options: DeliveryOptions = defaultDeliveryOptions,
): Promise<number> {
  let delivered = 0;
  for (const partner of await listPartners(db)) {
    // Drain the partner's queue in order while deliveries succeed.
    for (;;) {
      const round = await deliverNextBatch(db, identity, partner, logger, options, MAX_BATCH_MESSAGES);
      delivered += round.delivered;
      if (!round.goOn) break;
    }
  }
  return delivered;
}

type DeliveryRow = Selectable<FederationDeliveriesTable>;

/**
 * Sends the partner's next due messages in one request. The partner answers each message on its
 * own: delivered ones are marked delivered, refused-for-good ones rejected (and logged), and the
 * first that may be retried gets its backoff and stops the batch, so order is kept. When the
 * request as a whole fails, the first message takes the backoff; when it is refused for good,
 * the messages go again one by one, so one bad message cannot block the others.
 */
async function deliverNextBatch(
  db: Kysely<DB>,
  identity: AgencyIdentity,
  partner: Partner,
  logger: Logger,
  options: DeliveryOptions,
  maxMessages: number,
): Promise<{ delivered: number; goOn: boolean }> {
  const rows = await db
    .selectFrom('federation_deliveries')
    .selectAll()
    .where('partner_code', '=', partner.code)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(maxMessages)
    .execute();
  const now = new Date();
  const batch: { row: DeliveryRow; token: string }[] = [];
  let bytes = 0;
  for (const row of rows) {
    // Only the head can be waiting for a retry, and everything after it waits with it.
    if (row.next_attempt_at > now) break;
    const token = signQueued(identity, {
      id: row.id,
      messageId: row.message_id,
      partnerCode: partner.code,
      kind: row.kind,
      payload: row.payload,
    });
    if (batch.length > 0 && bytes + token.length > BATCH_BYTES) break;
    batch.push({ row, token });
    bytes += token.length;
  }
  const head = batch[0];
  if (!head) return { delivered: 0, goOn: false };

  let status = 0;
  let error = '';
  let results: z.infer<typeof batchAnswerSchema>['results'] | undefined;
  try {
    const response = await fetch(new URL('/federation/v1/inbox/batch', partner.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: batch.map((b) => b.token) }),
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
    status = response.status;
    if (response.ok) {
      const parsed = batchAnswerSchema.safeParse(await response.json());
      if (parsed.success) results = parsed.data.results;
      else error = 'the partner answered the batch with an unexpected body';
    } else error = `HTTP ${status}: ${(await response.text()).slice(0, 500)}`;
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }

  if (!results) {
    if (isPermanent(status) && batch.length > 1) {
      return deliverNextBatch(db, identity, partner, logger, options, 1);
    }
    if (isPermanent(status)) {
      await reject(db, logger, partner, head.row, error);
      return { delivered: 0, goOn: true };
    }
    await retryLater(db, logger, partner, head.row, error, options);
    return { delivered: 0, goOn: false };
  }

  const delivered: number[] = [];
  let goOn = true;
  for (const [i, { row }] of batch.entries()) {
    const answer = results[i];
    if (answer && answer.status >= 200 && answer.status < 300) {
      delivered.push(row.id);
      continue;
    }
    const why = answer
      ? `HTTP ${answer.status}: ${answer.error?.code ?? ''} ${answer.error?.message ?? ''}`.trim()
      : 'the partner gave no answer for this message';
    if (answer && isPermanent(answer.status)) {
      await reject(db, logger, partner, row, why);
      continue;
    }
    await retryLater(db, logger, partner, row, why, options);
    goOn = false;
    break;
  }
  if (delivered.length > 0) {
    await db
      .updateTable('federation_deliveries')
      .set({ status: 'delivered', attempts: sql`attempts + 1`, delivered_at: new Date(), last_error: null })
      .where('id', 'in', delivered)
      .execute();
  }
  return { delivered: delivered.length, goOn };
}

async function reject(db: Kysely<DB>, logger: Logger, partner: Partner, row: DeliveryRow, error: string) {
  logger.error(
    { partner: partner.code, messageId: row.message_id, error },
    'partner refused a federation message',
  );
  await db
    .updateTable('federation_deliveries')
    .set({ status: 'rejected', attempts: row.attempts + 1, last_error: error })
    .where('id', '=', row.id)
    .execute();
}

async function retryLater(
  db: Kysely<DB>,
  logger: Logger,
  partner: Partner,
  row: DeliveryRow,
  error: string,
  options: DeliveryOptions,
) {
  const attempts = row.attempts + 1;
  const delay = backoffMs(attempts, options);
  logger.warn(
    { partner: partner.code, messageId: row.message_id, attempts, retryInMs: delay, error },
    'federation delivery failed; will retry',
  );
  await db
    .updateTable('federation_deliveries')
    .set({ attempts, last_error: error, next_attempt_at: new Date(Date.now() + delay) })
    .where('id', '=', row.id)
    .execute();
}
