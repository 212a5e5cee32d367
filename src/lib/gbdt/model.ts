/**
 * A trained boosted-tree model and its fast prediction. Trees are flattened into typed arrays
 * (one forest, absolute node numbers) and evaluated tree after tree over blocks of rows, so the
 * nodes of one tree stay in cache while a block of rows walks through it. A NaN cell fails both
 * `v <= t` and `v > t` and takes the split's learned default direction.
 *
 * Margin f(x) = baseScore + Σ trees; probability σ(f(x)) (Friedman 2001, binary log-loss), then
 * Platt scaling when the model carries a calibration (calibration.ts).
 */
import { type PlattCalibration, applyPlatt } from './calibration.ts';
import { type CategoryTable, encodeCategory } from './categorical.ts';
import { treeShap } from './shap.ts';
import type { FeatureSpec, TrainParams } from './types.ts';

/** One tree in local node numbering (node 0 = root, left = -1 for a leaf). */
export interface ModelTree {
  feature: Int32Array;
  threshold: Float64Array;
  defaultLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  cover: Float64Array;
  /** For a native categorical split, the start of its CATEGORY_WORDS-word bitset in catWords, else -1. */
  catOffset: Int32Array;
  /** Bitsets of the category codes that go left (bit c of word c >> 5). */
  catWords: Uint32Array;
}

/** Words per categorical split bitset: native categorical codes are below 255. */
export const CATEGORY_WORDS = 8;

/** Whether value v goes to the left child of an internal node of a tree. */
export function goesLeft(tree: ModelTree, node: number, v: number): boolean {
  const at = tree.catOffset[node]!;
  if (at >= 0) {
    if (Number.isNaN(v)) return tree.defaultLeft[node] === 1;
    if (!(v >= 0 && v < CATEGORY_WORDS * 32)) return false;
    return ((tree.catWords[at + (v >>> 5)]! >>> (v & 31)) & 1) === 1;
  }
  const thr = tree.threshold[node]!;
  return v <= thr ? true : v > thr ? false : tree.defaultLeft[node] === 1;
}

/** What a model remembers about how it was trained. */
export interface ModelInfo {
  params: TrainParams;
  trainRows: number;
  /** Trees kept (the best iteration under early stopping). */
  bestIteration: number;
  trainLoss: number;
  validLoss?: number;
  /** Total split gain per feature, a quick importance measure. */
  gainImportance: number[];
}

/** Per-prediction explanation: contributions (log-odds) that sum with expectedValue to the margin. */
export interface ShapExplanation {
  expectedValue: number;
  contributions: Float64Array;
}

export interface ModelParts {
  features: FeatureSpec[];
  baseScore: number;
  trees: ModelTree[];
  categories: (CategoryTable | null)[];
  calibration: PlattCalibration | null;
  info: ModelInfo;
}

const BLOCK = 256;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

export class Model {
  readonly features: FeatureSpec[];
  readonly baseScore: number;
  readonly trees: ModelTree[];
  readonly categories: (CategoryTable | null)[];
  readonly calibration: PlattCalibration | null;
  readonly info: ModelInfo;
  private readonly roots: Int32Array;
  private readonly feature: Int32Array;
  private readonly threshold: Float64Array;
  private readonly defaultLeft: Uint8Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  private readonly value: Float64Array;
  private readonly catOffset: Int32Array;
  private readonly catWords: Uint32Array;

