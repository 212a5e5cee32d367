/**
 * The sharing decision applied to the delivery outbox for the objects beyond alerts (feedback,
 * modus-operandi reports, joint operations and their tallies), in the transaction that changes
 * the object: per partner, an upsert (possibly held for four-eyes approval), or a withdrawal when
 * a partner that holds the object may no longer have it. Joint statistics follow the
 * `shareStatistics` agreement instead (no TLP, no personal data). Only this instance's own
 * objects are queued: what partners sent is never passed on.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { writeAudit } from '../db/audit.ts';
import type { DB } from '../db/schema.ts';
import type { FederationMessageKind, FederationObjectType } from '../db/tables/federation.ts';
import { errors } from '../errors.ts';
import type { Tlp } from '../intel/alert.ts';
import { listPartners, type Partner } from './partners.repo.ts';
import type { PartnerShareOutcome } from './share-queue.ts';
import { decideSharing, type SharedObjectType } from './sharing.ts';

export interface OutboundObject {
  type: SharedObjectType & FederationObjectType;
  id: number;
  version: number;
  tlp: Tlp;
  /** Named recipients (what TLP:RED needs). */
  recipients: readonly string[];
  personalDataFields?: readonly string[];
  /** Only these partners are considered (the originator of an alert, an operation's participants). */
  audience?: readonly string[];
  upsert: { kind: FederationMessageKind; payload: (redactions: readonly string[]) => object };
  /** How partners that hold the object drop it; absent for objects that are never withdrawn. */
  withdraw?: { kind: FederationMessageKind; payload: object };
  withdrawn?: boolean;
  /** Leave shares of the object held for approval alone (a message that is not a new version of it). */
  keepHeld?: boolean;
}

async function enqueue(
  trx: Transaction<DB>,
  partner: string,
  o: { type: FederationObjectType; id: number | null; version: number },
  kind: FederationMessageKind,
  payload: object,
  awaiting: boolean,
): Promise<void> {
  await trx
    .insertInto('federation_deliveries')
    .values({
      message_id: randomUUID(),
      partner_code: partner,
      alert_id: null,
      alert_version: o.version,
      object_type: o.type,
      object_id: o.id,
      kind,
      payload: JSON.stringify(payload),
      status: awaiting ? 'awaiting_approval' : 'pending',
    })
    .execute();
}

/** Queues what the policy allows of `o` for every partner (of its audience); call in its transaction. */
export async function queueObjectShares(
  trx: Transaction<DB>,
  o: OutboundObject,
): Promise<PartnerShareOutcome[]> {
  const outcomes: PartnerShareOutcome[] = [];
  const partners = (await listPartners(trx)).filter((p) => !o.audience || o.audience.includes(p.code));
  for (const partner of partners) {
    // A newer version supersedes a share of an older one still waiting for approval.
    if (!o.keepHeld)
      await trx
        .updateTable('federation_deliveries')
        .set({ status: 'cancelled' })
        .where('object_type', '=', o.type)
        .where('object_id', '=', o.id)
        .where('partner_code', '=', partner.code)
        .where('status', '=', 'awaiting_approval')
        .execute();
    const partnerHasIt = await holds(trx, partner, o);
    const dropIt = async (): Promise<boolean> => {
      if (!partnerHasIt || !o.withdraw) return false;
      await enqueue(trx, partner.code, o, o.withdraw.kind, o.withdraw.payload, false);
      return true;
    };
    if (o.withdrawn) {
      outcomes.push({
        partner: partner.code,
        queued: (await dropIt()) ? 'withdraw' : 'nothing',
        reason: 'withdrawn',
        redactions: [],
      });
      continue;
    }
    const decision = decideSharing(
      { type: o.type, tlp: o.tlp, recipients: o.recipients, personalDataFields: o.personalDataFields ?? [] },
      partner.policy,
      partner.code,
    );
    if (decision.share) {
      await enqueue(
        trx,
        partner.code,
        o,
        o.upsert.kind,
        o.upsert.payload(decision.redactions),
        decision.needsApproval,
      );
      outcomes.push({
        partner: partner.code,
        queued: decision.needsApproval ? 'upsert_awaiting_approval' : 'upsert',
        reason: decision.reason,
        redactions: decision.redactions,
      });
      continue;
    }
    outcomes.push({
      partner: partner.code,
      queued: (await dropIt()) ? 'withdraw' : 'nothing',
      reason: decision.reason,
      redactions: [],
    });
  }
  return outcomes;
}

