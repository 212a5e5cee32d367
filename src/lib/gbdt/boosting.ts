/**
 * Gradient boosting of regression trees for the binary log-loss (Friedman 2001, "Greedy function
 * approximation: a gradient boosting machine", Annals of Statistics; second-order form of Chen &
 * Guestrin 2016, "XGBoost", KDD). Each round fits one tree to the gradients g = w(p − y) and
 * hessians h = w·p(1 − p) of the current margins, on a seeded sample of rows and features
 * (Friedman 2002 stochastic gradient boosting), and adds it with shrinkage. With a validation set
 * the rounds stop after `earlyStoppingRounds` without improvement of its log-loss, and the model
 * keeps the trees up to the best round.
 */
import { type BinnedMatrix, binColumns } from './binning.ts';
import { fitPlatt } from './calibration.ts';
import { type CategoryTable, orderedTargetStatistics } from './categorical.ts';
import { logLossOfMargins } from './metrics.ts';
import { CATEGORY_WORDS, Model, type ModelTree, addTreeOutput } from './model.ts';
import { Random } from './random.ts';
import { TreeGrower, type TreeNodes } from './tree.ts';
import { type Dataset, type TrainParams, type TrainProgress, columnOf, resolveParams } from './types.ts';

export interface TrainOptions {
  /** Held-out rows for early stopping and the reported validation loss. */
  validation?: Dataset;
  /** Held-out rows on which Platt scaling is fitted (may be the validation set). */
  calibration?: Dataset;
  onProgress?: (progress: TrainProgress) => void;
}

/** Checks that a data set is consistent, throwing a RangeError listing what is wrong. */
export function checkDataset(dataset: Dataset, features = dataset.features): void {
  const problems: string[] = [];
  if (!Number.isInteger(dataset.rows) || dataset.rows < 1) problems.push('rows must be a positive integer');
  if (dataset.labels.length !== dataset.rows)
    problems.push(`labels hold ${dataset.labels.length} values, expected ${dataset.rows}`);
  if (dataset.weights && dataset.weights.length !== dataset.rows)
    problems.push('weights length differs from rows');
  if (dataset.weights?.some((w) => !(w >= 0))) problems.push('weights must be finite and >= 0');
  if (dataset.labels.some((y) => y > 1)) problems.push('labels must be 0 or 1');
  if (
    features.length !== dataset.features.length ||
    features.some((f, i) => f.name !== dataset.features[i]?.name || f.kind !== dataset.features[i]?.kind)
  ) {
    problems.push('features differ from the training features');
  }
  if (problems.length > 0) throw new RangeError(`invalid dataset: ${problems.join('; ')}`);
}

/** The data set as one row-major matrix of raw values. */
export function toRowMajor(dataset: Dataset): Float64Array {
  if (!Array.isArray(dataset.columns)) return dataset.columns;
  const m = dataset.features.length;
  const out = new Float64Array(dataset.rows * m);
  for (let f = 0; f < m; f++) {
    const c = columnOf(dataset, f);
    for (let r = 0; r < dataset.rows; r++) out[r * m + f] = c[r]!;
  }
  return out;
}

function toModelTree(t: TreeNodes): ModelTree {
  const catOffset = new Int32Array(t.feature.length).fill(-1);
  const words: number[] = [];
  t.categories.forEach((set, node) => {
    if (!set) return;
    catOffset[node] = words.length;
    const w = new Array<number>(CATEGORY_WORDS).fill(0);
    // Bin b holds code b - 1; bin 0 (missing) is the default direction instead.
    for (let b = 1; b < set.length; b++)
      if (set[b]) w[(b - 1) >>> 5] = (w[(b - 1) >>> 5]! | (1 << ((b - 1) & 31))) >>> 0;
    words.push(...w);
  });
  return {
    catOffset,
    catWords: Uint32Array.from(words),
    feature: Int32Array.from(t.feature),
    threshold: Float64Array.from(t.threshold),
    defaultLeft: Uint8Array.from(t.defaultLeft, (d) => (d ? 1 : 0)),
    left: Int32Array.from(t.left),
    right: Int32Array.from(t.right),
    value: Float64Array.from(t.value),
    cover: Float64Array.from(t.cover),
  };
}

