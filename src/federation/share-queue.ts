/**
 * Applies the sharing decision to the delivery outbox, in the transaction that changes the alert:
 * for each partner, a redacted upsert is queued (or held for four-eyes approval), or — when a
 * partner that already had the alert may no longer have it, or the alert is withdrawn — a
 * withdrawal. Only local alerts are ever queued: received intelligence is never passed on.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { alertIdentifiersSchema } from '../intel/alert.ts';
import type { AlertRow } from '../intel/alerts.repo.ts';
import type { AlertWire } from './envelope.ts';
import { findPartner, listPartners } from './partners.repo.ts';
import { decideSharing, type PartnerPolicy, type SharingReason } from './sharing.ts';

export interface PartnerShareOutcome {
  partner: string;
  queued: 'upsert' | 'upsert_awaiting_approval' | 'withdraw' | 'nothing';
  reason: SharingReason | 'withdrawn';
  redactions: string[];
}

const PERSONAL_DATA_FIELDS = ['identifiers.parties'];

/** The alert as it travels, with the given fields removed. */
export function alertWire(row: AlertRow, redactions: readonly string[]): AlertWire {
  const ids = alertIdentifiersSchema.parse(row.identifiers);
  return {
    uid: row.uid,
    originAgency: row.origin_agency,
    version: row.version,
    subject: row.subject,
    title: row.title,
    description: row.description,
    recommendedAction: row.recommended_action,
    validFrom: row.valid_from.toISOString(),
    validUntil: row.valid_until?.toISOString() ?? null,
    sourceReliability: row.source_reliability,
    infoCredibility: row.info_credibility,
    tlp: row.tlp,
    recipients: row.recipients,
    identifiers: { ...ids, parties: redactions.includes('identifiers.parties') ? [] : ids.parties },
  };
}

function hasPersonalData(row: AlertRow): string[] {
  return alertIdentifiersSchema.parse(row.identifiers).parties.length > 0 ? PERSONAL_DATA_FIELDS : [];
}

/** Cancels shares of the alert still awaiting approval; returns the latest one sent or pending. */
async function supersedeEarlierShares(trx: Transaction<DB>, alertId: number, partnerCode: string) {
  await trx
    .updateTable('federation_deliveries')
    .set({ status: 'cancelled' })
    .where('alert_id', '=', alertId)
    .where('partner_code', '=', partnerCode)
    .where('status', '=', 'awaiting_approval')
    .execute();
  return trx
    .selectFrom('federation_deliveries')
    .select('kind')
    .where('alert_id', '=', alertId)
    .where('partner_code', '=', partnerCode)
    .where('status', 'in', ['pending', 'delivered'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Queues what the sharing decision allows for every partner; call in the alert's transaction. */
export async function queueAlertShares(trx: Transaction<DB>, row: AlertRow): Promise<PartnerShareOutcome[]> {
  if (!row.local) return [];
  const outcomes: PartnerShareOutcome[] = [];
  for (const partner of await listPartners(trx)) {
    // A newer version supersedes any share of an older one still waiting for approval. A first
    // version has no earlier share to cancel or to look at.
    const previouslySent =
      row.version > 1 ? await supersedeEarlierShares(trx, row.id, partner.code) : undefined;
    const partnerHasIt = previouslySent?.kind === 'alert.upsert';
    const queue = async (kind: 'alert.upsert' | 'alert.withdraw', payload: object, awaiting: boolean) =>
      trx
        .insertInto('federation_deliveries')
        .values({
          message_id: randomUUID(),
          partner_code: partner.code,
          alert_id: row.id,
          alert_version: row.version,
          kind,
          payload: JSON.stringify(payload),
          status: awaiting ? 'awaiting_approval' : 'pending',
        })
        .execute();
    const withdrawal = { uid: row.uid, originAgency: row.origin_agency, version: row.version };

    if (row.status === 'withdrawn') {
      if (partnerHasIt) await queue('alert.withdraw', withdrawal, false);
      outcomes.push({
        partner: partner.code,
        queued: partnerHasIt ? 'withdraw' : 'nothing',
        reason: 'withdrawn',
        redactions: [],
      });
      continue;
    }
    const decision = decideSharing(
      { type: 'alert', tlp: row.tlp, recipients: row.recipients, personalDataFields: hasPersonalData(row) },
      partner.policy,
      partner.code,
    );
    if (decision.share) {
      await queue('alert.upsert', alertWire(row, decision.redactions), decision.needsApproval);
      outcomes.push({
        partner: partner.code,
        queued: decision.needsApproval ? 'upsert_awaiting_approval' : 'upsert',
        reason: decision.reason,
        redactions: decision.redactions,
      });
      continue;
    }
    // No longer shareable (e.g. the marking was raised): the partner must drop what it holds.
    if (partnerHasIt) await queue('alert.withdraw', withdrawal, false);
    outcomes.push({
      partner: partner.code,
      queued: partnerHasIt ? 'withdraw' : 'nothing',
      reason: decision.reason,
      redactions: [],
    });
  }
  return outcomes;
}

/**
 * After a partner's sharing policy changed: each local active alert the partner holds (its latest
 * share there is an upsert, sent or pending) that the new policy no longer lets it have as it is
 * (not at all, or not with its party names) gets a new version and is shared again, so that this
 * partner receives a withdrawal or the redacted copy; other partners receive the same content at
 * the new version. Returns the ids of the alerts shared again. Call in the policy's transaction.
 */
export async function reshareAlertsAfterPolicy(
  trx: Transaction<DB>,
  partnerCode: string,
  before: PartnerPolicy,
  actor: string,
): Promise<number[]> {
  const partner = await findPartner(trx, partnerCode);
  if (!partner) return [];
  const held = await trx
    .selectFrom('intel_alerts as a')
    .selectAll('a')
    .where('a.local', '=', true)
    .where('a.status', '=', 'active')
    .where(
      sql<string>`(select d.kind from federation_deliveries d
                    where d.alert_id = a.id and d.partner_code = ${partnerCode}
                      and d.status in ('pending', 'delivered')
                    order by d.id desc limit 1)`,
      '=',
      'alert.upsert',
    )
    .execute();
  const reshared: number[] = [];
  for (const row of held) {
    const content = {
      type: 'alert' as const,
      tlp: row.tlp,
      recipients: row.recipients,
      personalDataFields: hasPersonalData(row),
    };
    const now = decideSharing(content, partner.policy, partner.code);
    const then = decideSharing(content, before, partner.code);
    const redactedMore = now.share && now.redactions.length > (then.share ? then.redactions.length : 0);
    if (now.share && !redactedMore) continue;
    const bumped = await trx
      .updateTable('intel_alerts')
      .set({ version: sql`version + 1`, updated_by: actor, updated_at: new Date() })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await queueAlertShares(trx, bumped);
    reshared.push(row.id);
  }
  return reshared;
}
