/**
 * The compute worker's API (see protocol.ts): turns JSON requests into core calls, keeps the
 * models, streams progress and honours cancellation. Every method leaves the tensor count
 * where it found it.
 */
import * as tf from '@tensorflow/tfjs';
import {
  type EvaluationConfig,
  type ExperimentConfig,
  type GridPrediction,
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
import { getEntry, putModel, listModels, deleteModel, hasModel } from './models';
import { cancelJob, runJob, stagedProgress } from './jobs';
import type { CompositionView, EvalSet, EvaluationView, GridSplitView, ModelSummary, ProgressFn, TrainOutcome, TrainUpdate } from './protocol';

function assertValid(config: ExperimentConfig): void {
  const errors = validateExperiment(config);
  const keys = Object.keys(errors);
  if (keys.length) throw new Error(`Invalid settings: ${keys.map((k) => `${k} ${errors[k]}`).join('; ')}`);
}

/** The model's own experiment with the page's current evaluation settings. */
function withEvaluation(config: ExperimentConfig, evaluation: EvaluationConfig): ExperimentConfig {
  const merged = { ...config, evaluation: structuredClone(evaluation) };
  assertValid(merged);
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
  assertValid(config);
  return runJob(jobId, async (signal) => {
    const dataset = makeDataset2d(config.data);
    const model = buildModel(config, dataset.numClasses);
    const summary: ModelSummary = { id: modelId, name, method: config.training.method, config, numClasses: dataset.numClasses, epochsCompleted: 0, history: [] };
    let committed = false;
    let lastGrid = 0;
    let gridCostMs = 0;
    let latestGrid: GridPrediction | null = null;
    const sendGrid = async () => {
      const t0 = Date.now();
      latestGrid = await predictGrid(model, dataset.bounds, config.evaluation.gridResolution);
      gridCostMs = Date.now() - t0;
      lastGrid = Date.now();
      onUpdate({ kind: 'grid', grid: latestGrid });
    };
    try {
      const { result } = await runTraining(
        config,
        async (p) => {
          if (p.kind === 'epoch') {
            summary.history = [...summary.history, p.stats];
            summary.epochsCompleted = p.epoch;
            // The new model replaces the stored one once it has completed an epoch.
            putModel(model, { ...summary });
            committed = true;
            onUpdate(p);
          } else {
            onUpdate(p);
          }
          // Live decision regions, throttled so that drawing them never swamps the page.
          if (Date.now() - lastGrid > Math.max(GRID_INTERVAL_MS, 5 * gridCostMs)) await sendGrid();
        },
        signal,
        model,
      );
      if (!committed) {
        model.dispose();
        return { status: result.status, message: result.message, model: hasModel(modelId) ? getEntry(modelId).summary : null, grid: null };
      }
      // Cancelled or diverged runs were rolled back to the last completed epoch by the trainer.
      summary.history = result.history;
      summary.epochsCompleted = result.epochsCompleted;
      putModel(model, { ...summary });
      const grid = await predictGrid(model, dataset.bounds, config.evaluation.gridResolution);
      return { status: result.status, message: result.message, model: { ...summary }, grid };
    } catch (e) {
      if (!committed) model.dispose();
      throw e;
    }
  });
}

export function gridOf(modelId: string): Promise<GridPrediction> {
  const { model, summary } = getEntry(modelId);
  const ds = makeDataset2d(summary.config.data);
  return predictGrid(model, ds.bounds, summary.config.evaluation.gridResolution);
}

export async function evaluateModel(jobId: string, modelId: string, evaluation: EvaluationConfig, set: EvalSet, onProgress: ProgressFn): Promise<EvaluationView> {
  const { model, summary } = getEntry(modelId);
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
  const { model, summary } = getEntry(modelId);
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
  const robust = getEntry(robustId);
  const core = getEntry(coreId);
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

export const computeApi = {
  makeDataset: async (config: Parameters<typeof makeDataset2d>[0]) => makeDataset2d(config),
  train: trainModel,
  predictGrid: gridOf,
  evaluate: evaluateModel,
  gridSplit: gridSplitOf,
  compose: composeOf,
  cancel: (jobId: string) => cancelJob(jobId),
  deleteModel: (id: string) => deleteModel(id),
  listModels: () => listModels(),
  memory: () => {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes };
  },
};
