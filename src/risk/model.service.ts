/**
 * Model lifecycle: train a candidate on inspection outcomes of a period, evaluate it on a
 * time-based holdout, promote it to champion only when it is not worse than the champion there.
 *
 * Training rows are the containers inspected in [from, to), each with its risk view as known at
 * its assessment moment (so no later fact leaks in), its outcome as label, and the weight
 * 1 / selection probability (inverse-propensity weighting: a box inspected because a random
 * 1-in-40 draw picked it stands for 40 boxes like it). Rows are ordered by decision time; the
 * oldest 70 % train, the next 15 % drive early stopping and calibration, and the newest 15 % are
 * the holdout on which candidate and champion are compared.
 */
import type { Kysely } from 'kysely';
import { writeAudit } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { errors } from '../errors.ts';
import { type TrainParams, type TrainProgress, train } from '../lib/gbdt/index.ts';
import { decisionPoints, labelsBetween } from './assessment.repo.ts';
import { assessmentMoment } from './assessment.service.ts';
import { featureVector } from './features.ts';
import {
  addMetrics,
  championModel,
  insertModel,
  loadStoredModel,
  makeChampion,
  modelSummary,
} from './model.repo.ts';
import {
  buildVocabularies,
  comparePromotion,
  currentFeatureSpecs,
  evaluateOn,
  type HoldoutMetrics,
  type LabelledRow,
  type PromotionVerdict,
  storeModel,
  toDataset,
} from './model.ts';
import { buildContainerViews } from './view.ts';

/** Parameters suited to rare hits and a few thousand labelled rows. */
export const RISK_MODEL_PARAMS: Partial<TrainParams> = {
  numTrees: 200,
  learningRate: 0.05,
  maxLeaves: 15,
  minSamplesLeaf: 10,
  lambda: 5,
  earlyStoppingRounds: 30,
  subsample: 0.8,
  colsample: 0.8,
  seed: 1,
};

export interface TrainingRequest {
  from: string;
  to: string;
  actor: string;
  params?: Partial<TrainParams>;
  onProgress?: (line: string) => void;
}

interface TimedRow extends LabelledRow {
  at: number;
}

