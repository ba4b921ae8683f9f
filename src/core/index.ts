/**
 * The public API of the workbench's core: what the compute worker, the CLI and the tests use.
 * Everything here runs in Node (tfjs wasm/cpu) and in a browser worker (any tfjs backend).
 */
export { Rng, deriveSeed, mix32 } from './random';
export { BACKEND_ORDER, type BackendName, type BackendChoice, selectBackend, activateBackend, installWasmMatMulFastPath, tensorCount, isBackendName } from './backend';
export { CancelledError, isCancelled, checkpoint, throwIfAborted } from './cancel';

export {
  DATASET2D_KINDS,
  DATASET2D_INFO,
  DATASET2D_DEFAULTS,
  type Dataset2dKind,
  type Dataset2dConfig,
  type Dataset2d,
  type Bounds2d,
  makeDataset2d,
  makeGrid2d,
  squareBounds,
  groundTruthLabels2d,
} from './data/synthetic2d';

export { createMlp, MLP_DEFAULTS, type MlpConfig, logits, snapshotWeights, restoreWeights } from './models/mlp';

export { type AttackNorm, type Box, type ThreatModel, type Objective, crossEntropy, project, predict } from './attacks/common';
export { type RunControl } from './attacks/batched';
export { fgsm, fgsmBatch } from './attacks/fgsm';
export { pgd, pgdBatch, PGD_DEFAULTS, effectiveStepSize, type PgdOptions } from './attacks/pgd';
export { apgdCe, apgdCeBatch, APGD_DEFAULTS, apgdCheckpointIntervals, type ApgdOptions } from './attacks/apgd';
export { ATTACK_KINDS, ATTACK_DEFAULTS, ATTACK_LABELS, type AttackKind, type AttackConfig, runAttack, attackBatch } from './attacks/attack';

export { TRAINING_METHODS, METHOD_LABELS, type TrainingMethodName, type TrainingAttack, type LossParams } from './training/method';
export { train, evaluateClean, TRAIN_DEFAULTS, METHODS, type TrainConfig, type TrainData, type TrainProgress, type TrainResult, type EpochStats, type TrainStatus } from './training/trainer';
export { klLogits, klFromProbs, tradesLossPerExample } from './training/trades';
export { bestOtherClass } from './training/era';

export {
  robustnessSplit,
  splitFromPredictions,
  SPLIT_CATEGORIES,
  SPLIT_LABELS,
  type RobustnessSplit,
  type SplitCategoryName,
} from './metrics/robustness';
export { composeModels, type CompositionInputs, type CompositionResult, type ModelMetrics } from './metrics/composition';

export {
  type ExperimentConfig,
  type ModelConfig,
  type EvaluationConfig,
  type FieldErrors,
  EXPERIMENT_DEFAULTS,
  FIELD_RULES,
  defaultExperiment,
  validateExperiment,
  parseExperiment,
  normaliseExperiment,
  checkField,
  getPath,
  setPath,
  attackConfigOf,
  trainConfigOf,
  experimentToSearch,
  experimentFromSearch,
} from './experiments/config';
export { datasetTensors, disposeDataset, buildModel, runTraining, splitPoints, predictGrid, type DatasetTensors, type GridPrediction } from './experiments/runner';
export { PRESETS, FIGURE1_PRESET, type Preset } from './experiments/presets';
export { modelToArtifacts, modelFromArtifacts, checkModelJson, manifestByteLength, MODEL_JSON_FILE_NAME, WEIGHTS_FILE_NAME, type ModelJson, type ModelArtifactsPair } from './models/io';
export { BENCH_CASES, runBenchCase, SPLIT_40K_TARGET_MS, BENCH_SPLIT_ATTACK, formatRate, median, type BenchCase, type BenchCaseId, type BenchOptions, type BenchProgress, type BenchResult } from './bench/suite';