/** Whether the last message of the object queued or sent to the partner left it holding the object. */
async function holds(trx: Transaction<DB>, partner: Partner, o: OutboundObject): Promise<boolean> {
  const last = await trx
    .selectFrom('federation_deliveries')
    .select('kind')
    .where('object_type', '=', o.type)
    .where('object_id', '=', o.id)
    .where('partner_code', '=', partner.code)
    .where('status', 'in', ['pending', 'delivered'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last !== undefined && last.kind === o.upsert.kind;
}

/**
 * The objects of a type that the partner holds, as `holds` judges one: those whose last message
 * queued or sent to it is an upsert. For applying a narrowed policy to what was shared already.
 */
export async function objectsHeldBy(
  trx: Transaction<DB>,
  partnerCode: string,
  type: FederationObjectType,
  upsertKind: FederationMessageKind,
): Promise<number[]> {
  const rows = await sql<{ object_id: number }>`
    select distinct on (object_id) object_id, kind
      from federation_deliveries
     where object_type = ${type} and partner_code = ${partnerCode} and status in ('pending', 'delivered')
     order by object_id, id desc`.execute(trx);
  return (rows.rows as { object_id: number; kind: string }[])
    .filter((r) => r.kind === upsertKind)
    .map((r) => Number(r.object_id));
}

/** Queues a message outside the TLP policy (joint statistics, by agreement); the caller checked the agreement. */
export async function queueAgreedMessage(
  trx: Transaction<DB>,
  partner: string,
  o: { type: FederationObjectType; id: number | null; version: number },
  kind: FederationMessageKind,
  payload: object,
): Promise<void> {
  await enqueue(trx, partner, o, kind, payload, false);
}

/**
 * Releases an object's shares held for four-eyes approval; returns the partners released. The
 * caller checks that the approver is not the author.
 */
export async function releaseHeldShares(
  trx: Transaction<DB>,
  type: FederationObjectType,
  id: number,
  approver: string,
): Promise<string[]> {
  const released = await trx
    .updateTable('federation_deliveries')
    .set({ status: 'pending', approved_by: approver, next_attempt_at: new Date() })
    .where('object_type', '=', type)
    .where('object_id', '=', id)
    .where('status', '=', 'awaiting_approval')
    .returning('partner_code')
    .execute();
  // An operation can hold several shares per partner (the operation and its tallies).
  return [...new Set(released.map((r) => r.partner_code))];
}

/**
 * Approves an object's shares held for four-eyes approval, in the caller's transaction: refuses
 * the author of the current version (when the object has one), releases the held shares, refuses
 * when none was held, and audits the approval. Returns the partners released.
 */
export async function approveHeldShares(
  trx: Transaction<DB>,
  object: {
    type: FederationObjectType;
    id: number;
    version: number;
    /** Who wrote the current version; absent when the system wrote it (any approver will do). */
    author?: string;
    /** How messages name it, e.g. "report". */
    label: string;
    audit: { action: string; entityType: string };
  },
  actor: string,
): Promise<string[]> {
  if (object.author === actor) throw errors.fourEyesSamePerson(actor);
  const released = await releaseHeldShares(trx, object.type, object.id, actor);
  if (released.length === 0)
    throw errors.conflict(`${object.label} ${object.id} has no share waiting for approval`);
  await writeAudit(trx, {
    actor,
    action: object.audit.action,
    entityType: object.audit.entityType,
    entityId: object.id,
    details: { version: object.version, partners: released },
  });
  return released;
}
