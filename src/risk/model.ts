/**
 * The risk model around the gradient-boosted trees of src/lib/gbdt: how a container's risk view
 * becomes a row of numbers, how a model is stored, how it scores and explains one container,
 * and how two models are compared on a time-based holdout (champion/challenger). Pure: no I/O.
 *
 * Categorical features arrive as text; each gets a vocabulary fixed at training (text → code).
 * A value never seen in training gets a code beyond the vocabulary, which the engine maps to the
 * prior of its target statistics: unknown parties are neither trusted nor suspected.
 */
import { z } from 'zod';
import {
  type Dataset,
  deserialize,
  type FeatureSpec,
  logLoss,
  type Model,
  rocAuc,
  serialize,
} from '../lib/gbdt/index.ts';
import type { AssessedContribution, ModelScore } from './assessment.ts';
import { describeContribution, FEATURES, featureVector } from './features.ts';
import type { ContainerView } from './view.ts';

export type FeatureValue = number | string | null;

/** A trained model with what it needs to read views: feature list and vocabularies. */
export interface RiskModel {
  version: number;
  features: FeatureSpec[];
  /** Per categorical feature name, its values in code order. */
  vocabularies: Record<string, string[]>;
  engine: Model;
}

const storedModel = z.object({
  format: z.literal('tandem-risk-model/1'),
  features: z.array(z.object({ name: z.string(), kind: z.enum(['numeric', 'categorical']) })),
  vocabularies: z.record(z.string(), z.array(z.string())),
  engine: z.unknown(),
});

/** The JSON kept in models.model. */
export function storeModel(model: Omit<RiskModel, 'version'>): Record<string, unknown> {
  return {
    format: 'tandem-risk-model/1',
    features: model.features,
    vocabularies: model.vocabularies,
    engine: serialize(model.engine),
  };
}

/** Reads a stored model back; a model stored by another feature list is refused with the difference. */
export function loadModel(version: number, json: unknown): RiskModel {
  const parsed = storedModel.parse(json);
  const expected = currentFeatureSpecs().map((f) => `${f.name}:${f.kind}`);
  const stored = parsed.features.map((f) => `${f.name}:${f.kind}`);
  if (expected.join(',') !== stored.join(',')) {
    const missing = expected.filter((f) => !stored.includes(f));
    const extra = stored.filter((f) => !expected.includes(f));
    throw new Error(
      `model v${version} was trained on other features (missing: ${missing.join(', ') || 'none'}; no longer computed: ${extra.join(', ') || 'none'}); train a new model`,
    );
  }
  return {
    version,
    features: parsed.features,
    vocabularies: parsed.vocabularies,
    engine: deserialize(parsed.engine),
  };
}

/** The engine's feature list for the features computed today. */
export function currentFeatureSpecs(): FeatureSpec[] {
  return FEATURES.map((f) => ({ name: f.name, kind: f.kind }));
}

/** Vocabularies of the categorical features, in first-seen order (deterministic for a given row order). */
export function buildVocabularies(
  features: readonly FeatureSpec[],
  rows: readonly FeatureValue[][],
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  features.forEach((f, i) => {
    if (f.kind !== 'categorical') return;
    const seen = new Set<string>();
    for (const row of rows) {
      const v = row[i];
      if (typeof v === 'string' && v !== '') seen.add(v);
    }
    out[f.name] = [...seen];
  });
  return out;
}

/** Encodes feature values as the engine's numbers: missing → NaN, text → vocabulary code. */
export function encodeRow(
  features: readonly FeatureSpec[],
  vocabularies: Record<string, string[]>,
  values: readonly FeatureValue[],
  lookups = vocabularyLookups(vocabularies),
): Float64Array {
  const out = new Float64Array(features.length);
  features.forEach((f, i) => {
    const v = values[i];
    if (v === null || v === undefined || v === '') out[i] = Number.NaN;
    else if (f.kind === 'categorical') {
      const lookup = lookups.get(f.name);
      const code = lookup?.get(String(v));
      out[i] = code ?? lookup?.size ?? 0;
    } else out[i] = typeof v === 'number' ? v : Number(v);
  });
  return out;
}

export function vocabularyLookups(vocabularies: Record<string, string[]>): Map<string, Map<string, number>> {
  return new Map(
    Object.entries(vocabularies).map(([name, values]) => [name, new Map(values.map((v, i) => [v, i]))]),
  );
}

export interface LabelledRow {
  values: FeatureValue[];
  hit: boolean;
  /** Inverse-propensity weight: 1 / the probability that the container came to be inspected. */
  weight: number;
}

