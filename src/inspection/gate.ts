/**
 * The release gate's answer, as pure logic: from what the database says about a container's
 * holds to the decision and reason codes a terminal receives.
 *
 * Reason codes are deliberately coarse. A terminal is a private operator and its staff can be
 * insiders of a rip-on/rip-off network, so the gate never says why a box was selected (profile,
 * model, random share, intelligence), never says whether an override is being requested, and
 * never distinguishes a manual hold from a selection. It says only that customs holds the box
 * and which kind of inspection is still outstanding, which the terminal must know to move the
 * box to the scanner or the inspection shed. See docs/barrier.md.
 */

import type { GateDecision, HoldStatus, InspectionType } from '../db/tables/inspection.ts';
import { parseContainerNumber } from '../domain/index.ts';

/** Reason codes of a HOLD answer. */
export const HOLD_CODES = {
  /** Customs holds the container; always present on a HOLD. */
  CUSTOMS_HOLD: 'CUSTOMS_HOLD',
  /** A scan is required and not yet completed. */
  SCAN_PENDING: 'SCAN_PENDING',
  /** A physical inspection is required and not yet completed. */
  PHYSICAL_PENDING: 'PHYSICAL_PENDING',
  /**
   * Customs has not finished assessing the container's manifest yet (no hold is placed yet): ask
   * again later. Says nothing about the outcome.
   */
  ASSESSMENT_PENDING: 'ASSESSMENT_PENDING',
} as const;

/** Reason codes of a RELEASE answer. */
export const RELEASE_CODES = {
  /** No customs hold on the container (none, or none recent). */
  NO_CUSTOMS_HOLD: 'NO_CUSTOMS_HOLD',
  /** A recent hold was lifted because its required inspections are complete. */
  INSPECTIONS_COMPLETE: 'INSPECTIONS_COMPLETE',
  /** A recent hold was lifted by a two-officer override. */
  OVERRIDDEN: 'OVERRIDDEN',
} as const;

/** Reason codes logged (never answered) for a query with an invalid container number. */
export const INVALID_CODES = {
  INVALID_FORMAT: 'INVALID_FORMAT',
  INVALID_CHECK_DIGIT: 'INVALID_CHECK_DIGIT',
} as const;

export type GateReasonCode =
  | (typeof HOLD_CODES)[keyof typeof HOLD_CODES]
  | (typeof RELEASE_CODES)[keyof typeof RELEASE_CODES];

/**
 * A released hold is mentioned in a RELEASE answer (INSPECTIONS_COMPLETE, OVERRIDDEN) for this
 * many days after its release; later the container is simply NO_CUSTOMS_HOLD.
 */
export const RECENT_RELEASE_DAYS = 30;

/**
 * A consignment created or corrected in this many days that the risk worker has not assessed yet
 * keeps its containers at the gate (ASSESSMENT_PENDING). Older ones no longer do, so that a
 * manifest that was never assessed (while risk targeting was down for weeks, say) cannot hold a
 * box for ever; the risk worker assesses new manifests within seconds.
 */
export const ASSESSMENT_WINDOW_DAYS = 30;

/** What the gate's one lookup returns: the active hold, or else the latest recently lifted one. */
export interface GateHoldRow {
  id: number;
  status: HoldStatus;
  required: InspectionType[];
  /** Kinds with a completed inspection (read for an active hold only). */
  completed: InspectionType[];
}

/** What the gate knows of a container: the hold it answers from, and whether assessment is pending. */
export interface GateState {
  hold?: GateHoldRow;
  assessmentPending: boolean;
}

export interface GateAnswer {
  containerNumber: string;
  decision: Exclude<GateDecision, 'INVALID'>;
  reasons: GateReasonCode[];
  holdId?: number;
  checkedAt: string;
}

const PENDING_CODE: Record<InspectionType, GateReasonCode> = {
  scan: HOLD_CODES.SCAN_PENDING,
  physical: HOLD_CODES.PHYSICAL_PENDING,
};

/** Order in which pending inspections are named: the scan comes first at the terminal. */
const KIND_ORDER: readonly InspectionType[] = ['scan', 'physical'];

/**
 * The gate's answer for a valid container number and what the database says of it. In order: an
 * active hold holds the box; else a manifest not yet assessed holds it; else a hold lifted recently
 * is named in the RELEASE; else nothing holds it.
 */
export function gateAnswer(
  containerNumber: string,
  state: GateState | undefined,
  checkedAt: Date,
): GateAnswer {
  const at = checkedAt.toISOString();
  const hold = state?.hold;
  if (hold?.status === 'active') {
    const done = new Set(hold.completed);
    const pending = KIND_ORDER.filter((k) => hold.required.includes(k) && !done.has(k)).map(
      (k) => PENDING_CODE[k],
    );
    return {
      containerNumber,
      decision: 'HOLD',
      reasons: [HOLD_CODES.CUSTOMS_HOLD, ...pending],
      holdId: hold.id,
      checkedAt: at,
    };
  }
  if (state?.assessmentPending) {
    return {
      containerNumber,
      decision: 'HOLD',
      reasons: [HOLD_CODES.CUSTOMS_HOLD, HOLD_CODES.ASSESSMENT_PENDING],
      checkedAt: at,
    };
  }
  if (!hold)
    return { containerNumber, decision: 'RELEASE', reasons: [RELEASE_CODES.NO_CUSTOMS_HOLD], checkedAt: at };
  const why = hold.status === 'overridden' ? RELEASE_CODES.OVERRIDDEN : RELEASE_CODES.INSPECTIONS_COMPLETE;
  return { containerNumber, decision: 'RELEASE', reasons: [why], holdId: hold.id, checkedAt: at };
}

export type ParsedGateNumber =
  | { ok: true; containerNumber: string }
  | { ok: false; code: (typeof INVALID_CODES)[keyof typeof INVALID_CODES]; reason: string; logged: string };

/** Longest text of an invalid number kept in the gate log (a caller cannot flood it). */
const MAX_LOGGED_LENGTH = 32;

/**
 * Checks a container number as a terminal sends it (spaces, hyphens and lower case tolerated)
 * with the ISO 6346 check digit; an invalid one keeps a shortened copy for the log.
 */
export function parseGateNumber(raw: string): ParsedGateNumber {
  const parsed = parseContainerNumber(raw);
  if (parsed.ok) return { ok: true, containerNumber: parsed.value.number };
  const code =
    parsed.code === 'invalid_check_digit' ? INVALID_CODES.INVALID_CHECK_DIGIT : INVALID_CODES.INVALID_FORMAT;
  return { ok: false, code, reason: parsed.reason, logged: raw.slice(0, MAX_LOGGED_LENGTH) };
}
