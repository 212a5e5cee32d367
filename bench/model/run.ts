/**
 * Benchmark of our gradient-boosted trees (src/lib/gbdt) on the public customs-declarations data
 * (Jeong et al. 2022), with XGBoost and scikit-learn HistGradientBoosting run in the same process
 * tree (compare.py, single-threaded) with equal settings. Protocol of the data README: fit on
 * train, rank valid, inspect the top 1/2/5/10 %; label `Fraud`; `Declaration ID`, `Date` and the
 * other label are not features. Progress on stderr, the comparison table on stdout.
 *
 *   bench/model/run.sh            (installs the Python side if needed, then runs this)
 *   npx tsx bench/model/run.ts [--data DIR] [--trees 300] [--skip-python]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import {
  atInspectionRate,
  averagePrecision,
  CategoryDictionary,
  type Dataset,
  type FeatureSpec,
  rocAuc,
  type TrainParams,
  toRowMajor,
  train,
} from '../../src/lib/gbdt/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(here, '../../../shared/data/customs-declarations') },
    trees: { type: 'string', default: '300' },
    'skip-python': { type: 'boolean', default: false },
  },
});
const dataDir = resolve(values.data);
const trainFile = join(dataDir, 'df_syn_train_eng.csv');
const validFile = join(dataDir, 'df_syn_valid_eng.csv');
if (!existsSync(trainFile) || !existsSync(validFile)) {
  process.stderr.write(
    `bench/model: the customs-declarations data is missing (expected ${trainFile} and ${validFile}).\n` +
      'Provide /work/shared/data/customs-declarations or pass --data DIR.\n',
  );
  process.exit(2);
}

const params: TrainParams = {
  numTrees: Number(values.trees),
  learningRate: 0.1,
  maxLeaves: 31,
  maxDepth: 8,
  maxBins: 255,
  lambda: 1,
  minChildWeight: 1e-3,
  minSamplesLeaf: 20,
  minSplitGain: 0,
  subsample: 0.8,
  colsample: 0.8,
  earlyStoppingRounds: 0,
  catSmooth: 10,
  maxCatThreshold: 32,
  categoricalPriorWeight: 1,
  seed: 0,
};

const CATEGORICAL = [
  'Office ID',
  'Process Type',
  'Import Type',
  'Import Use',
  'Payment Type',
  'Mode of Transport',
  'Declarant ID',
  'Importer ID',
  'Seller ID',
  'Courier ID',
  'HS6 Code',
  'HS4',
  'HS2',
  'Country of Departure',
  'Country of Origin',
  'Tax Type',
  'Country of Origin Indicator',
];
const NUMERIC = ['Tax Rate', 'Net Mass', 'Item Price', 'Unit Price'];
const features: FeatureSpec[] = [
  ...CATEGORICAL.map((name) => ({ name, kind: 'categorical' as const })),
  ...NUMERIC.map((name) => ({ name, kind: 'numeric' as const })),
];
const dictionaries = new Map(CATEGORICAL.map((c) => [c, new CategoryDictionary()]));

const number = (s: string | undefined): number => (s === undefined || s === '' ? Number.NaN : Number(s));

/** Reads one split; dictionaries are shared so valid uses train's codes (new values → unseen codes). */
function load(file: string): Dataset {
  const records = z
    .array(z.record(z.string(), z.string()))
    .parse(parse(readFileSync(file), { columns: true }));
  const rows = records.length;
  const columns = features.map(() => new Float64Array(rows));
  const labels = new Uint8Array(rows);
  records.forEach((rec, r) => {
    const hs6 = (rec['HS6 Code'] ?? '').padStart(6, '0');
    const derived: Record<string, string> = { 'HS6 Code': hs6, HS4: hs6.slice(0, 4), HS2: hs6.slice(0, 2) };
    CATEGORICAL.forEach((c, f) => {
      columns[f]![r] = dictionaries.get(c)!.code(derived[c] ?? rec[c]);
    });
    const mass = number(rec['Net Mass']);
    const price = number(rec['Item Price']);
    const numeric = [number(rec['Tax Rate']), mass, price, mass > 0 ? price / mass : Number.NaN];
    numeric.forEach((v, j) => {
      columns[CATEGORICAL.length + j]![r] = v;
    });
    labels[r] = rec.Fraud === '1' ? 1 : 0;
  });
  return { features, rows, columns, labels };
}

const trainSet = load(trainFile);
const validSet = load(validFile);
process.stderr.write(
  `loaded ${trainSet.rows} train and ${validSet.rows} valid rows, ${features.length} features\n`,
);

