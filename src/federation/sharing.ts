/**
 * The sharing decision, taken when an object is created or changed and before anything reaches
 * the delivery outbox. TLP 2.0 (FIRST): RED goes only to named recipients; AMBER+STRICT stays in
 * the organisation, so never to a partner; CLEAR, GREEN and AMBER follow the partner's policy
 * (object types allowed, highest marking). Personal-data fields are removed unless the partner's
 * agreement allows them. Pure: no I/O, tested with tables of cases.
 */
import { z } from 'zod';
import type { Tlp } from '../intel/alert.ts';

export const objectTypeSchema = z.enum(['alert', 'mo_report', 'feedback', 'joint_operation']);
export type SharedObjectType = z.infer<typeof objectTypeSchema>;

export const partnerPolicySchema = z.object({
  allow: z.array(objectTypeSchema).default([]),
  tlpMax: z.enum(['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT']).default('GREEN'),
  personalData: z.boolean().default(false),
  fourEyes: z.boolean().default(false),
  /** The agreement to exchange aggregated seizure figures (joint statistics; no TLP, no personal data). */
  shareStatistics: z.boolean().default(false),
});
export type PartnerPolicy = z.infer<typeof partnerPolicySchema>;

/** What the decision needs to know of the object. */
export interface ShareableObject {
  type: SharedObjectType;
  tlp: Tlp;
  /** Partner codes named as recipients (meaningful for RED). */
  recipients: readonly string[];
  /** Names of the fields that hold personal data and are present. */
  personalDataFields: readonly string[];
}

export type SharingReason =
  | 'allowed'
  | 'named_recipient'
  | 'red_not_named'
  | 'amber_strict_stays_inside'
  | 'type_not_allowed'
  | 'above_tlp_max';

export interface SharingDecision {
  share: boolean;
  reason: SharingReason;
  /** Fields to remove before the object leaves. */
  redactions: string[];
  /** The share waits for a second person's approval. */
  needsApproval: boolean;
}

const TLP_RANK: Record<Tlp, number> = { CLEAR: 0, GREEN: 1, AMBER: 2, 'AMBER+STRICT': 3, RED: 4 };

/** Decides whether `object` may go to the partner `partnerCode` under `policy`, and how redacted. */
export function decideSharing(
  object: ShareableObject,
  policy: Pick<PartnerPolicy, 'allow' | 'tlpMax' | 'personalData' | 'fourEyes'>,
  partnerCode: string,
): SharingDecision {
  const refuse = (reason: SharingReason): SharingDecision => ({
    share: false,
    reason,
    redactions: [],
    needsApproval: false,
  });
  if (!policy.allow.includes(object.type)) return refuse('type_not_allowed');
  let reason: SharingReason = 'allowed';
  if (object.tlp === 'RED') {
    if (!object.recipients.includes(partnerCode)) return refuse('red_not_named');
    reason = 'named_recipient';
  } else if (object.tlp === 'AMBER+STRICT') {
    return refuse('amber_strict_stays_inside');
  } else if (TLP_RANK[object.tlp] > TLP_RANK[policy.tlpMax]) {
    return refuse('above_tlp_max');
  }
  return {
    share: true,
    reason,
    redactions: policy.personalData ? [] : [...object.personalDataFields],
    needsApproval: policy.fourEyes,
  };
}