  constructor(parts: ModelParts) {
    this.features = parts.features;
    this.baseScore = parts.baseScore;
    this.trees = parts.trees;
    this.categories = parts.categories;
    this.calibration = parts.calibration;
    this.info = parts.info;
    const total = parts.trees.reduce((s, t) => s + t.feature.length, 0);
    this.roots = new Int32Array(parts.trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.defaultLeft = new Uint8Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.value = new Float64Array(total);
    this.catOffset = new Int32Array(total);
    this.catWords = new Uint32Array(parts.trees.reduce((s, t) => s + t.catWords.length, 0));
    let at = 0;
    let wordsAt = 0;
    parts.trees.forEach((t, i) => {
      this.roots[i] = at;
      for (let n = 0; n < t.feature.length; n++) {
        const leaf = t.left[n]! < 0;
        this.feature[at + n] = t.feature[n]!;
        this.threshold[at + n] = t.threshold[n]!;
        this.defaultLeft[at + n] = t.defaultLeft[n]!;
        this.left[at + n] = leaf ? -1 : at + t.left[n]!;
        this.right[at + n] = leaf ? -1 : at + t.right[n]!;
        this.value[at + n] = t.value[n]!;
        this.catOffset[at + n] = t.catOffset[n]! >= 0 ? wordsAt + t.catOffset[n]! : -1;
      }
      this.catWords.set(t.catWords, wordsAt);
      wordsAt += t.catWords.length;
      at += t.feature.length;
    });
  }

  /** A copy with a (new) calibration. */
  withCalibration(calibration: PlattCalibration | null): Model {
    return new Model({ ...this.parts(), calibration });
  }

  /** The plain parts, for serialisation. */
  parts(): ModelParts {
    const { features, baseScore, trees, categories, calibration, info } = this;
    return { features, baseScore, trees, categories, calibration, info };
  }

  /** Raw margin (log-odds) of one row of raw feature values (categorical cells hold codes). */
  predictRaw(row: ArrayLike<number>): number {
    return this.predictRawBatch(Float64Array.from({ length: this.features.length }, (_, f) => row[f]!))[0]!;
  }

  /** Probability of the positive class, calibrated when the model has a calibration. */
  predictProba(row: ArrayLike<number>): number {
    return this.toProbability(this.predictRaw(row));
  }

  /** Maps a margin to a probability (calibrated when possible). */
  toProbability(margin: number): number {
    return this.calibration ? applyPlatt(this.calibration, margin) : sigmoid(margin);
  }

  /** Raw margins of a row-major matrix (rows × features). */
  predictRawBatch(matrix: Float64Array | Float32Array): Float64Array {
    const m = this.features.length;
    if (matrix.length % m !== 0)
      throw new RangeError(`matrix length ${matrix.length} is not a multiple of ${m} features`);
    const rows = matrix.length / m;
    const out = new Float64Array(rows).fill(this.baseScore);
    const block = new Float64Array(BLOCK * m);
    for (let start = 0; start < rows; start += BLOCK) {
      const n = Math.min(BLOCK, rows - start);
      this.encodeRows(matrix, start, n, block);
      this.addForest(block, n, out, start);
    }
    return out;
  }

  /** Probabilities of a row-major matrix. */
  predictProbaBatch(matrix: Float64Array | Float32Array): Float64Array {
    const raw = this.predictRawBatch(matrix);
    for (let i = 0; i < raw.length; i++) raw[i] = this.toProbability(raw[i]!);
    return raw;
  }

  /** TreeSHAP contributions of one row (see shap.ts). */
  shap(row: ArrayLike<number>): ShapExplanation {
    const m = this.features.length;
    const encoded = new Float64Array(m);
    this.encodeRows(
      Float64Array.from({ length: m }, (_, f) => row[f]!),
      0,
      1,
      encoded,
    );
    const contributions = new Float64Array(m);
    let expectedValue = this.baseScore;
    for (const tree of this.trees) expectedValue += treeShap(tree, encoded, contributions);
    return { expectedValue, contributions };
  }

  /** Replaces categorical codes by their target statistics (the values the splits were learned on). */
  encodeRows(matrix: Float64Array | Float32Array, start: number, n: number, out: Float64Array): void {
    const m = this.features.length;
    out.set(matrix.subarray(start * m, (start + n) * m));
    for (let f = 0; f < m; f++) {
      const table = this.categories[f];
      if (!table) continue;
      for (let i = 0; i < n; i++) out[i * m + f] = encodeCategory(table, out[i * m + f]!);
    }
  }

  /** Adds every tree's output for `n` encoded rows to out[offset..]. */
  private addForest(encoded: Float64Array, n: number, out: Float64Array, offset: number): void {
    const m = this.features.length;
    const { feature, threshold, defaultLeft, left, right, value, roots, catOffset, catWords } = this;
    for (let t = 0; t < roots.length; t++) {
      const root = roots[t]!;
      for (let i = 0; i < n; i++) {
        const base = i * m;
        let node = root;
        while (left[node]! >= 0) {
          const v = encoded[base + feature[node]!]!;
          const at = catOffset[node]!;
          if (at >= 0) {
            const inSet =
              v >= 0 && v < CATEGORY_WORDS * 32
                ? ((catWords[at + (v >>> 5)]! >>> (v & 31)) & 1) === 1
                : Number.isNaN(v) && defaultLeft[node] === 1;
            node = inSet ? left[node]! : right[node]!;
            continue;
          }
          const thr = threshold[node]!;
          node =
            v <= thr ? left[node]! : v > thr ? right[node]! : defaultLeft[node] ? left[node]! : right[node]!;
        }
        out[offset + i] = out[offset + i]! + value[node]!;
      }
    }
  }
}

/** Output of one tree for already-encoded rows (row-major), added into out. Used during training. */
export function addTreeOutput(tree: ModelTree, encoded: Float64Array, m: number, out: Float64Array): void {
  const { feature, left, right, value } = tree;
  for (let i = 0; i < out.length; i++) {
    const base = i * m;
    let node = 0;
    while (left[node]! >= 0)
      node = goesLeft(tree, node, encoded[base + feature[node]!]!) ? left[node]! : right[node]!;
    out[i] = out[i]! + value[node]!;
  }
}
