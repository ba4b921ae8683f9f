/**
 * Turns an experiment config into core calls; shared by the compute worker and the CLI so that
 * the page and the command line run exactly the same experiment.
 */
import * as tf from '@tensorflow/tfjs';
import { type RunControl } from '../attacks/batched';
import { type Bounds2d, type Dataset2d, makeDataset2d, makeGrid2d } from '../data/synthetic2d';
import { createModelWithHeads } from '../models/heads';
import { logits } from '../models/forward';
import { abstainOutputsOf, methodHeads } from '../training/method';
import { type RobustnessSplit, robustnessSplit } from '../metrics/robustness';
import { type TrainProgress, type TrainResult, train } from '../training/trainer';
import { type ExperimentConfig, attackConfigOf, trainConfigOf } from './config';

export interface DatasetTensors {
  xTrain: tf.Tensor2D;
  yTrain: tf.Tensor1D;
  xTest: tf.Tensor2D;
  yTest: tf.Tensor1D;
}

export function datasetTensors(ds: Dataset2d): DatasetTensors {
  return {
    xTrain: tf.tensor2d(ds.xTrain, [ds.yTrain.length, 2]),
    yTrain: tf.tensor1d(ds.yTrain, 'int32'),
    xTest: tf.tensor2d(ds.xTest, [ds.yTest.length, 2]),
    yTest: tf.tensor1d(ds.yTest, 'int32'),
  };
}

export function disposeDataset(t: DatasetTensors): void {
  tf.dispose([t.xTrain, t.yTrain, t.xTest, t.yTest]);
}

/**
 * The MLP of the config. Rectified Rejection's methods get the two-head model (classifier +
 * auxiliary head A_phi), SelectiveNet the three-head one (models/heads.ts); the others the plain
 * MLP. The classifier's layers and initial weights are the same in all three.
 */
export function buildModel(config: ExperimentConfig, numClasses: number): tf.LayersModel {
  return createModelWithHeads(methodHeads(config.training.method), { kind: 'mlp', inputDim: 2, numClasses: numClasses + abstainOutputsOf(config.training), ...config.model, seed: config.seed });
}

/** Generates the data, builds the model and trains it. The caller owns the returned model. */
export async function runTraining(
  config: ExperimentConfig,
  onProgress?: (p: TrainProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
  model?: tf.LayersModel,
): Promise<{ dataset: Dataset2d; model: tf.LayersModel; result: TrainResult }> {
  const dataset = makeDataset2d(config.data);
  const m = model ?? buildModel(config, dataset.numClasses);
  const t = datasetTensors(dataset);
  try {
    const result = await train(m, { x: t.xTrain, y: t.yTrain, xTest: t.xTest, yTest: t.yTest }, trainConfigOf(config), onProgress, signal);
    return { dataset, model: m, result };
  } finally {
    disposeDataset(t);
  }
}

/** The 4-way split of a set of points under the config's evaluation attack, at eps·epsScale. */
export async function splitPoints(
  model: tf.LayersModel,
  points: Float32Array,
  labels: Int32Array,
  config: ExperimentConfig,
  control: RunControl = {},
  epsScale = 1,
): Promise<RobustnessSplit> {
  const x = tf.tensor2d(points, [labels.length, 2]);
  try {
    const attack = attackConfigOf(config);
    return await robustnessSplit(model, x, labels, { ...attack, eps: attack.eps * epsScale }, control);
  } finally {
    x.dispose();
  }
}

export interface GridPrediction {
  resolution: number;
  bounds: Bounds2d;
  /** Predicted class per grid cell, row-major from (xMin, yMin). */
  classes: Uint8Array;
  /** Softmax probability of the predicted class per cell. */
  confidence: Float32Array;
}

/** Predictions of the model on a resolution x resolution grid over the bounds. */
export async function predictGrid(model: tf.LayersModel, bounds: Bounds2d, resolution: number): Promise<GridPrediction> {
  const pts = makeGrid2d(bounds, resolution);
  const [cls, conf] = tf.tidy(() => {
    const p = tf.softmax(logits(model, tf.tensor2d(pts, [resolution * resolution, 2])));
    return [tf.argMax(p, 1), tf.max(p, 1)];
  });
  try {
    const [c, f] = await Promise.all([cls.data(), conf.data()]);
    return { resolution, bounds, classes: Uint8Array.from(c), confidence: Float32Array.from(f) };
  } finally {
    cls.dispose();
    conf.dispose();
  }
}