/** A data set for the engine from labelled rows. */
export function toDataset(
  features: readonly FeatureSpec[],
  vocabularies: Record<string, string[]>,
  rows: readonly LabelledRow[],
): Dataset {
  const m = features.length;
  const matrix = new Float64Array(rows.length * m);
  const lookups = vocabularyLookups(vocabularies);
  for (const [i, r] of rows.entries())
    matrix.set(encodeRow(features, vocabularies, r.values, lookups), i * m);
  return {
    features: [...features],
    rows: rows.length,
    columns: matrix,
    labels: Uint8Array.from(rows, (r) => (r.hit ? 1 : 0)),
    weights: Float64Array.from(rows, (r) => r.weight),
  };
}

/** The model's probability for one container and its contributions in plain words. */
export function scoreView(model: RiskModel, view: ContainerView): ModelScore {
  const values = featureVector(view);
  const row = encodeRow(model.features, model.vocabularies, values);
  const probability = model.engine.predictProba(row);
  const shap = model.engine.shap(row);
  const contributions: AssessedContribution[] = model.features.map((f, i) => {
    const value = values[i] ?? null;
    const contribution = shap.contributions[i] ?? 0;
    return { feature: f.name, value, contribution, text: describeContribution(f.name, value, contribution) };
  });
  return { version: model.version, probability, contributions };
}

export interface HoldoutMetrics {
  rows: number;
  hits: number;
  /** Weighted log-loss (inverse-propensity weights); lower is better. */
  logLoss: number;
  /** ROC AUC, NaN when the holdout has no hit or no clean row. */
  auc: number;
  /** Hits among the top 5 % by probability. */
  hitsAtTop5: number;
}

/** A model's figures on labelled rows. */
export function evaluateOn(model: RiskModel, rows: readonly LabelledRow[]): HoldoutMetrics {
  const lookups = vocabularyLookups(model.vocabularies);
  const probabilities = rows.map((r) =>
    model.engine.predictProba(encodeRow(model.features, model.vocabularies, r.values, lookups)),
  );
  const labels = Uint8Array.from(rows, (r) => (r.hit ? 1 : 0));
  const weights = Float64Array.from(rows, (r) => r.weight);
  const k = Math.ceil(rows.length * 0.05);
  const top = probabilities
    .map((p, i) => ({ p, i }))
    .sort((a, b) => b.p - a.p || a.i - b.i)
    .slice(0, k);
  return {
    rows: rows.length,
    hits: labels.reduce((s, y) => s + y, 0),
    logLoss: rows.length === 0 ? Number.NaN : logLoss(probabilities, labels, weights),
    auc: rocAuc(probabilities, labels),
    hitsAtTop5: top.reduce((s, t) => s + (labels[t.i] ?? 0), 0),
  };
}

/** How much worse a challenger may be and still count as "not worse" (noise of a small holdout). */
export const PROMOTION_TOLERANCE = { logLoss: 0.01, auc: 0.01 } as const;

export interface PromotionVerdict {
  promote: boolean;
  reasons: string[];
}

/**
 * Champion/challenger: the challenger is promoted when it is not worse than the champion on the
 * same time-based holdout: weighted log-loss at most 1 % higher and ROC AUC at most 0.01 lower
 * (AUC is skipped when the holdout has no hit). Without a champion any model may be promoted.
 */
export function comparePromotion(
  challenger: HoldoutMetrics,
  champion: HoldoutMetrics | null,
): PromotionVerdict {
  if (!champion) return { promote: true, reasons: ['there is no champion yet'] };
  const reasons: string[] = [];
  const f = (x: number) => (Number.isNaN(x) ? 'n/a' : x.toFixed(4));
  const lossLimit = champion.logLoss * (1 + PROMOTION_TOLERANCE.logLoss);
  const lossOk = !(challenger.logLoss > lossLimit);
  reasons.push(
    `log-loss ${f(challenger.logLoss)} vs champion ${f(champion.logLoss)} (limit ${f(lossLimit)}): ${lossOk ? 'not worse' : 'worse'}`,
  );
  let aucOk = true;
  if (!Number.isNaN(champion.auc) && !Number.isNaN(challenger.auc)) {
    aucOk = challenger.auc >= champion.auc - PROMOTION_TOLERANCE.auc;
    reasons.push(
      `ROC AUC ${f(challenger.auc)} vs champion ${f(champion.auc)}: ${aucOk ? 'not worse' : 'worse'}`,
    );
  } else reasons.push('ROC AUC not comparable (the holdout has no hit or no clean row)');
  return { promote: lossOk && aucOk, reasons };
}
