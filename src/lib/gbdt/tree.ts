/**
 * Growth of one regression tree on gradient histograms, leaf-wise (best-first, Ke et al. 2017,
 * "LightGBM", §2 and the leaf-wise strategy of Shi 2007): the leaf with the largest loss reduction
 * is split next until maxLeaves is reached, with an optional depth limit.
 *
 * - Split gain and leaf weights are the second-order ones of Chen & Guestrin 2016 ("XGBoost", eq. 5
 *   and 7): w = -G/(H+λ), gain = ½[G_L²/(H_L+λ) + G_R²/(H_R+λ) − G²/(H+λ)], which is Friedman 2001
 *   ("Greedy function approximation: a gradient boosting machine") with Newton steps.
 * - Missing values: every candidate split is scored twice, with the missing bin sent left and
 *   right, and the better direction is kept as the default (XGBoost's sparsity-aware split, §3.4).
 * - Histogram subtraction (LightGBM §2.1, also XGBoost hist): only the smaller child's histogram is
 *   built from rows; the larger one is the parent's minus it.
 * - Native categorical features (few levels): the node's categories, missing included as a level
 *   of its own, are sorted by G/(H + catSmooth) and the best prefix from either end (at most
 *   maxCatThreshold levels) goes left — Fisher 1958's optimal grouping, as LightGBM (Ke et al.
 *   2017, categorical feature support) and XGBoost (partition-based categorical splits) do.
 * - Rows of a node stay a contiguous, ordered range of one index array (stable partition), and the
 *   node's gradients are gathered once before the per-feature passes, so the histogram loops read
 *   memory in order.
 */
import type { BinnedMatrix } from './binning.ts';
import type { TrainParams } from './types.ts';

/** One grown tree in local node numbering; node 0 is the root, feature -1 marks a leaf. */
export interface TreeNodes {
  feature: number[];
  /** Bin threshold: bins 1..t go left. */
  binThreshold: number[];
  /** Raw threshold: v <= threshold goes left. */
  threshold: number[];
  defaultLeft: boolean[];
  /** For a native categorical split, the bins that go left (1 = left), else null. */
  categories: (Uint8Array | null)[];
  left: number[];
  right: number[];
  /** Leaf value, shrinkage included. */
  value: number[];
  /** Σ sample weight of the training rows that reached the node (TreeSHAP's cover). */
  cover: number[];
  gain: number[];
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  catLeft: Uint8Array | null;
}

interface Leaf {
  node: number;
  start: number;
  end: number;
  depth: number;
  g: number;
  h: number;
  hist: Float64Array;
  split: Split | null;
}

function addLeafNode(tree: TreeNodes): void {
  tree.feature.push(-1);
  tree.binThreshold.push(0);
  tree.threshold.push(0);
  tree.defaultLeft.push(false);
  tree.categories.push(null);
  tree.left.push(-1);
  tree.right.push(-1);
  tree.value.push(0);
  tree.cover.push(0);
  tree.gain.push(0);
}

const NO_SPLIT: Split = { gain: 0, feature: -1, bin: 0, defaultLeft: false, catLeft: null };

/** Grows trees for one training run; owns the reusable histogram and partition buffers. */
export class TreeGrower {
  private readonly pool: Float64Array[] = [];
  private readonly scratch: Uint32Array;
  private readonly gBuf: Float64Array;
  private readonly hBuf: Float64Array;

  constructor(
    private readonly data: BinnedMatrix,
    private readonly params: TrainParams,
  ) {
    this.scratch = new Uint32Array(data.rows);
    this.gBuf = new Float64Array(data.rows);
    this.hBuf = new Float64Array(data.rows);
  }

