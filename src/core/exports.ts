/**
 * Everything the core's public API holds, unchecked: index.ts re-exports it with every function
 * behind the argument gate (apiGate.ts). The core's modules call each other directly.
 *
 * The public API of the workbench's core: what the compute worker, the CLI and the tests use.
 * Everything here runs in Node (tfjs wasm/cpu) and in a browser worker (any tfjs backend).
 * The plain-data part (settings, defaults, validation, datasets, metric bookkeeping) is in
 * ./settings, which the page imports on its own so that tfjs stays off the main thread.
 */
export * from './settings';

export { Rng, deriveSeed, mix32 } from './random';
export { BACKEND_ORDER, type BackendName, type BackendChoice, selectBackend, activateBackend, installWasmMatMulFastPath, installCpuFallbacks, tensorCount, isBackendName } from './backend';
export { heapHelperStarted } from './heapHelperStart';
export { CancelledError, isCancelled, checkpoint, throwIfAborted } from './cancel';

export { makeDataset2d, makeGrid2d, squareBounds, groundTruthLabels2d } from './data/synthetic2d';
export { createMlp } from './models/mlp';
export { logits } from './models/forward';
export { isTaped } from './tape';
export { snapshotWeights, restoreWeights } from './models/weights';
export { createCnn } from './models/cnn';
export { Normalize, type NormalizeArgs } from './models/normalize';
export { modelToArtifacts, modelFromArtifacts, checkModelJson, manifestByteLength, MODEL_JSON_FILE_NAME, WEIGHTS_FILE_NAME, type ModelJson, type ModelArtifactsPair } from './models/io';

export { type ThreatModel, type Objective, crossEntropy, project, predict as predictClasses } from './attacks/common';
export { type RunControl, type Attack, type AttackContext, type AttackOutput, type AttackSettings, attackWith, checkAttackSettings, DEFAULT_CHUNK } from './attacks/runner';
export { fgsm, fgsmBatch } from './attacks/fgsm';
export { pgd, pgdBatch, PGD_DEFAULTS, effectiveStepSize, type PgdOptions } from './attacks/pgd';
export { apgdCe, apgdCeBatch, APGD_DEFAULTS, apgdCheckpointIntervals, type ApgdOptions } from './attacks/apgd';
export { runAttack, attackBatch, ATTACKS } from './attacks/registry';
export { smoothAdv, smoothAdvBatch, smoothedCrossEntropy, SMOOTH_ADV_DEFAULTS, type SmoothAdvOptions } from './attacks/smoothAdv';

export { type LossParams } from './training/method';
export { train, evaluateClean, METHODS, type TrainData, type TrainResume } from './training/trainer';
export { type TrainCheckpoint, type NamedArray } from './training/trainCheckpoint';
export { klLogits, klFromProbs, tradesLossPerExample } from './training/trades';
export { bestOtherClass } from './training/era';

export { robustnessSplit } from './metrics/robustness';
export { composeModels, type CompositionInputs } from './metrics/composition';

export { datasetTensors, disposeDataset, buildModel, runTraining, splitPoints, predictGrid, labelledTensors, inputTensor, type DatasetTensors, type LabelledSet } from './experiments/runner';
export { BENCH_CASES, runBenchCase, SPLIT_40K_TARGET_MS, BENCH_SPLIT_ATTACK, formatRate, median, type BenchCase, type BenchCaseId, type BenchOptions, type BenchProgress, type BenchResult } from './bench/suite';
export { parseCifar10, parseCifar100, looksLikeCifar, CIFAR_IMAGE_SHAPE, CIFAR10_RECORD_BYTES, CIFAR100_RECORD_BYTES, type Cifar100LabelKind, type Cifar100Options } from './data/cifar';
export { parseIdx, parseIdxImages, parseIdxLabels, idxToImages, idxToLabels, encodeIdx, looksLikeIdx, IDX_TYPES, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray, type IdxTypeName } from './data/idx';
export { isGzip, gunzip, gunzipAsync, type GunzipOptions, type GunzipAsyncOptions } from './data/gzip';
export { summarizeImages, recordsFingerprint, subsetFirst, subsetPerClass, subsetFirstPerClass, firstIndicesPerClass, pairImagesLabels, concatImageDatasets, takeRecords, checkImageDataset, classHistogram, imageSize, BYTE_TO_UNIT, type PairOptions } from './data/imageDataset';
export { parseDatasetFile, parseDatasetFileAsync, datasetFromFiles, guessClassNames, DATASET_FORMAT_LABELS } from './data/datasetFile';
export { selectRecords, channelStats, buildImageModel, imageTensors, trainImageModel, attackImages, type AdversarialExample, type ImageAttackResult } from './experiments/runner';
export { assembleImageDataset, type AssembledImages } from './data/assemble';

