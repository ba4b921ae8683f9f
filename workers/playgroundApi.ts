/**
 * The worker's 2-D playground (see protocol/playground.ts): turns JSON requests into core calls,
 * keeps the models, streams progress and honours cancellation. Every method leaves the tensor
 * count where it found it.
 */
import {
  type EvaluationConfig,
  type ExperimentConfig,
  type GridPrediction,
  type TrainProgress,
  attackConfigOf,
  buildModel,
  composeModels,
  groundTruthLabels2d,
  makeDataset2d,
  makeGrid2d,
  predictGrid,
  runTraining,
  splitPoints,
  validateExperiment,
} from '../src/core/index';
import { playgroundModels } from './modelStore';
import { runJob, stagedProgress } from './jobs';
import { assertNoErrors, trainIntoStore } from './training';
import type { ProgressFn } from './protocol/common';
import type { CompositionView, EvalSet, EvaluationView, GridSplitView, ModelSummary, PlaygroundWorkerApi, TrainOutcome, TrainUpdate } from './protocol/playground';

/** The model's own experiment with the page's current evaluation settings. */
function withEvaluation(config: ExperimentConfig, evaluation: EvaluationConfig): ExperimentConfig {
  const merged = { ...config, evaluation: structuredClone(evaluation) };
  assertNoErrors(validateExperiment(merged));
  return merged;
}

function pointsOf(config: ExperimentConfig, set: EvalSet) {
  const ds = makeDataset2d(config.data);
  return set === 'train' ? { x: ds.xTrain, y: ds.yTrain, ds } : { x: ds.xTest, y: ds.yTest, ds };
}

/** Minimum time between two live grid refreshes during training (ms). */
const GRID_INTERVAL_MS = 500;

export async function trainModel(
  jobId: string,
  modelId: string,
  name: string,
  config: ExperimentConfig,
  onUpdate: (u: TrainUpdate) => void,
): Promise<TrainOutcome> {
  assertNoErrors(validateExperiment(config));
  return runJob(jobId, async (signal) => {
    const dataset = makeDataset2d(config.data);
    const model = buildModel(config, dataset.numClasses);
    const summary: ModelSummary = { id: modelId, name, method: config.training.method, config, numClasses: dataset.numClasses, epochsCompleted: 0, history: [] };
    let lastGrid = 0;
    let gridCostMs = 0;
    const sendGrid = async () => {
      const t0 = Date.now();
      const grid = await predictGrid(model, dataset.bounds, config.evaluation.gridResolution);
      gridCostMs = Date.now() - t0;
      lastGrid = Date.now();
      onUpdate({ kind: 'grid', grid });
    };
    const onProgress = async (p: TrainProgress) => {
      onUpdate(p);
      // Live decision regions, throttled so that drawing them never swamps the page.
      if (Date.now() - lastGrid > Math.max(GRID_INTERVAL_MS, 5 * gridCostMs)) await sendGrid();
    };
    const outcome = await trainIntoStore(playgroundModels, model, summary, onProgress, (progress) => runTraining(config, progress, signal, model));
    // Only the 2-D playground draws decision regions: the final grid of the kept model.
    const grid = outcome.kept ? await predictGrid(model, dataset.bounds, config.evaluation.gridResolution) : null;
    return { status: outcome.status, message: outcome.message, model: outcome.model, grid };
  });
}

export function gridOf(modelId: string): Promise<GridPrediction> {
  const { model, summary } = playgroundModels.get(modelId);
  const ds = makeDataset2d(summary.config.data);
  return predictGrid(model, ds.bounds, summary.config.evaluation.gridResolution);
}

export async function evaluateModel(jobId: string, modelId: string, evaluation: EvaluationConfig, set: EvalSet, onProgress: ProgressFn): Promise<EvaluationView> {
  const { model, summary } = playgroundModels.get(modelId);
  const config = withEvaluation(summary.config, evaluation);
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const { x, y } = pointsOf(config, set);
    const progress = stagedProgress(onProgress, [1]);
    const split = await splitPoints(model, x, y, config, { signal, onProgress: progress(0) });
    return { modelId, set, attack: attackConfigOf(config), split, elapsedMs: Date.now() - t0 };
  });
}

export async function gridSplitOf(jobId: string, modelId: string, evaluation: EvaluationConfig, onProgress: ProgressFn): Promise<GridSplitView> {
  const { model, summary } = playgroundModels.get(modelId);
  const config = withEvaluation(summary.config, evaluation);
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const ds = makeDataset2d(config.data);
    const resolution = config.evaluation.gridResolution;
    const pts = makeGrid2d(ds.bounds, resolution);
    const labels = groundTruthLabels2d(config.data.kind, pts);
    const split = await splitPoints(model, pts, labels, config, { signal, onProgress: stagedProgress(onProgress, [1])(0) });
    return { modelId, attack: attackConfigOf(config), resolution, bounds: ds.bounds, categories: split.categories, fractions: split.fractions, elapsedMs: Date.now() - t0 };
  });
}

export async function composeOf(
  jobId: string,
  robustId: string,
  coreId: string,
  evaluation: EvaluationConfig,
  set: EvalSet,
  onProgress: ProgressFn,
): Promise<CompositionView> {
  const robust = playgroundModels.get(robustId);
  const core = playgroundModels.get(coreId);
  if (JSON.stringify(robust.summary.config.data) !== JSON.stringify(core.summary.config.data)) {
    throw new Error(`"${robust.summary.name}" and "${core.summary.name}" were trained on different data; compose models trained on the same dataset.`);
  }
  const config = withEvaluation(robust.summary.config, evaluation);
  return runJob(jobId, async (signal) => {
    const t0 = Date.now();
    const { x, y } = pointsOf(config, set);
    const stage = stagedProgress(onProgress, [1, 1, 1]);
    // The default chunk size everywhere: attack seeds are derived per chunk, so the page and the
    // CLI give the same numbers for the same config.
    const control = (k: number) => ({ signal, onProgress: stage(k) });
    const robustAtEps = await splitPoints(robust.model, x, y, config, control(0));
    const robustAtTwoEps = await splitPoints(robust.model, x, y, config, control(1), 2);
    const coreAtEps = await splitPoints(core.model, x, y, config, control(2));
    const result = composeModels({ labels: y, robustAtEps, robustAtTwoEps, corePredictions: coreAtEps.predictions, coreAtEps });
    return { robustId, coreId, set, eps: config.evaluation.attack.eps, result, elapsedMs: Date.now() - t0 };
  });
}

export const playgroundApi: PlaygroundWorkerApi = {
  makeDataset: async (config) => makeDataset2d(config),
  train: trainModel,
  predictGrid: gridOf,
  evaluate: evaluateModel,
  gridSplit: gridSplitOf,
  compose: composeOf,
  deleteModel: (id) => playgroundModels.delete(id),
  listModels: () => playgroundModels.summaries(),
};
