/**
 * Shared shapes of the gradient-boosted tree engine: the training data set, the parameters with
 * their defaults, and the progress report. Pure data, no behaviour beyond parameter resolution.
 */

/** One input column. Categorical values are non-negative integer codes (NaN = missing). */
export interface FeatureSpec {
  name: string;
  kind: 'numeric' | 'categorical';
}

/**
 * A labelled table. `columns` is either one Float64Array per feature (column-major) or a single
 * row-major Float64Array of rows × features. NaN means missing.
 */
export interface Dataset {
  features: FeatureSpec[];
  rows: number;
  columns: Float64Array[] | Float64Array;
  labels: Uint8Array;
  weights?: Float64Array;
}

/** Training parameters. Every field has a default (see DEFAULT_PARAMS and docs/gbdt.md). */
export interface TrainParams {
  /** Boosting rounds (trees); early stopping may keep fewer. */
  numTrees: number;
  /** Shrinkage applied to every leaf value. */
  learningRate: number;
  /** Leaf-wise growth stops at this many leaves per tree. */
  maxLeaves: number;
  /** Depth limit (root = depth 0); 0 means no limit beyond maxLeaves. */
  maxDepth: number;
  /** Histogram bins per feature (2..255), missing values get a bin of their own. */
  maxBins: number;
  /** L2 regularisation on leaf values (XGBoost's lambda). */
  lambda: number;
  /** Minimum hessian sum in a child (XGBoost's min_child_weight). */
  minChildWeight: number;
  /** Minimum number of training rows in a child. */
  minSamplesLeaf: number;
  /** Minimum gain to make a split (XGBoost's gamma). */
  minSplitGain: number;
  /** Fraction of rows drawn (without replacement) for each tree. */
  subsample: number;
  /** Fraction of features drawn for each tree. */
  colsample: number;
  /** Stop when validation log-loss has not improved for this many rounds; 0 disables. */
  earlyStoppingRounds: number;
  /** Smoothing added to the hessian when ordering categories by gradient statistics (LightGBM cat_smooth). */
  catSmooth: number;
  /** Most categories sent left by one native categorical split (LightGBM max_cat_threshold). */
  maxCatThreshold: number;
  /** Weight `a` of the prior in ordered target statistics: (sum + a·prior) / (count + a). */
  categoricalPriorWeight: number;
  /** Seed of every random draw (permutation, row and feature sampling). */
  seed: number;
}

export const DEFAULT_PARAMS: TrainParams = {
  numTrees: 100,
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 0,
  maxBins: 255,
  lambda: 1,
  minChildWeight: 1e-3,
  minSamplesLeaf: 20,
  minSplitGain: 0,
  subsample: 1,
  colsample: 1,
  earlyStoppingRounds: 0,
  catSmooth: 10,
  maxCatThreshold: 32,
  categoricalPriorWeight: 1,
  seed: 0,
};

/** Fills defaults and refuses values that make no sense, listing every problem at once. */
export function resolveParams(params: Partial<TrainParams> = {}): TrainParams {
  const p: TrainParams = { ...DEFAULT_PARAMS, ...params };
  const problems: string[] = [];
  const check = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  check(Number.isInteger(p.numTrees) && p.numTrees >= 1, 'numTrees must be an integer >= 1');
  check(p.learningRate > 0 && p.learningRate <= 1, 'learningRate must be in (0, 1]');
  check(Number.isInteger(p.maxLeaves) && p.maxLeaves >= 2, 'maxLeaves must be an integer >= 2');
  check(Number.isInteger(p.maxDepth) && p.maxDepth >= 0, 'maxDepth must be an integer >= 0');
  check(Number.isInteger(p.maxBins) && p.maxBins >= 2 && p.maxBins <= 255, 'maxBins must be in 2..255');
  check(p.lambda >= 0, 'lambda must be >= 0');
  check(p.minChildWeight >= 0, 'minChildWeight must be >= 0');
  check(
    Number.isInteger(p.minSamplesLeaf) && p.minSamplesLeaf >= 1,
    'minSamplesLeaf must be an integer >= 1',
  );
  check(p.minSplitGain >= 0, 'minSplitGain must be >= 0');
  check(p.subsample > 0 && p.subsample <= 1, 'subsample must be in (0, 1]');
  check(p.colsample > 0 && p.colsample <= 1, 'colsample must be in (0, 1]');
  check(
    Number.isInteger(p.earlyStoppingRounds) && p.earlyStoppingRounds >= 0,
    'earlyStoppingRounds must be >= 0',
  );
  check(p.catSmooth >= 0, 'catSmooth must be >= 0');
  check(
    Number.isInteger(p.maxCatThreshold) && p.maxCatThreshold >= 1,
    'maxCatThreshold must be an integer >= 1',
  );
  check(p.categoricalPriorWeight > 0, 'categoricalPriorWeight must be > 0');
  check(Number.isInteger(p.seed), 'seed must be an integer');
  if (problems.length > 0) throw new RangeError(`invalid GBDT parameters: ${problems.join('; ')}`);
  return p;
}

/** One line of training progress, reported after every tree. */
export interface TrainProgress {
  iteration: number;
  trainLoss: number;
  validLoss?: number;
  bestIteration: number;
}

/** Reads feature `f` of row `r` whatever the layout of the data set. */
export function columnOf(dataset: Dataset, f: number): Float64Array {
  const { columns, rows, features } = dataset;
  if (Array.isArray(columns)) {
    const c = columns[f];
    if (!c || c.length !== rows) throw new RangeError(`column ${f} must hold ${rows} values`);
    return c;
  }
  const m = features.length;
  if (columns.length !== rows * m) throw new RangeError(`row-major matrix must hold ${rows}×${m} values`);
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) out[r] = columns[r * m + f]!;
  return out;
}
