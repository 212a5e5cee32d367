/**
 * TreeSHAP, exact polynomial-time Shapley values of one tree's output (Lundberg, Erion & Lee 2018,
 * "Consistent individualized feature attribution for tree ensembles", Algorithm 2; Lundberg et al.
 * 2020, "From local explanations to global understanding with explainable AI for trees", Nature MI).
 *
 * The conditional expectation E[f(x) | x_S] is the path-dependent one: where a split's feature is
 * outside S, both children are followed and weighted by their training cover. The recursion keeps
 * the path of unique features with, for each, the fraction of "zero" paths (feature absent: the
 * cover ratio) and "one" paths (feature present: 1 if x goes that way) and the permutation weights;
 * EXTEND adds a feature, UNWIND removes one, and at a leaf every feature on the path receives
 * (one − zero) × unwound weight sum × leaf value. Cost O(L·D²) per tree.
 */
import { type ModelTree, goesLeft } from './model.ts';

interface Path {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

function depthOf(tree: ModelTree, node: number): number {
  if (tree.left[node]! < 0) return 0;
  return 1 + Math.max(depthOf(tree, tree.left[node]!), depthOf(tree, tree.right[node]!));
}

/** Adds one tree's contributions for the encoded row into phi; returns the tree's expected value. */
export function treeShap(tree: ModelTree, x: Float64Array, phi: Float64Array): number {
  const depth = depthOf(tree, 0) + 2;
  const size = (depth * (depth + 1)) / 2;
  const path: Path = {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
  };
  recurse(tree, x, phi, path, 0, 0, 0, 1, 1, -1);
  return expectedValue(tree, 0);
}

/** Cover-weighted mean of the leaf values below `node`. */
export function expectedValue(tree: ModelTree, node: number): number {
  const l = tree.left[node]!;
  if (l < 0) return tree.value[node]!;
  const r = tree.right[node]!;
  const cl = tree.cover[l]!;
  const cr = tree.cover[r]!;
  const total = cl + cr;
  if (total <= 0) return 0.5 * (expectedValue(tree, l) + expectedValue(tree, r));
  return (cl * expectedValue(tree, l) + cr * expectedValue(tree, r)) / total;
}

function copyPath(p: Path, from: number, to: number, length: number): void {
  p.feature.copyWithin(to, from, from + length);
  p.zero.copyWithin(to, from, from + length);
  p.one.copyWithin(to, from, from + length);
  p.weight.copyWithin(to, from, from + length);
}

function extend(p: Path, at: number, l: number, zero: number, one: number, feature: number): void {
  p.feature[at + l] = feature;
  p.zero[at + l] = zero;
  p.one[at + l] = one;
  p.weight[at + l] = l === 0 ? 1 : 0;
  for (let i = l - 1; i >= 0; i--) {
    p.weight[at + i + 1] = p.weight[at + i + 1]! + (one * p.weight[at + i]! * (i + 1)) / (l + 1);
    p.weight[at + i] = (zero * p.weight[at + i]! * (l - i)) / (l + 1);
  }
}

function unwind(p: Path, at: number, l: number, i: number): void {
  const one = p.one[at + i]!;
  const zero = p.zero[at + i]!;
  let n = p.weight[at + l]!;
  for (let j = l - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = p.weight[at + j]!;
      p.weight[at + j] = (n * (l + 1)) / ((j + 1) * one);
      n = t - (p.weight[at + j]! * zero * (l - j)) / (l + 1);
    } else {
      p.weight[at + j] = (p.weight[at + j]! * (l + 1)) / (zero * (l - j));
    }
  }
  for (let j = i; j < l; j++) {
    p.feature[at + j] = p.feature[at + j + 1]!;
    p.zero[at + j] = p.zero[at + j + 1]!;
    p.one[at + j] = p.one[at + j + 1]!;
  }
}

function unwoundSum(p: Path, at: number, l: number, i: number): number {
  const one = p.one[at + i]!;
  const zero = p.zero[at + i]!;
  let n = p.weight[at + l]!;
  let total = 0;
  for (let j = l - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = (n * (l + 1)) / ((j + 1) * one);
      total += t;
      n = p.weight[at + j]! - (t * zero * (l - j)) / (l + 1);
    } else {
      total += p.weight[at + j]! / ((zero * (l - j)) / (l + 1));
    }
  }
  return total;
}

function recurse(
  tree: ModelTree,
  x: Float64Array,
  phi: Float64Array,
  p: Path,
  at: number,
  node: number,
  uniqueDepth: number,
  parentZero: number,
  parentOne: number,
  parentFeature: number,
): void {
  extend(p, at, uniqueDepth, parentZero, parentOne, parentFeature);
  const left = tree.left[node]!;
  if (left < 0) {
    const v = tree.value[node]!;
    for (let i = 1; i <= uniqueDepth; i++) {
      const w = unwoundSum(p, at, uniqueDepth, i);
      const f = p.feature[at + i]!;
      phi[f] = phi[f]! + w * (p.one[at + i]! - p.zero[at + i]!) * v;
    }
    return;
  }
  const right = tree.right[node]!;
  const f = tree.feature[node]!;
  const toLeft = goesLeft(tree, node, x[f]!);
  const hot = toLeft ? left : right;
  const cold = toLeft ? right : left;
  const cover = tree.cover[node]!;
  const hotShare = cover > 0 ? tree.cover[hot]! / cover : 0.5;
  const coldShare = cover > 0 ? tree.cover[cold]! / cover : 0.5;
  let incomingZero = 1;
  let incomingOne = 1;
  let depth = uniqueDepth;
  // A feature already on the path is removed first, then re-added with combined fractions.
  for (let k = 1; k <= depth; k++) {
    if (p.feature[at + k] === f) {
      incomingZero = p.zero[at + k]!;
      incomingOne = p.one[at + k]!;
      unwind(p, at, depth, k);
      depth -= 1;
      break;
    }
  }
  const next = at + depth + 1;
  copyPath(p, at, next, depth + 1);
  recurse(tree, x, phi, p, next, hot, depth + 1, incomingZero * hotShare, incomingOne, f);
  copyPath(p, at, next, depth + 1);
  recurse(tree, x, phi, p, next, cold, depth + 1, incomingZero * coldShare, 0, f);
}