  /**
   * Grows one tree on the rows `indices` (increasing order; reordered in place by the partition)
   * using only the features in `featureList`. Returns the tree and, per leaf, its row range.
   */
  grow(
    grad: Float64Array,
    hess: Float64Array,
    weights: Float64Array | undefined,
    indices: Uint32Array,
    featureList: Uint32Array,
  ): { tree: TreeNodes; leaves: { node: number; start: number; end: number }[] } {
    const p = this.params;
    const tree: TreeNodes = {
      feature: [-1],
      binThreshold: [0],
      threshold: [0],
      defaultLeft: [false],
      categories: [null],
      left: [-1],
      right: [-1],
      value: [0],
      cover: [0],
      gain: [0],
    };
    let g = 0;
    let h = 0;
    for (let i = 0; i < indices.length; i++) {
      g += grad[indices[i]!]!;
      h += hess[indices[i]!]!;
    }
    tree.cover[0] = this.coverOf(weights, indices, 0, indices.length);
    const rootHist = this.take();
    this.buildHistogram(rootHist, grad, hess, indices, 0, indices.length, featureList);
    const leaves: Leaf[] = [
      { node: 0, start: 0, end: indices.length, depth: 0, g, h, hist: rootHist, split: null },
    ];
    leaves[0]!.split = this.canSplit(leaves[0]!)
      ? this.bestSplit(rootHist, g, h, indices.length, featureList)
      : null;

    while (leaves.length < p.maxLeaves) {
      let best = -1;
      for (let i = 0; i < leaves.length; i++) {
        const s = leaves[i]!.split;
        if (s && s.feature >= 0 && (best < 0 || s.gain > leaves[best]!.split!.gain)) best = i;
      }
      if (best < 0) break;
      const leaf = leaves[best]!;
      const split = leaf.split!;
      const mid = this.partition(indices, leaf.start, leaf.end, split);
      const leftNode = tree.feature.length;
      const rightNode = leftNode + 1;
      addLeafNode(tree);
      addLeafNode(tree);
      const n = leaf.node;
      tree.feature[n] = split.feature;
      tree.binThreshold[n] = split.bin;
      tree.threshold[n] = split.catLeft ? 0 : this.data.edges[split.feature]![split.bin - 1]!;
      tree.categories[n] = split.catLeft;
      tree.defaultLeft[n] = split.defaultLeft;
      tree.left[n] = leftNode;
      tree.right[n] = rightNode;
      tree.gain[n] = split.gain;
      tree.cover[leftNode] = this.coverOf(weights, indices, leaf.start, mid);
      tree.cover[rightNode] = this.coverOf(weights, indices, mid, leaf.end);

      let lg = 0;
      let lh = 0;
      for (let i = leaf.start; i < mid; i++) {
        lg += grad[indices[i]!]!;
        lh += hess[indices[i]!]!;
      }
      const depth = leaf.depth + 1;
      const left: Leaf = {
        node: leftNode,
        start: leaf.start,
        end: mid,
        depth,
        g: lg,
        h: lh,
        hist: leaf.hist,
        split: null,
      };
      const right: Leaf = {
        node: rightNode,
        start: mid,
        end: leaf.end,
        depth,
        g: leaf.g - lg,
        h: leaf.h - lh,
        hist: leaf.hist,
        split: null,
      };
      leaves[best] = left;
      leaves.push(right);
      const room = leaves.length < p.maxLeaves;
      const splitLeft = room && this.canSplit(left);
      const splitRight = room && this.canSplit(right);
      if (splitLeft || splitRight) {
        // The parent's buffer becomes the larger child's histogram by subtraction.
        const [small, large] = mid - leaf.start <= leaf.end - mid ? [left, right] : [right, left];
        small.hist = this.take();
        this.buildHistogram(small.hist, grad, hess, indices, small.start, small.end, featureList);
        const ph = large.hist;
        const sh = small.hist;
        for (let k = 0; k < ph.length; k++) ph[k] = ph[k]! - sh[k]!;
        for (const child of [left, right]) {
          if (this.canSplit(child))
            child.split = this.bestSplit(child.hist, child.g, child.h, child.end - child.start, featureList);
        }
      } else {
        this.give(leaf.hist);
      }
    }
    const lambda = p.lambda;
    for (const leaf of leaves) {
      tree.value[leaf.node] = (-p.learningRate * leaf.g) / (leaf.h + lambda);
    }
    // Hand the histogram buffers back for the next tree (several leaves may share one).
    const seen = new Set<Float64Array>();
    for (const leaf of leaves) if (!seen.has(leaf.hist)) seen.add(leaf.hist);
    for (const buffer of seen) this.give(buffer);
    return { tree, leaves: leaves.map((l) => ({ node: l.node, start: l.start, end: l.end })) };
  }

