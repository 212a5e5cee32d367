/**
 * The assessment of one container, pure: combines the risk profiles that hit with the model's
 * calibrated probability into one score, keeps the main feature contributions in plain words,
 * and writes the reason a person reads on the worklist.
 *
 * Score, in points: 100 × model probability (0 without a model) + the sum of the weights of the
 * "add to score" profiles that hit + PARTNER_ALERT_POINTS for each matching partner alert. A
 * profile weight is thus worth as many points as a model probability of weight %, which is how
 * analysts are told to set weights (docs/risk-targeting.md).
 *
 * Partner alerts act by their recommended action: every matching alert adds its points
 * (`monitor` does only that); an alert recommending `hold` or `scan_on_arrival` that designates
 * the container itself (its number, a seal on it, or its transport document) also makes the
 * container a mandatory selection. A match on the vessel or a party only adds points: an alert
 * on a ship or a company must not force every box it carries into the scanners.
 */
import type { SelectionReason } from './selection.ts';
import type { PartnerMatch } from './view.ts';

/** A profile that hit, as recorded with the assessment. */
export interface AssessedProfileHit {
  profileId: number;
  version: number;
  name: string;
  weight: number;
  action: 'score' | 'select';
}

/** One feature's share of the model's log-odds, with the sentence shown to officers. */
export interface AssessedContribution {
  feature: string;
  value: string | number | boolean | null;
  /** TreeSHAP contribution to the log-odds. */
  contribution: number;
  text: string;
}

export interface ModelScore {
  version: number;
  probability: number;
  /** The largest contributions by absolute size, at most TOP_CONTRIBUTIONS. */
  contributions: AssessedContribution[];
}

export interface AssessmentDraft {
  score: number;
  probability: number | null;
  mandatory: boolean;
  profileHits: AssessedProfileHit[];
  contributions: AssessedContribution[];
  modelVersion: number | null;
  /** Profile id → version of every profile that was evaluated (hit or not). */
  profileVersions: Record<string, number>;
  /** Why the container scored what it scored; the selection phrase is put in front later. */
  explanation: string;
}

export const TOP_CONTRIBUTIONS = 5;

/** Points a matching partner alert adds to the score: as much as a model probability of 30 %. */
export const PARTNER_ALERT_POINTS = 30;

/** Whether a partner alert's match forces the container's selection (see the header). */
export function forcesSelection(m: PartnerMatch): boolean {
  return m.recommendedAction !== 'monitor' && (m.on === 'container' || m.on === 'consignment');
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
const points = (x: number): string => x.toFixed(2);
const signed = (x: number): string => (x >= 0 ? `+${points(x)}` : points(x));

/** Scores one container from its profile hits and (when a champion exists) its model score. */
export function composeAssessment(
  hits: readonly AssessedProfileHit[],
  model: ModelScore | null,
  profileVersions: Record<string, number>,
  partnerAlerts: readonly PartnerMatch[] = [],
): AssessmentDraft {
  const scoring = hits.filter((h) => h.action === 'score');
  const profilePoints = scoring.reduce((s, h) => s + h.weight, 0);
  const modelPoints = model ? 100 * model.probability : 0;
  const partnerPoints = PARTNER_ALERT_POINTS * partnerAlerts.length;
  const score = round2(modelPoints + profilePoints + partnerPoints);
  const forcing = partnerAlerts.filter(forcesSelection);
  const mandatory = hits.some((h) => h.action === 'select') || forcing.length > 0;
  const contributions = model ? topContributions(model.contributions) : [];

  const parts: string[] = [];
  if (model)
    parts.push(
      `model v${model.version} ${points(modelPoints)} (probability ${(model.probability * 100).toFixed(2)} %)`,
    );
  else parts.push('no champion model');
  parts.push(
    scoring.length === 0
      ? 'no scoring profile hit'
      : `profiles ${points(profilePoints)} (${scoring.map((h) => `"${h.name}" v${h.version} ${signed(h.weight)}`).join(', ')})`,
  );
  if (partnerAlerts.length > 0)
    parts.push(`partner alerts ${points(partnerPoints)} (${partnerAlerts.map(describeMatch).join(', ')})`);
  let explanation = `score ${points(score)} = ${parts.join(' + ')}`;
  const always = hits.filter((h) => h.action === 'select');
  if (always.length > 0)
    explanation += `; always-select profiles hit: ${always.map((h) => `"${h.name}" v${h.version}`).join(', ')}`;
  if (forcing.length > 0)
    explanation += `; selection required by partner alert: ${forcing.map((m) => `${m.originAgency} recommends ${m.recommendedAction.replaceAll('_', ' ')}`).join(', ')}`;
  if (contributions.length > 0)
    explanation += `; main factors: ${contributions.map((c) => c.text).join('; ')}`;

  return {
    score,
    probability: model ? model.probability : null,
    mandatory,
    profileHits: [...hits],
    contributions,
    modelVersion: model ? model.version : null,
    profileVersions,
    explanation,
  };
}

const IDENTIFIER_WORDS: Record<string, string> = {
  container: 'container',
  transport_document: 'transport document',
  seal: 'seal',
  imo: 'vessel IMO',
  party_name: 'party',
  party_identifier: 'party id',
};

function describeMatch(m: PartnerMatch): string {
  return `${m.originAgency} ${m.recommendedAction.replaceAll('_', ' ')}: ${IDENTIFIER_WORDS[m.identifierKind] ?? m.identifierKind} ${m.identifierValue}`;
}

/** The largest contributions by absolute size, largest first. */
export function topContributions(
  all: readonly AssessedContribution[],
  n = TOP_CONTRIBUTIONS,
): AssessedContribution[] {
  return [...all]
    .filter((c) => c.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution) || a.feature.localeCompare(b.feature))
    .slice(0, n);
}

/** The sentence that opens the reason: what was decided and why. */
export function selectionPhrase(
  reason: SelectionReason | null,
  detail: { probability?: number | null; overCapacity?: boolean; partnerAlert?: boolean } = {},
): string {
  switch (reason) {
    case 'manual':
      return 'selected manually by an officer';
    case 'mandatory_profile':
      if (detail.partnerAlert)
        return detail.overCapacity
          ? 'selected: a partner alert requires it (beyond the scanner capacity of the day)'
          : 'selected: a partner alert requires it';
      return detail.overCapacity
        ? 'selected: an always-select profile hit (beyond the scanner capacity of the day)'
        : 'selected: an always-select profile hit';
    case 'risk':
      return 'selected for its risk score (among the highest of the port-day)';
    case 'exploration':
      return `selected at random for learning (probability ${((detail.probability ?? 0) * 100).toFixed(2)} %)`;
    default:
      return 'not selected';
  }
}

/** Reads the score back from a stored reason (the worklist and the tests check they agree). */
export function scoreInReason(reason: string): number | null {
  const m = /score (-?\d+\.\d{2}) =/.exec(reason);
  return m ? Number(m[1]) : null;
}
