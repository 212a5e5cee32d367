/**
 * Delivery of queued messages to partners: per partner, strictly in queue order (a partner that
 * was offline receives everything, in order, when it returns), signed afresh at each attempt,
 * retried with exponential backoff. A refusal that retrying cannot fix (4xx other than 408/429)
 * marks the message rejected and is logged, so one bad message does not block the partner.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { FederationMessageKind } from '../db/tables/federation.ts';
import type { Logger } from '../logger.ts';
import type { Envelope } from './envelope.ts';
import type { AgencyIdentity } from './identity.ts';
import { signJws } from './jws.ts';
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

/** Attempts the next due message of every partner once; returns how many were delivered. */
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
      const outcome = await deliverNext(db, identity, partner, logger, options);
      if (outcome !== 'delivered') break;
      delivered++;
    }
  }
  return delivered;
}

async function deliverNext(
  db: Kysely<DB>,
  identity: AgencyIdentity,
  partner: Partner,
  logger: Logger,
  options: DeliveryOptions,
): Promise<'delivered' | 'failed' | 'waiting' | 'empty'> {
  const row = await db
    .selectFrom('federation_deliveries')
    .selectAll()
    .where('partner_code', '=', partner.code)
    .where('status', '=', 'pending')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (!row) return 'empty';
  if (row.next_attempt_at > new Date()) return 'waiting';
  const token = signQueued(identity, {
    id: row.id,
    messageId: row.message_id,
    partnerCode: partner.code,
    kind: row.kind,
    payload: row.payload,
  });
  const attempts = row.attempts + 1;
  let status = 0;
  let error = '';
  try {
    const response = await fetch(new URL('/federation/v1/inbox', partner.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jws: token }),
      signal: AbortSignal.timeout(options.requestTimeoutMs),
    });
    status = response.status;
    if (!response.ok) error = `HTTP ${status}: ${(await response.text()).slice(0, 500)}`;
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  if (status >= 200 && status < 300) {
    await db
      .updateTable('federation_deliveries')
      .set({ status: 'delivered', attempts, delivered_at: new Date(), last_error: null })
      .where('id', '=', row.id)
      .execute();
    return 'delivered';
  }
  const permanent = status >= 400 && status < 500 && status !== 408 && status !== 429;
  if (permanent) {
    logger.error(
      { partner: partner.code, messageId: row.message_id, error },
      'partner refused a federation message',
    );
    await db
      .updateTable('federation_deliveries')
      .set({ status: 'rejected', attempts, last_error: error })
      .where('id', '=', row.id)
      .execute();
    return 'failed';
  }
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
  return 'failed';
}