  private canSplit(leaf: Leaf): boolean {
    const p = this.params;
    if (p.maxDepth > 0 && leaf.depth >= p.maxDepth) return false;
    return leaf.end - leaf.start >= 2 * p.minSamplesLeaf && leaf.h >= 2 * p.minChildWeight;
  }

  private take(): Float64Array {
    const b = this.pool.pop();
    return b ?? new Float64Array(this.data.totalBins * 3);
  }

  private give(buffer: Float64Array): void {
    if (this.pool.includes(buffer)) return;
    this.pool.push(buffer);
  }

  private coverOf(
    weights: Float64Array | undefined,
    indices: Uint32Array,
    start: number,
    end: number,
  ): number {
    if (!weights) return end - start;
    let s = 0;
    for (let i = start; i < end; i++) s += weights[indices[i]!]!;
    return s;
  }

  private buildHistogram(
    hist: Float64Array,
    grad: Float64Array,
    hess: Float64Array,
    indices: Uint32Array,
    start: number,
    end: number,
    featureList: Uint32Array,
  ): void {
    hist.fill(0);
    const n = end - start;
    const gBuf = this.gBuf;
    const hBuf = this.hBuf;
    for (let i = 0; i < n; i++) {
      const r = indices[start + i]!;
      gBuf[i] = grad[r]!;
      hBuf[i] = hess[r]!;
    }
    const { bins, rows, offset } = this.data;
    for (let j = 0; j < featureList.length; j++) {
      const f = featureList[j]!;
      const col = f * rows;
      const base = offset[f]! * 3;
      for (let i = 0; i < n; i++) {
        const k = base + bins[col + indices[start + i]!]! * 3;
        hist[k] = hist[k]! + gBuf[i]!;
        hist[k + 1] = hist[k + 1]! + hBuf[i]!;
        hist[k + 2] = hist[k + 2]! + 1;
      }
    }
  }