/** Adds a tree's output to the margins of training rows, walking it on their bins. */
function addBinnedOutput(t: TreeNodes, data: BinnedMatrix, raw: Float64Array): void {
  const { bins, rows } = data;
  for (let r = 0; r < rows; r++) {
    let node = 0;
    while (t.left[node]! >= 0) {
      const b = bins[t.feature[node]! * rows + r]!;
      const set = t.categories[node];
      const goLeft = set ? set[b] === 1 : b === 0 ? t.defaultLeft[node]! : b <= t.binThreshold[node]!;
      node = goLeft ? t.left[node]! : t.right[node]!;
    }
    raw[r] = raw[r]! + t.value[node]!;
  }
}

/** Trains a binary classifier. Deterministic for a given seed. */
export function train(
  dataset: Dataset,
  params: Partial<TrainParams> = {},
  options: TrainOptions = {},
): Model {
  const p = resolveParams(params);
  checkDataset(dataset);
  if (options.validation) checkDataset(options.validation, dataset.features);
  if (options.calibration) checkDataset(options.calibration, dataset.features);
  const { rows: n, labels, weights, features } = dataset;
  const m = features.length;
  const random = new Random(p.seed);

  // Categorical codes become ordered target statistics, one permutation for all of them.
  const order = random.permutation(n);
  const categories: (CategoryTable | null)[] = [];
  const columns: Float64Array[] = [];
  const native: boolean[] = [];
  for (let f = 0; f < m; f++) {
    const column = columnOf(dataset, f);
    const isCategorical = features[f]!.kind === 'categorical';
    native.push(isCategorical && fewLevels(column, p.maxBins));
    if (native[f]) {
      columns.push(column);
      categories.push(null);
    } else if (isCategorical) {
      const ts = orderedTargetStatistics(column, labels, weights, order, p.categoricalPriorWeight);
      columns.push(ts.train);
      categories.push(ts.table);
    } else {
      columns.push(column);
      categories.push(null);
    }
  }
  const binned = binColumns(columns, n, p.maxBins, random, native);

  let sumW = 0;
  let sumWY = 0;
  for (let r = 0; r < n; r++) {
    const w = weights ? weights[r]! : 1;
    sumW += w;
    sumWY += w * labels[r]!;
  }
  const mean = Math.min(1 - 1e-6, Math.max(1e-6, sumWY / sumW));
  const baseScore = Math.log(mean / (1 - mean));

  const raw = new Float64Array(n).fill(baseScore);
  const grad = new Float64Array(n);
  const hess = new Float64Array(n);
  const grower = new TreeGrower(binned, p);
  const shell = (trees: ModelTree[]) =>
    new Model({ features, baseScore, trees, categories, calibration: null, info: emptyInfo(p, n, m) });

  const validation = options.validation;
  let validEncoded: Float64Array | null = null;
  let validRaw: Float64Array | null = null;
  if (validation) {
    validEncoded = new Float64Array(validation.rows * m);
    shell([]).encodeRows(toRowMajor(validation), 0, validation.rows, validEncoded);
    validRaw = new Float64Array(validation.rows).fill(baseScore);
  }

  const trees: ModelTree[] = [];
  const gains: TreeNodes['gain'][] = [];
  const featureOf: TreeNodes['feature'][] = [];
  const bagSize = Math.max(1, Math.round(p.subsample * n));
  const featureCount = Math.max(1, Math.round(p.colsample * m));
  const allRows = Uint32Array.from({ length: n }, (_, i) => i);
  const allFeatures = Uint32Array.from({ length: m }, (_, i) => i);
  const indices = new Uint32Array(n);
  let best = { iteration: 0, loss: Number.POSITIVE_INFINITY, trainLoss: Number.NaN };

  for (let it = 1; it <= p.numTrees; it++) {
    for (let r = 0; r < n; r++) {
      const z = raw[r]!;
      const prob = 1 / (1 + Math.exp(-z));
      const w = weights ? weights[r]! : 1;
      grad[r] = w * (prob - labels[r]!);
      hess[r] = w * Math.max(prob * (1 - prob), 1e-16);
    }
    const bag = bagSize < n ? random.sample(n, bagSize) : allRows;
    indices.set(bag);
    const rowsOfTree = indices.subarray(0, bag.length);
    const featureList = featureCount < m ? random.sample(m, featureCount) : allFeatures;
    const { tree, leaves } = grower.grow(grad, hess, weights, rowsOfTree, featureList);
    if (bag.length === n) {
      for (const leaf of leaves) {
        const v = tree.value[leaf.node]!;
        for (let i = leaf.start; i < leaf.end; i++) raw[rowsOfTree[i]!] = raw[rowsOfTree[i]!]! + v;
      }
    } else {
      addBinnedOutput(tree, binned, raw);
    }
    const modelTree = toModelTree(tree);
    trees.push(modelTree);
    gains.push(tree.gain);
    featureOf.push(tree.feature);
    const trainLoss = logLossOfMargins(raw, labels, weights);
    let validLoss: number | undefined;
    if (validation && validEncoded && validRaw) {
      addTreeOutput(modelTree, validEncoded, m, validRaw);
      validLoss = logLossOfMargins(validRaw, validation.labels, validation.weights);
      if (validLoss < best.loss - 1e-12) best = { iteration: it, loss: validLoss, trainLoss };
    } else {
      best = { iteration: it, loss: Number.NaN, trainLoss };
    }
    options.onProgress?.({ iteration: it, trainLoss, validLoss, bestIteration: best.iteration });
    if (validation && p.earlyStoppingRounds > 0 && it - best.iteration >= p.earlyStoppingRounds) break;
  }

  const kept = validation && p.earlyStoppingRounds > 0 ? best.iteration : trees.length;
  trees.length = kept;
  const gainImportance = new Array<number>(m).fill(0);
  for (let t = 0; t < kept; t++) {
    const fs = featureOf[t]!;
    const gs = gains[t]!;
    for (let k = 0; k < fs.length; k++)
      if (fs[k]! >= 0) gainImportance[fs[k]!] = gainImportance[fs[k]!]! + gs[k]!;
  }
  const info = {
    params: p,
    trainRows: n,
    bestIteration: kept,
    trainLoss: best.trainLoss,
    ...(validation ? { validLoss: best.loss } : {}),
    gainImportance,
  };
  const model = new Model({ features, baseScore, trees, categories, calibration: null, info });
  return options.calibration ? calibrate(model, options.calibration) : model;
}

/**
 * Whether a categorical column is split natively: all codes are integers in 0..maxBins-1, so each
 * fits a histogram bin. Identifiers with more levels go through ordered target statistics.
 */
function fewLevels(column: Float64Array, maxBins: number): boolean {
  for (let r = 0; r < column.length; r++) {
    const c = column[r]!;
    if (Number.isNaN(c)) continue;
    if (!Number.isInteger(c) || c < 0)
      throw new RangeError(`categorical code must be a non-negative integer, got ${c}`);
    if (c >= maxBins) return false;
  }
  return true;
}

function emptyInfo(params: TrainParams, trainRows: number, m: number) {
  return {
    params,
    trainRows,
    bestIteration: 0,
    trainLoss: Number.NaN,
    gainImportance: new Array<number>(m).fill(0),
  };
}

/** Fits Platt scaling on held-out rows and returns the model carrying it. */
export function calibrate(model: Model, heldOut: Dataset): Model {
  checkDataset(heldOut, model.features);
  const margins = model.predictRawBatch(toRowMajor(heldOut));
  return model.withCalibration(fitPlatt(margins, heldOut.labels, heldOut.weights));
}
