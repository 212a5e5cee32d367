/**
 * Model ⇄ plain JSON, so that models can be stored in the database (jsonb) and read back.
 * Versioned: `format: "tandem-gbdt", version: 1`. Typed arrays become number arrays; JavaScript
 * prints doubles with the shortest text that reads back to the same value, so a round trip gives
 * bit-identical predictions. Reading validates the whole shape with zod and checks that node
 * references stay inside each tree.
 */
import { z } from 'zod';
import { CATEGORY_WORDS, Model, type ModelTree } from './model.ts';
import { DEFAULT_PARAMS, type TrainParams } from './types.ts';

export const MODEL_FORMAT = 'tandem-gbdt';
export const MODEL_VERSION = 1;

const finite = z.number().refine(Number.isFinite, 'must be finite');

const treeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(finite),
  defaultLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  left: z.array(z.number().int().min(-1)),
  right: z.array(z.number().int().min(-1)),
  value: z.array(finite),
  cover: z.array(finite),
  catOffset: z.array(z.number().int().min(-1)),
  catWords: z.array(z.number().int().min(0).max(0xffffffff)),
});

const paramsSchema = z.object({
  numTrees: z.number(),
  learningRate: z.number(),
  maxLeaves: z.number(),
  maxDepth: z.number(),
  maxBins: z.number(),
  lambda: z.number(),
  minChildWeight: z.number(),
  minSamplesLeaf: z.number(),
  minSplitGain: z.number(),
  subsample: z.number(),
  colsample: z.number(),
  earlyStoppingRounds: z.number(),
  catSmooth: z.number(),
  maxCatThreshold: z.number(),
  categoricalPriorWeight: z.number(),
  seed: z.number(),
}) satisfies z.ZodType<TrainParams>;

export const serializedModelSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  features: z.array(z.object({ name: z.string(), kind: z.enum(['numeric', 'categorical']) })).min(1),
  baseScore: finite,
  trees: z.array(treeSchema),
  categories: z.array(z.object({ prior: finite, values: z.array(finite) }).nullable()),
  calibration: z.object({ method: z.literal('platt'), a: finite, b: finite }).nullable(),
  info: z.object({
    params: paramsSchema,
    trainRows: z.number().int(),
    bestIteration: z.number().int(),
    trainLoss: z.number().nullable(),
    validLoss: z.number().nullable().optional(),
    gainImportance: z.array(finite),
  }),
});

export type SerializedModel = z.infer<typeof serializedModelSchema>;

const nullIfNaN = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** The model as a JSON-compatible value. */
export function serialize(model: Model): SerializedModel {
  const { features, baseScore, trees, categories, calibration, info } = model.parts();
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    features: features.map((f) => ({ name: f.name, kind: f.kind })),
    baseScore,
    trees: trees.map((t) => ({
      feature: [...t.feature],
      threshold: [...t.threshold],
      defaultLeft: [...t.defaultLeft].map((d) => (d ? 1 : 0)),
      left: [...t.left],
      right: [...t.right],
      value: [...t.value],
      cover: [...t.cover],
      catOffset: [...t.catOffset],
      catWords: [...t.catWords],
    })),
    categories: categories.map((c) => (c ? { prior: c.prior, values: [...c.values] } : null)),
    calibration: calibration ? { ...calibration } : null,
    info: {
      params: { ...info.params },
      trainRows: info.trainRows,
      bestIteration: info.bestIteration,
      trainLoss: nullIfNaN(info.trainLoss),
      ...(info.validLoss !== undefined ? { validLoss: nullIfNaN(info.validLoss) } : {}),
      gainImportance: [...info.gainImportance],
    },
  };
}

/** Reads a model back from a parsed JSON value (or a JSON string); throws on a malformed model. */
export function deserialize(input: unknown): Model {
  const json: unknown = typeof input === 'string' ? JSON.parse(input) : input;
  const s = serializedModelSchema.parse(json);
  const m = s.features.length;
  if (s.categories.length !== m) throw new RangeError('categories must have one entry per feature');
  const trees: ModelTree[] = s.trees.map((t, i) => {
    const size = t.feature.length;
    const lengths = [t.threshold, t.defaultLeft, t.left, t.right, t.value, t.cover, t.catOffset].map(
      (a) => a.length,
    );
    if (size === 0 || lengths.some((l) => l !== size))
      throw new RangeError(`tree ${i}: arrays must have equal, non-zero length`);
    for (let n = 0; n < size; n++) {
      const leaf = t.left[n]! < 0;
      const bad = leaf
        ? t.right[n]! >= 0
        : t.left[n]! <= n ||
          t.right[n]! <= n ||
          t.left[n]! >= size ||
          t.right[n]! >= size ||
          t.feature[n]! < 0 ||
          t.feature[n]! >= m;
      const cat = t.catOffset[n]!;
      if (bad || (cat >= 0 && cat + CATEGORY_WORDS > t.catWords.length))
        throw new RangeError(`tree ${i}: node ${n} is malformed`);
    }
    return {
      feature: Int32Array.from(t.feature),
      threshold: Float64Array.from(t.threshold),
      defaultLeft: Uint8Array.from(t.defaultLeft),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      value: Float64Array.from(t.value),
      cover: Float64Array.from(t.cover),
      catOffset: Int32Array.from(t.catOffset),
      catWords: Uint32Array.from(t.catWords),
    };
  });
  const { validLoss, trainLoss, ...rest } = s.info;
  return new Model({
    features: s.features,
    baseScore: s.baseScore,
    trees,
    categories: s.categories.map((c) => (c ? { prior: c.prior, values: Float64Array.from(c.values) } : null)),
    calibration: s.calibration,
    info: {
      ...rest,
      params: { ...DEFAULT_PARAMS, ...s.info.params },
      trainLoss: trainLoss ?? Number.NaN,
      ...(validLoss !== undefined ? { validLoss: validLoss ?? Number.NaN } : {}),
    },
  });
}