  private bestSplit(hist: Float64Array, G: number, H: number, C: number, featureList: Uint32Array): Split {
    const { lambda, minChildWeight, minSamplesLeaf, minSplitGain } = this.params;
    const { offset, binCount } = this.data;
    const parent = (G * G) / (H + lambda);
    let best = NO_SPLIT;
    let bestGain = minSplitGain > 0 ? minSplitGain : 1e-12;
    for (let j = 0; j < featureList.length; j++) {
      const f = featureList[j]!;
      if (this.data.native[f]) {
        const s = this.bestCategoricalSplit(hist, f, G, H, C, parent, bestGain);
        if (s) {
          best = s;
          bestGain = s.gain;
        }
        continue;
      }
      const base = offset[f]! * 3;
      const nb = binCount[f]!;
      const gm = hist[base]!;
      const hm = hist[base + 1]!;
      const cm = hist[base + 2]!;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let t = 1; t < nb - 1; t++) {
        const k = base + t * 3;
        gl += hist[k]!;
        hl += hist[k + 1]!;
        cl += hist[k + 2]!;
        // Missing values to the right.
        const gr = G - gl;
        const hr = H - hl;
        const cr = C - cl;
        if (cl >= minSamplesLeaf && cr >= minSamplesLeaf && hl >= minChildWeight && hr >= minChildWeight) {
          const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent);
          if (gain > bestGain) {
            bestGain = gain;
            best = { gain, feature: f, bin: t, defaultLeft: cm === 0 ? cl >= cr : false, catLeft: null };
          }
        }
        if (cm > 0) {
          // Missing values to the left.
          const gl2 = gl + gm;
          const hl2 = hl + hm;
          const cl2 = cl + cm;
          const gr2 = G - gl2;
          const hr2 = H - hl2;
          const cr2 = C - cl2;
          if (
            cl2 >= minSamplesLeaf &&
            cr2 >= minSamplesLeaf &&
            hl2 >= minChildWeight &&
            hr2 >= minChildWeight
          ) {
            const gain = 0.5 * ((gl2 * gl2) / (hl2 + lambda) + (gr2 * gr2) / (hr2 + lambda) - parent);
            if (gain > bestGain) {
              bestGain = gain;
              best = { gain, feature: f, bin: t, defaultLeft: true, catLeft: null };
            }
          }
        }
      }
    }
    return best;
  }

  /** Best grouping of a native categorical feature's levels, if it beats `bestGain`. */
  private bestCategoricalSplit(
    hist: Float64Array,
    f: number,
    G: number,
    H: number,
    C: number,
    parent: number,
    bestGain: number,
  ): Split | null {
    const { lambda, minChildWeight, minSamplesLeaf, catSmooth, maxCatThreshold } = this.params;
    const base = this.data.offset[f]! * 3;
    const nb = this.data.binCount[f]!;
    const levels: number[] = [];
    for (let b = 0; b < nb; b++) if (hist[base + b * 3 + 2]! > 0) levels.push(b);
    if (levels.length < 2) return null;
    const score = (b: number) => hist[base + b * 3]! / (hist[base + b * 3 + 1]! + catSmooth);
    levels.sort((a, b) => score(a) - score(b) || a - b);
    const limit = Math.min(levels.length - 1, maxCatThreshold);
    let found: { gain: number; count: number; reversed: boolean } | null = null;
    for (const reversed of [false, true]) {
      let gl = 0;
      let hl = 0;
      let cl = 0;
      for (let i = 0; i < limit; i++) {
        const b = levels[reversed ? levels.length - 1 - i : i]!;
        gl += hist[base + b * 3]!;
        hl += hist[base + b * 3 + 1]!;
        cl += hist[base + b * 3 + 2]!;
        const gr = G - gl;
        const hr = H - hl;
        const cr = C - cl;
        if (cl < minSamplesLeaf || cr < minSamplesLeaf || hl < minChildWeight || hr < minChildWeight)
          continue;
        const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent);
        if (gain > bestGain) {
          bestGain = gain;
          found = { gain, count: i + 1, reversed };
        }
      }
    }
    if (!found) return null;
    const catLeft = new Uint8Array(256);
    for (let i = 0; i < found.count; i++) catLeft[levels[found.reversed ? levels.length - 1 - i : i]!] = 1;
    return { gain: found.gain, feature: f, bin: 0, defaultLeft: catLeft[0] === 1, catLeft };
  }

  /** Stable partition of indices[start, end) by the split; returns the first right position. */
  private partition(indices: Uint32Array, start: number, end: number, split: Split): number {
    const { bins, rows } = this.data;
    const col = split.feature * rows;
    const t = split.bin;
    const missingLeft = split.defaultLeft;
    const scratch = this.scratch;
    const catLeft = split.catLeft;
    let l = start;
    let r = 0;
    if (catLeft) {
      for (let i = start; i < end; i++) {
        const row = indices[i]!;
        if (catLeft[bins[col + row]!]) indices[l++] = row;
        else scratch[r++] = row;
      }
      indices.set(scratch.subarray(0, r), l);
      return l;
    }
    for (let i = start; i < end; i++) {
      const row = indices[i]!;
      const b = bins[col + row]!;
      if (b === 0 ? missingLeft : b <= t) indices[l++] = row;
      else scratch[r++] = row;
    }
    indices.set(scratch.subarray(0, r), l);
    return l;
  }
}
