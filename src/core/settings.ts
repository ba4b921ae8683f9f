/**
 * The plain-data part of the core (no tfjs import): settings, defaults, validation, dataset
 * generation and metric bookkeeping. The page imports only this file, so that tfjs stays in the
 * compute worker and off the main thread.
 */
export * from './experiments/config';
export { ATTACK_KINDS, ATTACK_DEFAULTS, ATTACK_LABELS, ADAPTIVE_OBJECTIVES, ADAPTIVE_LABELS, type AdaptiveObjective, type AttackKind, type AttackConfig, type AttackNorm, type Box } from './attacks/config';
export { TRAINING_METHODS, METHOD_LABELS, SMOOTHED_METHODS, isSmoothedMethod, usesTrainingAttack, methodHeads, abstainOutputsOf, type TrainingMethodName, type TrainingAttack } from './training/method';
export { CAT_RS_DEFAULTS, CAT_RS_VARIANTS, CRA_DEFAULTS, type CatRsConfig, type CatRsVariant, type CraConfig } from './training/smoothedTrainingConfig';
export { TRAIN_DEFAULTS, type TrainConfig } from './training/config';
export { MLP_DEFAULTS, type MlpConfig } from './models/mlpConfig';
export { CNN_DEFAULTS, type CnnConfig } from './models/cnnConfig';
export {
  DATASET2D_KINDS,
  DATASET2D_INFO,
  DATASET2D_DEFAULTS,
  type Dataset2dKind,
  type Dataset2dConfig,
  type Dataset2d,
  type Bounds2d,
} from './data/synthetic2d';
export { SPLIT_CATEGORIES, SPLIT_LABELS, splitFromPredictions, type RobustnessSplit, type SplitCategoryName } from './metrics/split';
export { type CompositionResult, type ModelMetrics } from './metrics/composition';
export type { EpochStats, TrainProgress, TrainResult, TrainStatus } from './training/trainer';
export type { GridPrediction } from './experiments/runner';
export { FIGURE1_PRESET, type Preset } from './experiments/presets';
export { CIFAR10_CLASSES, CIFAR100_COARSE_CLASSES, CIFAR100_FINE_CLASSES, FASHION_MNIST_CLASSES, MNIST_CLASSES } from './data/classNames';
export { DatasetFileError, isDatasetFileError, DATASET_ERROR_CODES, type DatasetErrorCode } from './data/fileError';
export { MAX_DATASET_BYTES, MAX_NUM_CLASSES, type ImageDataset, type ImageFile, type LabelFile, type ImageShape, type ImageSummary } from './data/imageDataset';
export type { ParsedDatasetFile, DatasetFileFormat, ParseDatasetOptions, ParseDatasetAsyncOptions } from './data/datasetFile';
export { IMAGE_EXPERIMENT_DEFAULTS, IMAGE_FIELD_RULES, defaultImageExperiment, validateImageExperiment, type ImageExperimentConfig, type ImageModelConfig, type ImageDataSelection } from './experiments/imageConfig';
export { normaliseImageExperiment, parseImageExperiment, isImageExperimentJson } from './experiments/imageConfigParse';
export { toCsv, rowsFromColumns, type CsvRow, type CsvValue } from './experiments/csv';
export { SMOOTHING_DEFAULTS, smoothingProblems, smoothingFieldProblems, checkSmoothingOptions, type SmoothingOptions } from './certify/smoothingConfig';
export { CERTIFY_HEADER, PREDICT_HEADER, formatCertificationLog, parseCertificationLog, formatPython3, formatTimedelta, parseTimedelta, type CertificationRow, type ParsedLog } from './certify/log';
export { certifiedAccuracyAt, averageCertifiedRadius, certifiedAccuracyCurve, certifiedAccuracyTable, smoothedSelection, type CurvePoint, type SmoothedSelection } from './metrics/certified';
export {
  rocAuc, rocCurve, tprAccuracy, accuracyCoverageCurve, coupledRejection, xiError,
  SelectiveMetricError, isSelectiveMetricError, SELECTIVE_ERROR_CODES, TPR_CONVENTIONS, PROBABILITY_SLACK,
  type BinaryLabels, type RocCurve, type RocCurveOptions, type TprConvention, type TprAccuracyOptions,
  type TprAccuracyResult, type AccuracyCoverageCurve, type CoupledRejectionOptions, type CoupledSeparation,
  type CoupledRejectionResult, type XiErrorOptions, type XiErrorResult, type SelectiveErrorCode,
} from './metrics/selective';
export { RR_DEFAULTS, RR_STOP_GRADIENTS, SELECTIVENET_DEFAULTS, MODEL_HEADS, type RrConfig, type RrStopGradient, type SelectiveNetConfig, type ModelHeads } from './training/rejectionHeadsConfig';
export { IBP_DEFAULTS, ibpSchedule, regulariserThreshold, type IbpConfig, type IbpScheduleValues } from './training/ibpConfig';
export { REJECTOR_SCORES, REJECTOR_SCORE_LABELS, REJECTOR_SCORE_SHORT, rejectorScoresOf, type RejectorScoreName } from './metrics/rejectorScoreNames';
export {
  REJECTION_EVAL_DEFAULTS, REJECTION_EVAL_DEFAULTS_2D, REJECTION_EVAL_KINDS, REJECTION_EVAL_OBJECTIVES, REJECTION_CLEAN_SETTING, defaultRejectionEvalConfig, rejectionEvalDefaults2d,
  pgdSetting, adaptiveSetting, withAdaptiveObjectives, validateRejectionEvalConfig, parseRejectionEvalConfig, rejectionEvalErrorList, rejectionEvalModelProblems,
  type RejectionEvalConfig, type RejectionEvalSetting, type RejectionEvalKind, type RejectionEvalDataKind, type RejectionEvalErrors,
} from './experiments/rconRejectionEvalConfig';
export {
  scoreMetric, coupledSummary, rejectionMetrics, accuracyCoveragePoints, subsampleIndices, REJECTION_CURVE_POINTS, rejectedScore, nonFiniteRows, rejectNonFinite,
  type ScoredSet, type RejectionMetric, type CoupledSummary, type SkippedSetting, type RejectionEvaluation, type AccuracyCoveragePoints, type RejectionMetricOptions,
} from './experiments/rconRejectionMetrics';
export { ABSTAIN_DECISION, ABSTAIN_MEASURES, ABSTAIN_MEASURE_DEFINITIONS, type AbstainMeasure, type AbstainOutcomes, type Share, type RejectorFooting, type ThreatFooting } from './metrics/abstainMeasures';
export { COUPLED_REJECTION_PRESET, COUPLED_PRESET_MODEL_ID } from './experiments/coupledPreset';
export { ABSTAIN_PRESET, ABSTAIN_PRESET_EPS, ABSTAIN_TRADEOFF_LAMBDAS, abstainPresetRuns, abstainTradeoffRuns, type AbstainPresetRun } from './experiments/abstainPreset';
export { ABSTAIN_VERIFY_DEFAULTS } from './verify/verifyConfig';
export { MAX_TEXT_FILE_BYTES, MAX_MODEL_PARAMS, fileTooLarge } from './limits';
export { ARENA_FAMILIES, ARENA_FAMILY_INFO, ARENA_DEFAULTS, ARENA_RULES, defaultArenaConfig, arenaSourceDefaults, arenaBox, validateArenaConfig, normaliseArenaConfig, parseArenaConfig, orderedFamilies, familyUnavailable, type ArenaConfig, type ArenaFamily, type ArenaThreat, type ArenaBudget, type ArenaSmoothing } from './experiments/arenaConfig';
export { arenaCsv, type ArenaResult, type ArenaRow, type ArenaFigure, type ArenaCost } from './experiments/arenaResults';
