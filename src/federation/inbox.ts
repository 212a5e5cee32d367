/**
 * Receiving a signed message from a partner. Checks, in order: size, shape of the JWS, a known
 * sender (the header's kid), the signature with that partner's key, the envelope, the recipient,
 * the timestamp window. Then, in one transaction: the message id goes into the inbox (its primary
 * key makes processing exactly-once), a byte-identical token seen before is a replay, and the
 * object is applied only if its version is newer than what is held (idempotent by uid + version).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { writeAudit } from '../db/audit.ts';
import { emitEvent } from '../db/outbox.ts';
import type { DB } from '../db/schema.ts';
import { alertIdentifiersSchema, identifierRows } from '../intel/alert.ts';
import { findAlertByUid, insertAlert, replaceIdentifiers, updateAlert } from '../intel/alerts.repo.ts';
import { correlateReceivedAlert } from '../intel/correlation.service.ts';
import { type Envelope, envelopeSchema, MAX_MESSAGE_BYTES, TIMESTAMP_WINDOW_SECONDS } from './envelope.ts';
import { federationErrors } from './errors.ts';
import { peekJwsHeader, verifyJws } from './jws.ts';
import { applyObjectMessage, objectRef, ownerOf } from './object-inbox.ts';
import { MAX_MO_MESSAGE_BYTES } from './object-wire.ts';
import { findPartner, type Partner } from './partners.repo.ts';

export interface VerifiedMessage {
  partner: Partner;
  envelope: Envelope;
  tokenSha256: string;
}

/** Verifies a token from a partner; throws a federation error naming the first failed check. */
export async function verifyMessage(
  db: Kysely<DB>,
  token: string,
  selfCode: string,
  now: Date = new Date(),
): Promise<VerifiedMessage> {
  const size = Buffer.byteLength(token);
  // Only a modus-operandi report (photos inline) may exceed the common limit; see object-wire.ts.
  if (size > MAX_MO_MESSAGE_BYTES) throw federationErrors.oversizedMessage(size, MAX_MO_MESSAGE_BYTES);
  const header = peekJwsHeader(token);
  if (!header) throw federationErrors.malformedMessage('not a compact JWS with alg EdDSA and a kid');
  const partner = await findPartner(db, header.kid);
  if (!partner) throw federationErrors.unknownPartner(header.kid);
  const verified = verifyJws(token, partner.publicKeyPem);
  if (!verified.ok) {
    if (verified.failure === 'bad_signature') throw federationErrors.invalidSignature(partner.code);
    throw federationErrors.malformedMessage(verified.reason);
  }
  const kind = (verified.payload as { kind?: unknown } | null)?.kind;
  if (kind !== 'mo.upsert' && size > MAX_MESSAGE_BYTES)
    throw federationErrors.oversizedMessage(size, MAX_MESSAGE_BYTES);
  const parsed = envelopeSchema.safeParse(verified.payload);
  if (!parsed.success) {
    throw federationErrors.malformedMessage('the envelope does not match the schema', {
      issues: parsed.error.issues
        .slice(0, 10)
        .map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
    });
  }
  const envelope = parsed.data;
  if (envelope.from !== partner.code)
    throw federationErrors.malformedMessage(
      `the envelope says from ${envelope.from} but is signed by ${partner.code}`,
    );
  if (envelope.to !== selfCode) throw federationErrors.wrongRecipient(envelope.to, selfCode);
  const skew = Math.abs(now.getTime() - Date.parse(envelope.sentAt)) / 1000;
  if (skew > TIMESTAMP_WINDOW_SECONDS)
    throw federationErrors.expiredMessage(envelope.sentAt, TIMESTAMP_WINDOW_SECONDS);
  return { partner, envelope, tokenSha256: createHash('sha256').update(token).digest('hex') };
}

export type InboxOutcome = 'applied' | 'stale' | 'duplicate';