/** Labelled rows of containers inspected in [from, to), oldest decision first. */
export async function labelledRows(
  db: Kysely<DB>,
  from: string,
  to: string,
  onProgress?: (line: string) => void,
): Promise<TimedRow[]> {
  const labels = await labelsBetween(db, new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`));
  const points = new Map(
    (await decisionPoints(db, [...new Set(labels.map((l) => l.consignmentId))])).map((p) => [
      p.consignmentId,
      p,
    ]),
  );
  const byMoment = new Map<number, number[]>();
  for (const p of points.values()) {
    // A label's moment is its assessment moment, never after the inspection itself.
    const at = assessmentMoment(p, new Date()).getTime();
    byMoment.set(at, [...(byMoment.get(at) ?? []), p.consignmentId]);
  }
  const wanted = new Map(labels.map((l) => [`${l.consignmentId} ${l.containerId}`, l]));
  const rows: TimedRow[] = [];
  let done = 0;
  for (const [at, ids] of byMoment) {
    for (const view of await buildContainerViews(db, { consignmentIds: ids, asOf: new Date(at) })) {
      const label = wanted.get(`${view.consignmentId} ${view.containerId}`);
      if (!label) continue;
      rows.push({ values: featureVector(view), hit: label.hit, weight: 1 / label.selectionProbability, at });
    }
    done += ids.length;
    onProgress?.(`reading views: ${done}/${points.size} consignments, ${rows.length} labelled containers`);
  }
  return rows.sort((a, b) => a.at - b.at);
}

function splitByTime<T>(rows: T[]): { train: T[]; validation: T[]; holdout: T[] } {
  const a = Math.floor(rows.length * 0.7);
  const b = Math.floor(rows.length * 0.85);
  return { train: rows.slice(0, a), validation: rows.slice(a, b), holdout: rows.slice(b) };
}

export interface TrainingResult {
  version: number;
  rows: number;
  hits: number;
  holdout: HoldoutMetrics;
  trees: number;
  seconds: number;
}

/** Trains a candidate on the outcomes of [from, to) and stores it. */
export async function trainModel(db: Kysely<DB>, request: TrainingRequest): Promise<TrainingResult> {
  const started = performance.now();
  const rows = await labelledRows(db, request.from, request.to, request.onProgress);
  const hits = rows.filter((r) => r.hit).length;
  if (rows.length < 50 || hits < 2) {
    throw errors.validation(
      `not enough inspection outcomes to train on between ${request.from} and ${request.to}: ${rows.length} inspected containers, ${hits} hits (need at least 50 and 2)`,
      { from: request.from, to: request.to, rows: rows.length, hits },
    );
  }
  const features = currentFeatureSpecs();
  const split = splitByTime(rows);
  const vocabularies = buildVocabularies(
    features,
    split.train.map((r) => r.values),
  );
  const params = { ...RISK_MODEL_PARAMS, ...request.params };
  const validation =
    split.validation.length > 0 ? toDataset(features, vocabularies, split.validation) : undefined;
  const engine = train(toDataset(features, vocabularies, split.train), params, {
    ...(validation ? { validation, calibration: validation } : {}),
    onProgress: (p: TrainProgress) =>
      request.onProgress?.(
        `tree ${p.iteration}: train log-loss ${p.trainLoss.toFixed(5)}` +
          (p.validLoss === undefined
            ? ''
            : `, validation ${p.validLoss.toFixed(5)} (best tree ${p.bestIteration})`),
      ),
  });
  const holdout = evaluateOn({ version: 0, features, vocabularies, engine }, split.holdout);
  const metrics = {
    rows: rows.length,
    hits,
    trainRows: split.train.length,
    validationRows: split.validation.length,
    holdout,
    holdoutFrom: split.holdout[0] ? new Date(split.holdout[0].at).toISOString() : null,
    trees: engine.trees.length,
  };
  const version = await db.transaction().execute(async (trx) => {
    const v = await insertModel(trx, {
      createdBy: request.actor,
      trainingFrom: request.from,
      trainingTo: request.to,
      params,
      metrics,
      model: storeModel({ features, vocabularies, engine }),
    });
    await writeAudit(trx, {
      actor: request.actor,
      action: 'model.train',
      entityType: 'model',
      entityId: v,
      details: { from: request.from, to: request.to, rows: rows.length, hits },
    });
    return v;
  });
  return {
    version,
    rows: rows.length,
    hits,
    holdout,
    trees: engine.trees.length,
    seconds: (performance.now() - started) / 1000,
  };
}

export interface Evaluation {
  version: number;
  from: string;
  to: string;
  metrics: HoldoutMetrics;
}

/** A model's figures on the outcomes of [from, to) (kept with the model). */
export async function evaluateModel(
  db: Kysely<DB>,
  version: number,
  from: string,
  to: string,
): Promise<Evaluation> {
  const model = await loadStoredModel(db, version);
  if (!model) throw errors.notFound('model', String(version));
  const metrics = evaluateOn(model, await labelledRows(db, from, to));
  await addMetrics(db, version, { [`evaluation ${from}..${to}`]: metrics });
  return { version, from, to, metrics };
}

export interface PromotionResult extends PromotionVerdict {
  version: number;
  previousChampion: number | null;
  holdout: { from: string; to: string };
  challenger: HoldoutMetrics;
  champion: HoldoutMetrics | null;
}

/**
 * Promotes a candidate when it is not worse than the champion on the candidate's holdout
 * period (the newest 15 % of its training outcomes, by decision time). Refuses with the figures
 * otherwise (409 `conflict`), unless `force` (recorded in the audit log with the reason).
 */
export async function promoteModel(
  db: Kysely<DB>,
  version: number,
  actor: string,
  options: { force?: boolean; reason?: string } = {},
): Promise<PromotionResult> {
  const summary = await modelSummary(db, version);
  const candidate = await loadStoredModel(db, version);
  if (!summary || !candidate) throw errors.notFound('model', String(version));
  if (summary.status === 'champion')
    throw errors.conflict(`model v${version} is already the champion`, { version });
  const holdoutFrom =
    typeof summary.metrics.holdoutFrom === 'string'
      ? summary.metrics.holdoutFrom.slice(0, 10)
      : summary.trainingFrom;
  const rows = await labelledRows(db, holdoutFrom, summary.trainingTo);
  const champion = await championModel(db);
  const challengerMetrics = evaluateOn(candidate, rows);
  const championMetrics = champion ? evaluateOn(champion, rows) : null;
  const verdict = comparePromotion(challengerMetrics, championMetrics);
  const result = {
    version,
    previousChampion: champion?.version ?? null,
    holdout: { from: holdoutFrom, to: summary.trainingTo },
    challenger: challengerMetrics,
    champion: championMetrics,
    ...verdict,
  };
  if (!verdict.promote && !options.force) {
    throw errors.conflict(
      `model v${version} is worse than champion v${champion?.version} on the holdout ${holdoutFrom}..${summary.trainingTo}: ${verdict.reasons.join('; ')}`,
      { ...result },
    );
  }
  await db.transaction().execute(async (trx) => {
    await makeChampion(trx, version);
    await writeAudit(trx, {
      actor,
      action: 'model.promote',
      entityType: 'model',
      entityId: version,
      reason: options.force && !verdict.promote ? (options.reason ?? 'forced') : null,
      details: {
        previousChampion: result.previousChampion,
        reasons: verdict.reasons,
        forced: options.force === true && !verdict.promote,
      },
    });
  });
  return { ...result, promote: true };
}
