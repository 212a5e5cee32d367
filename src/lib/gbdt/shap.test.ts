import { describe, expect, it } from 'vitest';
import { type Dataset, type FeatureSpec, type Model, Random, train } from './index.ts';

/** E[f(x) | x_S] of the whole model with the path-dependent (cover-weighted) expectation. */
function conditional(model: Model, x: number[], inS: boolean[]): number {
  let total = model.baseScore;
  for (const tree of model.trees) {
    const walk = (node: number): number => {
      const l = tree.left[node]!;
      if (l < 0) return tree.value[node]!;
      const r = tree.right[node]!;
      const f = tree.feature[node]!;
      if (inS[f]) {
        const v = x[f]!;
        const thr = tree.threshold[node]!;
        const left = v <= thr ? true : v > thr ? false : tree.defaultLeft[node] === 1;
        return walk(left ? l : r);
      }
      return (tree.cover[l]! * walk(l) + tree.cover[r]! * walk(r)) / (tree.cover[l]! + tree.cover[r]!);
    };
    total += walk(0);
  }
  return total;
}

/** Exact Shapley values by enumerating every subset. */
function bruteForce(model: Model, x: number[]): number[] {
  const m = x.length;
  const fact = (k: number): number => (k <= 1 ? 1 : k * fact(k - 1));
  const phi = new Array<number>(m).fill(0);
  for (let i = 0; i < m; i++) {
    for (let mask = 0; mask < 1 << m; mask++) {
      if (mask & (1 << i)) continue;
      const inS = Array.from({ length: m }, (_, f) => (mask & (1 << f)) !== 0);
      const size = inS.filter(Boolean).length;
      const weight = (fact(size) * fact(m - size - 1)) / fact(m);
      const withI = inS.map((v, f) => v || f === i);
      phi[i]! += weight * (conditional(model, x, withI) - conditional(model, x, inS));
    }
  }
  return phi;
}

function dataset(rows: number, seed: number, features: FeatureSpec[]): Dataset {
  const r = new Random(seed);
  const columns = features.map(() => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < features.length; f++) {
      columns[f]![i] =
        features[f]!.kind === 'categorical' ? r.int(6) : r.next() < 0.1 ? Number.NaN : r.next();
    }
    const a = columns[0]![i]!;
    const b = columns[1]![i]!;
    const p = 0.1 + 0.4 * (a > 0.4 ? 1 : 0) + 0.3 * (b > 0.6 ? 1 : 0) * (Number.isNaN(a) ? 1 : 0.5);
    labels[i] = r.next() < p ? 1 : 0;
  }
  return { features, rows, columns, labels };
}

const numeric3: FeatureSpec[] = [
  { name: 'a', kind: 'numeric' },
  { name: 'b', kind: 'numeric' },
  { name: 'c', kind: 'numeric' },
];

describe('TreeSHAP', () => {
  const model = train(dataset(2000, 1, numeric3), { numTrees: 5, maxLeaves: 6, minSamplesLeaf: 30 });
  const rows = [
    [0.2, 0.7, 0.5],
    [0.9, 0.1, Number.NaN],
    [Number.NaN, 0.8, 0.3],
    [0.45, Number.NaN, 0.99],
  ];
  it.each(rows)('matches brute-force Shapley values for row %#', (...x) => {
    const { contributions, expectedValue } = model.shap(x);
    const exact = bruteForce(model, x);
    for (const [f, v] of exact.entries()) expect(contributions[f]).toBeCloseTo(v, 9);
    expect(expectedValue).toBeCloseTo(conditional(model, x, [false, false, false]), 9);
  });

  it('sums to the raw margin on a larger model with categorical features and missing values', () => {
    const features: FeatureSpec[] = [...numeric3, { name: 'office', kind: 'categorical' }];
    const data = dataset(3000, 2, features);
    const big = train(data, { numTrees: 40, maxLeaves: 31, subsample: 0.8, colsample: 0.75 });
    const r = new Random(3);
    for (let i = 0; i < 50; i++) {
      const x = [r.next(), r.next() < 0.2 ? Number.NaN : r.next(), r.next(), r.int(8)];
      const { contributions, expectedValue } = big.shap(x);
      const sum = contributions.reduce((s, v) => s + v, expectedValue);
      expect(Math.abs(sum - big.predictRaw(x))).toBeLessThan(1e-6);
    }
  });
});