/** Processes a verified alert message exactly once. */
export async function processMessage(
  db: Kysely<DB>,
  message: VerifiedMessage,
): Promise<{ outcome: InboxOutcome; hits: number }> {
  const { envelope, partner } = message;
  if (envelope.kind === 'feed.request')
    throw federationErrors.malformedMessage('a feed request is not an inbox message');
  return db
    .transaction()
    .execute(async (trx) => {
      const seen = await trx
        .selectFrom('federation_inbox')
        .select(['token_sha256'])
        .where('message_id', '=', envelope.messageId)
        .executeTakeFirst();
      if (seen) {
        // The sender re-signs each retry, so the same bytes again are a replay, not a retry.
        if (seen.token_sha256 === message.tokenSha256)
          throw federationErrors.replayedMessage(envelope.messageId);
        return { outcome: 'duplicate' as const, hits: 0 };
      }
      const owner = ownerOf(envelope);
      if (owner !== partner.code) {
        // Someone else's object under a valid signature: the sender may not speak for its owner.
        throw federationErrors.impersonation(partner.code, owner);
      }
      const result =
        envelope.kind === 'alert.upsert' || envelope.kind === 'alert.withdraw'
          ? await applyAlertMessage(trx, envelope, partner.code)
          : await applyObjectMessage(trx, envelope, partner);
      const ref = objectRef(envelope);
      const inserted = await trx
        .insertInto('federation_inbox')
        .values({
          message_id: envelope.messageId,
          partner_code: partner.code,
          kind: envelope.kind,
          token_sha256: message.tokenSha256,
          object_uid: ref.uid,
          object_version: ref.version,
          outcome: result.outcome,
        })
        .onConflict((oc) => oc.column('message_id').doNothing())
        .returning('message_id')
        .executeTakeFirst();
      // A concurrent delivery of the same message won the race: undo this one's effects.
      if (!inserted) throw new DuplicateRace();
      return result;
    })
    .catch((e: unknown) => {
      if (e instanceof DuplicateRace) return { outcome: 'duplicate' as const, hits: 0 };
      throw e;
    });
}

class DuplicateRace extends Error {}

async function applyAlertMessage(
  trx: Transaction<DB>,
  envelope: Extract<Envelope, { kind: 'alert.upsert' | 'alert.withdraw' }>,
  partnerCode: string,
): Promise<{ outcome: InboxOutcome; hits: number }> {
  const actor = `partner:${partnerCode}`;
  const existing = await findAlertByUid(trx, envelope.object.uid);
  // Only the issuing agency may change or withdraw an alert, whoever else holds a copy.
  if (existing && (existing.local || existing.origin_agency !== partnerCode)) {
    throw federationErrors.notOwner(partnerCode, existing.uid);
  }
  if (existing && existing.version >= envelope.object.version) return { outcome: 'stale', hits: 0 };
  if (envelope.kind === 'alert.withdraw') {
    if (!existing) return { outcome: 'stale', hits: 0 };
    await trx
      .updateTable('intel_alerts')
      .set({
        status: 'withdrawn',
        version: envelope.object.version,
        updated_by: actor,
        updated_at: new Date(),
      })
      .where('id', '=', existing.id)
      .execute();
    await replaceIdentifiers(trx, existing.id, []);
    await writeAudit(trx, {
      actor,
      action: 'alert.receive_withdrawal',
      entityType: 'alert',
      entityId: existing.id,
      details: { uid: existing.uid, version: envelope.object.version },
    });
    await emitEvent(trx, 'intel.alert.withdrawn', { alertId: existing.id, uid: existing.uid });
    return { outcome: 'applied', hits: 0 };
  }
  const wire = envelope.object;
  const record = {
    ...wire,
    identifiers: alertIdentifiersSchema.parse(wire.identifiers),
    validFrom: new Date(wire.validFrom),
    validUntil: wire.validUntil === null ? null : new Date(wire.validUntil),
    local: false,
    status: 'active' as const,
  };
  const row = existing
    ? await updateAlert(trx, existing.id, record, actor)
    : await insertAlert(trx, record, actor);
  const rows = identifierRows(record.identifiers);
  await replaceIdentifiers(trx, row.id, rows);
  const current = record.validUntil === null || record.validUntil > new Date();
  const hits = current ? await correlateReceivedAlert(trx, row.id, rows) : 0;
  await writeAudit(trx, {
    actor,
    action: 'alert.receive',
    entityType: 'alert',
    entityId: row.id,
    details: { uid: row.uid, version: row.version, tlp: row.tlp, hits },
  });
  await emitEvent(trx, 'intel.alert.received', { alertId: row.id, uid: row.uid, version: row.version });
  return { outcome: 'applied', hits };
}