// Randomized smoothing: statistics, Cohen et al.'s PREDICT / CERTIFY, device-side noise.
export { clopperPearsonLower, clopperPearsonUpper, normInv, normCdf, binomTestTwoSided } from './certify/stats';
export { certify, predict, certifyBase, predictBase, sampleCounts, modelClassifier, ABSTAIN, type BaseClassifier, type CertifyResult, type PredictResult, type SampleControl } from './certify/smoothing';
export { runSmoothingOnSet, pickIndices, type RunSetControl, type RunSetResult } from './certify/run';
export { predictMany, type ManyPredictions } from './certify/smoothedGrid';
export { gaussianNoise, noiseSource, registerDeviceNoise, type NoiseOptions, type NoiseSource } from './noise/gaussianNoise';
export { philoxNormals, philox4x32 } from './noise/philox';

// Paper 003: denoiser, rejectors, and smoothing with sample rejection.
export { createDenoiser, denoiserConfig, denoise, DENOISER_DEFAULTS, DNCNN_PAPER, type DenoiserConfig, type DncnnConfig, type MlpDenoiserConfig, type Denoiser } from './models/denoiser';
export { createRejectors, rejectorConfig, rejectorLogits, rejectorProbabilities, modelRejectors, ownHead, REJECTOR_DEFAULTS, REJECTOR_HEADS_LAYER, type RejectorConfig, type CnnRejectorConfig, type MlpRejectorConfig, type RejectorHeads } from './models/noiseRejectors';
export { trainDenoiser, evaluateDenoiser, denoiserMseLoss, denoiserStabilityLoss, trainStages, DENOISER_TRAINING_DEFAULTS, DENOISER_STABILITY_PHASES, type DenoiserTrainConfig, type LrPhase, type TrainingStage, type StageEpochStats, type StageProgress, type StagedTrainResult, type DenoiserEvaluation } from './training/denoiser';
export { trainRejectors, evaluateRejectors, rejectionTargets, rejectionLoss, REJECTOR_TRAINING_DEFAULTS, type RejectorTrainConfig, type RejectionTargets, type RejectorEvaluation } from './training/noiseRejectors';
export { certifyWithRejection, predictWithRejection, rejectionClassifier, rejectionRadius, runRejectionOnSet, checkNoiseRejectionOptions, noiseRejectionProblems, NOISE_REJECTION_DEFAULTS, type NoiseRejectionOptions, type RejectionSystem, type RejectionCertifyResult, type RejectionPredictResult } from './certify/noiseRejection';

// Training for smoothed classifiers: Gaussian augmentation, CAT-RS (paper 002), CRA (paper 001).
export { gaussian } from './training/gaussian';
export { catRs, sampleK, bottomKWeights, bottomKLoss, matchMoments, worstCaseNoise } from './training/catRs';
export { cra, smoothedRadius, craLossPerExample } from './training/cra';
export { normInv as normInvTensor, NORM_INV_CLAMP } from './training/normInvTensor';

