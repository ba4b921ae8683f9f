/**
 * The messages between the page and the compute worker: JSON-serialisable requests in, plain
 * data (typed arrays, numbers, strings) out. No tensor ever crosses this boundary.
 */
import type { SmoothingWorkerApi } from './smoothingProtocol';
import type { RectifiedWorkerApi } from './rectifiedProtocol';
import type { VerifyWorkerApi } from './verifyProtocol';
import type {
  AttackConfig,
  CompositionResult,
  Dataset2d,
  Dataset2dConfig,
  EpochStats,
  EvaluationConfig,
  ExperimentConfig,
  GridPrediction,
  ImageExperimentConfig,
  ImageShape,
  ImageSummary,
  RobustnessSplit,
  TrainStatus,
  TrainingMethodName,
} from '../src/core/settings';
import type { AdversarialExample } from '../src/core/experiments/imageRunner';
import type { NoiseCheckResult } from '../src/core/noise/noiseCheck';

export interface BackendInfo {
  backend: string;
  attempts: Array<{ name: string; ok: boolean; error?: string }>;
  /** Set when ?backend=NAME could not be used. */
  requestFailed?: string;
  /** Whether the WASM backend runs multi-threaded (needs cross-origin isolation). */
  wasmThreads: boolean;
}

/** Events the worker pushes outside of any job (e.g. the GPU device was lost). */
export interface WorkerEvent {
  kind: 'device-lost';
  message: string;
}

export interface ModelSummary {
  id: string;
  name: string;
  method: TrainingMethodName;
  config: ExperimentConfig;
  numClasses: number;
  epochsCompleted: number;
  history: EpochStats[];
}

export type TrainUpdate =
  | { kind: 'batch'; epoch: number; epochs: number; batch: number; batches: number; objective: number; elapsedMs: number; etaMs: number }
  | { kind: 'epoch'; epoch: number; epochs: number; stats: EpochStats; elapsedMs: number; etaMs: number }
  | { kind: 'grid'; grid: GridPrediction };

export interface TrainOutcome {
  status: TrainStatus;
  message: string;
  /** The model now stored under the job's id (null: none, e.g. cancelled before the first epoch with no earlier model). */
  model: ModelSummary | null;
  grid: GridPrediction | null;
}

export type EvalSet = 'train' | 'test';

export interface EvaluationView {
  modelId: string;
  set: EvalSet;
  attack: AttackConfig;
  split: RobustnessSplit;
  elapsedMs: number;
}

export interface GridSplitView {
  modelId: string;
  attack: AttackConfig;
  resolution: number;
  bounds: GridPrediction['bounds'];
  /** Per grid cell: index into SPLIT_CATEGORIES, against the generator's noise-free labels. */
  categories: Uint8Array;
  fractions: RobustnessSplit['fractions'];
  elapsedMs: number;
}

export interface CompositionView {
  robustId: string;
  coreId: string;
  set: EvalSet;
  eps: number;
  result: CompositionResult;
  elapsedMs: number;
}

export interface BenchRow {
  caseId: string;
  label: string;
  backend: string;
  medianMs: number | null;
  runsMs: number[];
  throughput: string;
  error?: string;
}

/** One backend's row of the noise generator check: the result, or why the backend could not run it. */
export type NoiseCheckRow = NoiseCheckResult | { backend: string; error: string };

export type ProgressFn = (fraction: number, etaMs: number | null) => void;

/** A loaded image dataset as the page sees it: summaries and a few thumbnails, not the pixels. */
export interface ImageDatasetView {
  id: string;
  name: string;
  shape: ImageShape;
  numClasses: number;
  classNames: string[];
  train: ImageSummary;
  test: ImageSummary;
  testSource: 'file' | 'held out';
  /** Up to 40 training images (NHWC bytes 0-255) with their labels, for the thumbnail grid. */
  thumbnails: { pixels: Uint8Array; labels: number[]; count: number };
  /** The files it came from, with their formats. */
  files: Array<{ name: string; format: string; records: number; gzipped: boolean }>;
}

export interface ImageModelSummary {
  id: string;
  name: string;
  /** 'trained' here, or 'imported' from model.json + weights.bin. */
  source: 'trained' | 'imported';
  method: TrainingMethodName | null;
  config: ImageExperimentConfig | null;
  datasetName: string;
  inputShape: number[];
  numClasses: number;
  classNames: string[];
  epochsCompleted: number;
  history: EpochStats[];
}

