/**
 * The messages between the page and the compute worker: JSON-serialisable requests in, plain
 * data (typed arrays, numbers, strings) out. No tensor ever crosses this boundary.
 */
import type {
  AttackConfig,
  CompositionResult,
  Dataset2d,
  Dataset2dConfig,
  EpochStats,
  EvaluationConfig,
  ExperimentConfig,
  GridPrediction,
  RobustnessSplit,
  TrainStatus,
  TrainingMethodName,
} from '../src/core/settings';

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

export type ProgressFn = (fraction: number, etaMs: number | null) => void;

export type { LibraryItem, LibraryKind } from './storage';
import type { LibraryItem, LibraryKind } from './storage';

export interface WorkerApi {
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
  /** The library (IndexedDB): saved models, runs and datasets. */
  library(kind: LibraryKind): Promise<LibraryItem[]>;
  saveModel(modelId: string, name: string): Promise<LibraryItem>;
  loadSavedModel(storedId: string, asModelId: string): Promise<ModelSummary>;
  saveRun(name: string, info: Record<string, unknown>, data: unknown): Promise<LibraryItem>;
  runRecord(storedId: string): Promise<unknown>;
  renameSaved(kind: LibraryKind, id: string, name: string): Promise<LibraryItem>;
  deleteSaved(kind: LibraryKind, id: string): Promise<void>;
}
