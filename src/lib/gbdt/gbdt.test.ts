import { describe, expect, it } from 'vitest';
import {
  brierScore,
  calibrate,
  type Dataset,
  deserialize,
  type FeatureSpec,
  logLoss,
  type Model,
  Random,
  rocAuc,
  serialize,
  toRowMajor,
  train,
} from './index.ts';

/** Builds a data set from column generators with a seeded generator. */
function make(
  rows: number,
  seed: number,
  features: FeatureSpec[],
  cell: (r: Random, f: number, row: number[]) => number,
  label: (row: number[], r: Random) => number,
  weight?: (row: number[], y: number) => number,
): Dataset {
  const random = new Random(seed);
  const columns = features.map(() => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  const weights = weight ? new Float64Array(rows) : undefined;
  for (let i = 0; i < rows; i++) {
    const row: number[] = [];
    for (let f = 0; f < features.length; f++) row.push(cell(random, f, row));
    row.forEach((v, f) => {
      columns[f]![i] = v;
    });
    labels[i] = label(row, random);
    if (weights && weight) weights[i] = weight(row, labels[i]!);
  }
  return { features, rows, columns, labels, ...(weights ? { weights } : {}) };
}

const numeric = (n: number): FeatureSpec[] =>
  Array.from({ length: n }, (_, i) => ({ name: `x${i}`, kind: 'numeric' }));
const rowOf = (d: Dataset, i: number): number[] =>
  d.features.map((_, f) => (Array.isArray(d.columns) ? d.columns[f]![i]! : 0));

describe('tree growth', () => {
  const cases = [
    { name: 'x0 > 0.3', feature: 0, cut: 0.3 },
    { name: 'x2 > 0.7', feature: 2, cut: 0.7 },
  ];
  it.each(cases)('finds the split $name', ({ feature, cut }) => {
    const data = make(
      4000,
      1,
      numeric(3),
      (r) => r.next(),
      (row) => (row[feature]! > cut ? 1 : 0),
    );
    const model = train(data, { numTrees: 1, maxLeaves: 2, learningRate: 1 });
    const tree = model.trees[0]!;
    expect(tree.feature[0]).toBe(feature);
    expect(Math.abs(tree.threshold[0]! - cut)).toBeLessThan(0.01);
    expect(
      model.predictProba([0.5, 0.5, 0.5].map((v, f) => (f === feature ? cut + 0.05 : v))),
    ).toBeGreaterThan(0.8);
    expect(model.predictProba([0.5, 0.5, 0.5].map((v, f) => (f === feature ? cut - 0.05 : v)))).toBeLessThan(
      0.2,
    );
  });

  it('routes missing values the way the training data says', () => {
    // Missing x0 means fraud; present x0 is noise.
    const data = make(
      3000,
      2,
      numeric(2),
      (r, f) => (f === 0 && r.next() < 0.3 ? Number.NaN : r.next()),
      (row) => (Number.isNaN(row[0]!) ? 1 : 0),
    );
    const model = train(data, { numTrees: 20 });
    expect(model.predictProba([Number.NaN, 0.5])).toBeGreaterThan(0.9);
    expect(model.predictProba([0.5, 0.5])).toBeLessThan(0.1);
  });

  const categorical = [
    { name: 'native (20 levels)', levels: 20 },
    { name: 'ordered target statistics (3000 levels)', levels: 3000 },
  ];
  it.each(categorical)('learns a categorical signal: $name', ({ levels }) => {
    const rate = (c: number) => ((c * 2654435761) % 97) / 97;
    const features: FeatureSpec[] = [{ name: 'importer', kind: 'categorical' }, ...numeric(1)];
    const gen = (seed: number, rows: number) =>
      make(
        rows,
        seed,
        features,
        (r, f) => (f === 0 ? r.int(levels) : r.next()),
        (row, r) => (r.next() < rate(row[0]!) ? 1 : 0),
      );
    const model = train(gen(3, levels * 20), { numTrees: 50 });
    const test = gen(4, 5000);
    const auc = rocAuc(model.predictRawBatch(toRowMajor(test)), test.labels);
    expect(auc).toBeGreaterThan(0.75);
  });

  it('gives identical models for identical seeds, different ones otherwise', () => {
    const data = make(
      2000,
      5,
      numeric(4),
      (r) => r.next(),
      (row, r) => (r.next() < row[0]! * row[1]! ? 1 : 0),
    );
    const params = { numTrees: 10, subsample: 0.7, colsample: 0.5 };
    const a = JSON.stringify(serialize(train(data, { ...params, seed: 7 })));
    const b = JSON.stringify(serialize(train(data, { ...params, seed: 7 })));
    const c = JSON.stringify(serialize(train(data, { ...params, seed: 8 })));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('stops early when the validation loss stops improving', () => {
    const noise = (seed: number) =>
      make(
        1500,
        seed,
        numeric(3),
        (r) => r.next(),
        (_, r) => (r.next() < 0.3 ? 1 : 0),
      );
    const model = train(noise(6), { numTrees: 500, earlyStoppingRounds: 5 }, { validation: noise(7) });
    expect(model.info.bestIteration).toBeLessThan(100);
    expect(model.trees.length).toBe(model.info.bestIteration);
  });

  it('lets sample weights move the prediction', () => {
    const features = numeric(1);
    const plain = make(
      2000,
      8,
      features,
      (r) => r.next(),
      (_, r) => (r.next() < 0.5 ? 1 : 0),
    );
    const weighted = make(
      2000,
      8,
      features,
      (r) => r.next(),
      (_, r) => (r.next() < 0.5 ? 1 : 0),
      (_, y) => (y ? 3 : 1),
    );
    const p0 = train(plain, { numTrees: 5 }).predictProba([0.5]);
    const p1 = train(weighted, { numTrees: 5 }).predictProba([0.5]);
    expect(p0).toBeGreaterThan(0.4);
    expect(p0).toBeLessThan(0.6);
    expect(p1).toBeGreaterThan(0.68);
  });
});

describe('calibration and serialisation', () => {
  const features: FeatureSpec[] = [...numeric(2), { name: 'office', kind: 'categorical' }];
  const gen = (seed: number, weighted: boolean) =>
    make(
      3000,
      seed,
      features,
      (r, f) => (f === 2 ? r.int(8) : r.next() < 0.1 ? Number.NaN : r.next()),
      (row, r) => (r.next() < 0.1 + 0.5 * (row[0]! > 0.5 ? 1 : 0) * (row[2]! % 2) ? 1 : 0),
      weighted ? (_, y) => (y ? 6 : 1) : undefined,
    );

  it('improves log-loss and Brier score of a miscalibrated model', () => {
    // Positives weighted 6× in training inflate every probability.
    const model = train(gen(9, true), { numTrees: 30 });
    const heldOut = gen(10, false);
    const test = gen(11, false);
    const calibrated = calibrate(model, heldOut);
    const x = toRowMajor(test);
    const before = model.predictProbaBatch(x);
    const after = calibrated.predictProbaBatch(x);
    expect(logLoss(after, test.labels)).toBeLessThan(logLoss(before, test.labels) - 0.05);
    expect(brierScore(after, test.labels)).toBeLessThan(brierScore(before, test.labels));
  });

  it('round-trips through JSON with identical predictions', () => {
    const model: Model = calibrate(train(gen(12, false), { numTrees: 20, subsample: 0.8 }), gen(13, false));
    const copy = deserialize(JSON.parse(JSON.stringify(serialize(model))));
    const x = toRowMajor(gen(14, false));
    expect(copy.predictRawBatch(x)).toEqual(model.predictRawBatch(x));
    expect(copy.predictProbaBatch(x)).toEqual(model.predictProbaBatch(x));
    expect(copy.calibration).toEqual(model.calibration);
  });

  it('refuses a malformed model', () => {
    const s = serialize(train(gen(15, false), { numTrees: 2 }));
    expect(() => deserialize({ ...s, version: 2 })).toThrow();
    const tree = s.trees[0]!;
    expect(() => deserialize({ ...s, trees: [{ ...tree, left: tree.left.map(() => 99) }] })).toThrow();
  });

  it('accepts Float32 matrices and single rows alike', () => {
    const data = gen(16, false);
    const model = train(data, { numTrees: 10 });
    const x = toRowMajor(data);
    const batch = model.predictRawBatch(x);
    expect(model.predictRaw(rowOf(data, 3))).toBe(batch[3]);
  });
});