export interface ImageAttackView {
  modelId: string;
  attack: AttackConfig;
  split: Omit<RobustnessSplit, 'adversarial'>;
  examples: AdversarialExample[];
  shape: ImageShape;
  elapsedMs: number;
}

export type ImageTrainUpdate = Exclude<TrainUpdate, { kind: 'grid' }>;

export type { LibraryItem, LibraryKind } from './storage';
import type { LibraryItem, LibraryKind } from './storage';

export interface WorkerApi extends SmoothingWorkerApi, RectifiedWorkerApi, VerifyWorkerApi {
  init(requestedBackend: string | null, onEvent: (e: WorkerEvent) => void): Promise<BackendInfo>;
  makeDataset(config: Dataset2dConfig): Promise<Dataset2d>;
  train(jobId: string, modelId: string, name: string, config: ExperimentConfig, onUpdate: (u: TrainUpdate) => void): Promise<TrainOutcome>;
  predictGrid(modelId: string): Promise<GridPrediction>;
  evaluate(jobId: string, modelId: string, evaluation: EvaluationConfig, set: EvalSet, onProgress: ProgressFn): Promise<EvaluationView>;
  gridSplit(jobId: string, modelId: string, evaluation: EvaluationConfig, onProgress: ProgressFn): Promise<GridSplitView>;
  compose(jobId: string, robustId: string, coreId: string, evaluation: EvaluationConfig, set: EvalSet, onProgress: ProgressFn): Promise<CompositionView>;
  cancel(jobId: string): void;
  deleteModel(modelId: string): void;
  listModels(): ModelSummary[];
  memory(): { numTensors: number; numBytes: number };
  benchCases(): Array<{ id: string; label: string; description: string }>;
  bench(jobId: string, backends: string[], caseIds: string[], repeats: number, onRow: (row: BenchRow) => void): Promise<BenchRow[]>;
  /** Issue 4: draws `draws` normals with gaussianNoise on each backend; statistics and the difference to the JavaScript reference. */
  noiseCheck(jobId: string, backends: string[], draws: number, onRow: (row: NoiseCheckRow) => void): Promise<NoiseCheckRow[]>;
  /** The library (IndexedDB): saved models, runs and datasets. */
  library(kind: LibraryKind): Promise<LibraryItem[]>;
  saveModel(modelId: string, name: string): Promise<LibraryItem>;
  loadSavedModel(storedId: string, asModelId: string): Promise<ModelSummary>;
  saveRun(name: string, info: Record<string, unknown>, data: unknown): Promise<LibraryItem>;
  runRecord(storedId: string): Promise<unknown>;
  renameSaved(kind: LibraryKind, id: string, name: string): Promise<LibraryItem>;
  deleteSaved(kind: LibraryKind, id: string): Promise<void>;
  /** Images: import files (CIFAR binary, IDX, .gz), the shipped Fashion-MNIST subset, train, attack, export/import models. */
  importImageFiles(jobId: string, files: Array<{ name: string; bytes: ArrayBuffer }>, onProgress: ProgressFn): Promise<ImageDatasetView>;
  loadBuiltinImages(jobId: string, onProgress: ProgressFn): Promise<ImageDatasetView>;
  trainImageModel(jobId: string, modelId: string, name: string, datasetId: string, config: ImageExperimentConfig, onUpdate: (u: ImageTrainUpdate) => void): Promise<{ status: TrainStatus; message: string; model: ImageModelSummary | null }>;
  attackImageModel(jobId: string, modelId: string, datasetId: string, config: ImageExperimentConfig, onProgress: ProgressFn): Promise<ImageAttackView>;
  exportImageModel(modelId: string): Promise<{ modelJson: unknown; weights: ArrayBuffer }>;
  importImageModel(modelId: string, name: string, modelJson: unknown, weights: ArrayBuffer, datasetId: string): Promise<ImageModelSummary>;
  saveImageDataset(datasetId: string, name: string): Promise<LibraryItem>;
  loadSavedImageDataset(storedId: string): Promise<ImageDatasetView>;
  saveImageModel(modelId: string, name: string): Promise<LibraryItem>;
  loadSavedImageModel(storedId: string, asModelId: string): Promise<ImageModelSummary>;
}
