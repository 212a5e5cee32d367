/**
 * Applying the received objects beyond alerts, in the inbox transaction: which agency owns each
 * (only the owner may send it), its identity for the inbox record, and the handler that stores it.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { receiveFeedback } from '../intel/feedback.ts';
import { receiveOperation, receiveTally } from '../intel/joint-operations.ts';
import { receiveJointStatistics } from '../intel/joint-stats.ts';
import { receiveMoReport, receiveMoWithdrawal } from '../intel/mo-reports.ts';
import type { Envelope } from './envelope.ts';
import type { InboxOutcome } from './inbox.ts';
import type { Partner } from './partners.repo.ts';

export type InboxEnvelope = Exclude<Envelope, { kind: 'feed.request' }>;
export type ObjectEnvelope = Exclude<InboxEnvelope, { kind: 'alert.upsert' | 'alert.withdraw' }>;

/** The agency that owns the object a message carries: the only partner allowed to send it. */
export function ownerOf(e: InboxEnvelope): string {
  switch (e.kind) {
    case 'alert.upsert':
    case 'alert.withdraw':
    case 'mo.upsert':
    case 'mo.withdraw':
      return e.object.originAgency;
    case 'feedback.upsert':
      return e.object.reportingAgency;
    case 'stats.figures':
    case 'operation.tally':
      return e.object.agency;
    case 'operation.upsert':
      return e.object.leadAgency;
  }
}

/** The object's identity and version, as recorded in the inbox. */
export function objectRef(e: InboxEnvelope): { uid: string; version: number } {
  if (e.kind === 'operation.tally')
    return { uid: `${e.object.operationUid}:${e.object.agency}`, version: e.object.version };
  return { uid: e.object.uid, version: e.object.version };
}

export async function applyObjectMessage(
  trx: Transaction<DB>,
  e: ObjectEnvelope,
  partner: Partner,
): Promise<{ outcome: InboxOutcome; hits: number }> {
  switch (e.kind) {
    case 'feedback.upsert':
      return { outcome: await receiveFeedback(trx, e.object, partner), hits: 0 };
    case 'mo.upsert':
      return { outcome: await receiveMoReport(trx, e.object, partner), hits: 0 };
    case 'mo.withdraw':
      return { outcome: await receiveMoWithdrawal(trx, e.object, partner), hits: 0 };
    case 'stats.figures':
      return { outcome: await receiveJointStatistics(trx, e.object, partner), hits: 0 };
    case 'operation.upsert':
      return { outcome: await receiveOperation(trx, e.object, partner, e.to), hits: 0 };
    case 'operation.tally':
      return { outcome: await receiveTally(trx, e.object, partner), hits: 0 };
  }
}