const t0 = performance.now();
const model = train(trainSet, params, {
  validation: validSet,
  onProgress: (p) => {
    if (p.iteration % 25 === 0 || p.iteration === 1) {
      process.stderr.write(
        `  tree ${p.iteration}: train log-loss ${p.trainLoss.toFixed(4)}, valid ${p.validLoss?.toFixed(4)}\n`,
      );
    }
  },
});
const trainSeconds = (performance.now() - t0) / 1000;

const matrix = toRowMajor(validSet);
let scores = model.predictProbaBatch(matrix);
let best = Number.POSITIVE_INFINITY;
for (let i = 0; i < 5; i++) {
  const t = performance.now();
  scores = model.predictProbaBatch(matrix);
  best = Math.min(best, (performance.now() - t) / 1000);
}

interface Figures {
  trainSeconds: number;
  predictionsPerSecond: number;
  auc: number;
  averagePrecision: number;
  [key: `p${number}` | `r${number}`]: number;
}
const RATES = [1, 2, 5, 10];
const ours: Figures = {
  trainSeconds,
  predictionsPerSecond: validSet.rows / best,
  auc: rocAuc(scores, validSet.labels),
  averagePrecision: averagePrecision(scores, validSet.labels),
};
for (const n of RATES) {
  const at = atInspectionRate(scores, validSet.labels, n);
  ours[`p${n}`] = at.precision;
  ours[`r${n}`] = at.recall;
}

const figuresSchema = z.object({ version: z.string() }).catchall(z.union([z.number(), z.string()]));
let baselines: Record<string, Record<string, number | string>> = {};
if (!values['skip-python']) {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-model-')), 'baselines.json');
  process.stderr.write('running XGBoost and HistGradientBoosting (single-threaded)...\n');
  const python = spawnSync(
    '/usr/bin/python3',
    [join(here, 'compare.py'), '--data', dataDir, '--params', JSON.stringify(params), '--out', out],
    { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1' } },
  );
  if (python.status !== 0) {
    process.stderr.write(
      'compare.py failed; run bench/model/run.sh to install python3-xgboost and python3-sklearn\n',
    );
    process.exit(1);
  }
  baselines = z.record(z.string(), figuresSchema).parse(JSON.parse(readFileSync(out, 'utf8')));
}

const columns: [string, Record<string, number | string>][] = [
  ['ours (TS)', { ...ours }],
  ...Object.entries(baselines),
];
const fmt = (v: number | string | undefined, digits: number) =>
  typeof v === 'number' ? v.toFixed(digits) : String(v ?? '-');
const rowsOut: [string, string, number][] = [
  ['train seconds', 'trainSeconds', 2],
  ['predictions / s', 'predictionsPerSecond', 0],
  ['ROC AUC', 'auc', 4],
  ['average precision', 'averagePrecision', 4],
  ...RATES.flatMap((n): [string, string, number][] => [
    [`precision@${n}%`, `p${n}`, 4],
    [`recall@${n}%`, `r${n}`, 4],
  ]),
];
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => (i === 0 ? c.padEnd(18) : c.padStart(12))).join(' | ')} |`;
console.log(
  `\nmodel benchmark, ${new Date().toISOString().slice(0, 10)}, ${params.numTrees} trees, lr ${params.learningRate}, ` +
    `${params.maxLeaves} leaves, depth ${params.maxDepth}, ${params.maxBins} bins, subsample ${params.subsample}, colsample ${params.colsample}`,
);
console.log(`our model kept ${model.info.bestIteration} trees; valid rows ${validSet.rows}\n`);
console.log(line(['', ...columns.map(([name]) => name)]));
console.log(line(['---', ...columns.map(() => '---')]));
for (const [label, key, digits] of rowsOut)
  console.log(line([label, ...columns.map(([, f]) => fmt(f[key], digits))]));

const xgb = baselines.xgboost;
if (
  xgb &&
  typeof xgb.p5 === 'number' &&
  typeof xgb.trainSeconds === 'number' &&
  typeof xgb.predictionsPerSecond === 'number'
) {
  const diff = (ours.p5 ?? 0) * 100 - xgb.p5 * 100;
  const timeRatio = ours.trainSeconds / xgb.trainSeconds;
  const speedRatio = ours.predictionsPerSecond / xgb.predictionsPerSecond;
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log('\nagainst XGBoost (single-threaded):');
  console.log(
    `  precision@5%: ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} points (target >= -1): ${verdict(diff >= -1)}`,
  );
  console.log(`  training time: ${timeRatio.toFixed(2)}x (target <= 3x): ${verdict(timeRatio <= 3)}`);
  console.log(
    `  prediction throughput: ${speedRatio.toFixed(2)}x (target >= 0.5x): ${verdict(speedRatio >= 0.5)}`,
  );
}
