/**
 * Gradient-boosted decision trees for binary risk scoring: pure TypeScript on typed arrays, no
 * I/O. See docs/gbdt.md for the algorithm, parameters, categorical handling, TreeSHAP, calibration
 * and the serialisation format.
 */
export { binOf, quantileEdges } from './binning.ts';
export { calibrate, checkDataset, toRowMajor, train, type TrainOptions } from './boosting.ts';
export { applyPlatt, fitPlatt, type PlattCalibration } from './calibration.ts';
export {
  CategoryDictionary,
  type CategoryTable,
  encodeCategory,
  orderedTargetStatistics,
} from './categorical.ts';
export {
  atInspectionRate,
  averagePrecision,
  brierScore,
  logLoss,
  logLossOfMargins,
  rocAuc,
} from './metrics.ts';
export { Model, type ModelInfo, type ModelTree, type ShapExplanation } from './model.ts';
export { Random } from './random.ts';
export {
  deserialize,
  MODEL_FORMAT,
  MODEL_VERSION,
  type SerializedModel,
  serialize,
  serializedModelSchema,
} from './serialize.ts';
export { expectedValue, treeShap } from './shap.ts';
export {
  DEFAULT_PARAMS,
  type Dataset,
  type FeatureSpec,
  resolveParams,
  type TrainParams,
  type TrainProgress,
} from './types.ts';
