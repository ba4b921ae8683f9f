/** The worker's 2-D playground requests: generate a dataset, train, draw the grid, evaluate and compose models. */
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
} from '../../src/core/settings';
import type { ProgressFn } from './common';

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

export interface PlaygroundWorkerApi {
  makeDataset(config: Dataset2dConfig): Promise<Dataset2d>;
  train(jobId: string, modelId: string, name: string, config: ExperimentConfig, onUpdate: (u: TrainUpdate) => void): Promise<TrainOutcome>;
  predictGrid(modelId: string): Promise<GridPrediction>;
  evaluate(jobId: string, modelId: string, evaluation: EvaluationConfig, set: EvalSet, onProgress: ProgressFn): Promise<EvaluationView>;
  gridSplit(jobId: string, modelId: string, evaluation: EvaluationConfig, onProgress: ProgressFn): Promise<GridSplitView>;
  compose(jobId: string, robustId: string, coreId: string, evaluation: EvaluationConfig, set: EvalSet, onProgress: ProgressFn): Promise<CompositionView>;
  deleteModel(modelId: string): void;
  listModels(): ModelSummary[];
}