// Paper 000: two-head models, RR and SelectiveNet training, rejector scores, adaptive attacks.
export { createRrModel, createSelectiveNetModel, createModelWithHeads, twoHeadOutputs, selectiveNetOutputs, modelHeads, assertHeads, auxHiddenUnits, LOGITS_OUTPUT, RR_AUX_OUTPUT, SELECTION_OUTPUT, SELECTIVE_AUX_OUTPUT, type BackboneConfig, type MlpBackbone, type CnnBackbone, type HeadOptions } from './models/heads';
export { rrPgdAt, rrTrades, rrBcePerExample, rrPgdAtLossPerExample, rrTradesLossPerExample, stopGradient, type RrLossOptions } from './training/rconRejection';
export { selectiveNetPgdAt, selectiveNetLoss } from './training/selectiveNet';
export { rCon, rConTensor, rejectorScores, selectionTensor, confidenceFromLogits, logConfidenceFromLogits, logConfidenceParts, trueConfidenceFromLogits, energyFromLogits, rConFromOutputs, logRConFromOutputs, softplus, logSigmoid, type RejectorScores, type ScoreRunOptions, type TemperatureOption } from './metrics/rejectorScores';
export { adaptiveAttack, adaptiveBatch, adaptiveObjectiveValue, ADAPTIVE_OBJECTIVES, ADAPTIVE_LABELS, ADAPTIVE_DEFAULTS, type AdaptiveObjective, type AdaptiveOptions } from './attacks/adaptive';
export { evaluateRejection, type RejectionEvalControl, type RejectionEvalStage } from './experiments/rconRejectionEval';
// Not in ./settings (which has their names and shapes): the intervals need @stdlib's Beta quantile,
// whose code generation the page's Content-Security-Policy refuses.
export { rejectorFooting } from './experiments/rejectorFooting';
export { abstainOutcomes, share, type AbstainDecisions } from './metrics/abstainOutcomes';

// Paper 004: PGD on abstain models
export { abstainPgd, abstainPgdBatch, abstainErrorTable, abstainMargin, abstainAllowedMask, checkAbstainPgdOptions, ABSTAIN_PGD_DEFAULTS, ABSTAIN_PGD_CHUNK, type AbstainPgdOptions, type AbstainPgdInput, type AbstainPgdResult, type AbstainErrorTable } from './attacks/abstainPgd';

// Paper 004: interval bound propagation, abstain-class verification (IBP / CROWN), IBP training.
export { intervalBounds, ibpBounds, inputBox, penultimateBox, propagateBox, type Box as IntervalBox } from './verify/ibp';
export { verificationPlan, type VerifyStep } from './verify/layers';
export { maximiseOverSimplex, exactSegmentMax, degeneracyPenalty, degeneracyAscentTerm, boxSpecBound, specVectors, successSetOneHot, targetClasses, type DegeneracyRegulariser, type SimplexOptions, type SimplexResult } from './verify/abstainSimplex';
export { verifyAbstain, abstainClassesOf, emptyVerdicts, placeVerdicts, verdictsOver, ABSTAIN_VERIFY_DEFAULTS, type AbstainVerdicts, type VerifyAbstainOptions, type BoundMethod } from './verify/abstainVerification';
export { crownBounds, crownPenultimateBox, crownRefusal, crownSpecLowerBound } from './verify/crown';
export { ibp as ibpTraining, abstainCrossEntropy } from './training/ibp';

// What the CLI reads and writes besides the science: dataset files, configs, CSV, certification logs.
export { MAX_DATASET_BYTES, type ParsedDatasetFile } from './data/datasetFile';
export { isDatasetFileError, formatBytes } from './data/fileError';
export { normaliseImageExperiment, isImageExperimentJson } from './experiments/imageConfigParse';
export { type CsvRow, toCsv, rowsFromColumns } from './experiments/csv';
export { SMOOTHING_DEFAULTS, type SmoothingOptions, smoothingProblems } from './certify/smoothingConfig';
export { formatCertificationLog } from './certify/log';
export { averageCertifiedRadius, certifiedAccuracyTable } from './metrics/certified';
export { type ImageSummary } from './data/imageDataset';
export { type RejectionEvaluation } from './experiments/rconRejectionEval';
export { type RejectionEvalConfig, withAdaptiveObjectives, rejectionEvalErrorList, REJECTION_EVAL_OBJECTIVES, type RejectionEvalDataKind, parseRejectionEvalConfig, defaultRejectionEvalConfig, validateRejectionEvalConfig } from './experiments/rconRejectionEvalConfig';
export { MAX_TEXT_FILE_BYTES, MAX_MODEL_PARAMS, MAX_BATCH_BYTES, fileTooLarge, megabytes } from './limits';
export { bytesPerCopy, checkBatchFits } from './certify/batchMemory';
export { runArena, type ArenaControl, type ArenaProgress, type ArenaImageData } from './experiments/arena';
export { familyImageExperiment } from './experiments/arenaTraining';
