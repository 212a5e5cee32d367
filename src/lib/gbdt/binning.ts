/**
 * Histogram binning (quantile sketch, done exactly on a sample): each feature's values are cut at
 * up to maxBins-1 quantile edges, so that a tree considers at most maxBins candidate split points
 * per feature instead of every distinct value. Bin 0 is reserved for missing values (NaN); value v
 * falls in bin 1 + #{edges < v}, so "bin <= t" is the same test as "v <= edges[t-1]" and a split
 * found on bins can be applied to raw values at prediction time.
 *
 * References: Chen & Guestrin 2016, "XGBoost: A Scalable Tree Boosting System" (KDD), §3.3
 * approximate algorithm; Ke et al. 2017, "LightGBM: A Highly Efficient Gradient Boosting Decision
 * Tree" (NeurIPS), histogram-based algorithm.
 */
import type { Random } from './random.ts';

/** Rows × features bin codes, column-major, plus what is needed to map splits back to values. */
export interface BinnedMatrix {
  rows: number;
  features: number;
  /** bins[f * rows + r]; 0 = missing. */
  bins: Uint8Array;
  /** Upper edges per numeric feature (empty for native categorical ones): bin t (t >= 1) holds edges[t-2] < v <= edges[t-1]. */
  edges: Float64Array[];
  /** Bins per feature including the missing bin: edges.length + 2. */
  binCount: Uint16Array;
  /** Start of each feature's bins in a histogram laid out feature after feature. */
  offset: Uint32Array;
  totalBins: number;
  /** 1 for native categorical features. */
  native: Uint8Array;
}

/** Beyond this many values the edges are computed on a seeded sample, as XGBoost's sketch does. */
const EDGE_SAMPLE = 200_000;

/** Quantile edges of the non-missing values of one column. */
export function quantileEdges(values: Float64Array, maxBins: number, random: Random): Float64Array {
  let present = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i]!)) present++;
  let sorted = new Float64Array(present);
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isNaN(v)) sorted[k++] = v;
  }
  if (present > EDGE_SAMPLE) {
    const pick = random.sample(present, EDGE_SAMPLE);
    sorted = Float64Array.from(pick, (i) => sorted[i]!);
  }
  sorted.sort();
  const n = sorted.length;
  if (n === 0) return new Float64Array(0);
  // Distinct values first: with few of them every one gets its own bin.
  const distinct: number[] = [];
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]!);
  if (distinct.length <= maxBins) return Float64Array.from(distinct.slice(0, -1));
  const edges: number[] = [];
  for (let q = 1; q < maxBins; q++) {
    const v = sorted[Math.min(n - 1, Math.floor((q * n) / maxBins) - 1)]!;
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v);
  }
  // The largest value must stay above the last edge, otherwise the top bin would be empty.
  if (edges.length > 0 && edges[edges.length - 1]! >= sorted[n - 1]!) edges.pop();
  return Float64Array.from(edges);
}

/** 1 + number of edges strictly below v (binary search); 0 for NaN. */
export function binOf(edges: Float64Array, v: number): number {
  if (Number.isNaN(v)) return 0;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * Bins every column. Numeric columns (and categorical ones turned into target statistics) get
 * quantile bins; `native[f]` columns hold category codes below maxBins and get bin = code + 1.
 */
export function binColumns(
  columns: Float64Array[],
  rows: number,
  maxBins: number,
  random: Random,
  native: readonly boolean[] = [],
): BinnedMatrix {
  const features = columns.length;
  const bins = new Uint8Array(features * rows);
  const edges: Float64Array[] = [];
  const binCount = new Uint16Array(features);
  const offset = new Uint32Array(features);
  let totalBins = 0;
  for (let f = 0; f < features; f++) {
    const column = columns[f]!;
    const base = f * rows;
    if (native[f]) {
      let maxCode = -1;
      for (let r = 0; r < rows; r++) {
        const c = column[r]!;
        bins[base + r] = Number.isNaN(c) ? 0 : c + 1;
        if (c > maxCode) maxCode = c;
      }
      edges.push(new Float64Array(0));
      binCount[f] = maxCode + 2;
      offset[f] = totalBins;
      totalBins += maxCode + 2;
      continue;
    }
    const e = quantileEdges(column, maxBins, random);
    edges.push(e);
    binCount[f] = e.length + 2;
    offset[f] = totalBins;
    totalBins += e.length + 2;
    for (let r = 0; r < rows; r++) bins[base + r] = binOf(e, column[r]!);
  }
  return {
    rows,
    features,
    bins,
    edges,
    binCount,
    offset,
    totalBins,
    native: Uint8Array.from(columns, (_, f) => (native[f] ? 1 : 0)),
  };
}
