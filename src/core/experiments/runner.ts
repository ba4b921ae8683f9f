/**
 * Experiments end to end, shared by the compute worker and the CLI so that the page and the
 * command line run exactly the same thing: build the config's model, train it and attack it.
 * 2-D points and images take one path: a data set is inputs of some shape (points [2], images
 * [h, w, c]) with integer labels, and the model is an MLP or a CNN over that shape; what differs
 * is only where the data come from (generated from the config, or read from files) and what an
 * attack reports (points: the split with the adversarial points for the plot; images: the split
 * with a few example images).
 */
import * as tf from '@tensorflow/tfjs';
import type { RunControl } from '../attacks/runner';
import { runAttack } from '../attacks/registry';
import { type Bounds2d, type Dataset2d, makeDataset2d, makeGrid2d } from '../data/synthetic2d';
import { type ImageDataset, imageSize, subsetFirst, subsetPerClass } from '../data/imageDataset';
import { type BackboneConfig, createModelWithHeads } from '../models/heads';
import { logits } from '../models/forward';
import { abstainOutputsOf, methodHeads } from '../training/method';
import { type RobustnessSplit, robustnessSplit } from '../metrics/robustness';
import { splitFromPredictions } from '../metrics/split';
import { type TrainProgress, type TrainResult, type TrainResume, train } from '../training/trainer';
import { type ExperimentConfig, attackConfigOf, trainConfigOf } from './config';
import type { ImageExperimentConfig } from './imageConfig';

/** Inputs of one shape with integer labels, as flat arrays: what the one training path takes. */
export interface LabelledSet {
  /** Row-major inputs, inputShape per row. */
  x: Float32Array;
  labels: Int32Array;
  inputShape: readonly number[];
}

/** The set's inputs as one tensor [n, ...inputShape]. The caller disposes it. */
export function inputTensor(set: LabelledSet): tf.Tensor {
  return tf.tensor(set.x, [set.labels.length, ...set.inputShape]);
}

/** The set as tensors: x [n, ...inputShape] and integer labels [n]. The caller disposes them. */
export function labelledTensors(set: LabelledSet): { x: tf.Tensor; y: tf.Tensor1D } {
  return { x: inputTensor(set), y: tf.tensor1d(set.labels, 'int32') };
}

const imageSet = (ds: ImageDataset): LabelledSet => ({ x: ds.images, labels: ds.labels, inputShape: ds.shape });
const pointSet = (x: Float32Array, labels: Int32Array): LabelledSet => ({ x, labels, inputShape: [2] });

export interface DatasetTensors {
  xTrain: tf.Tensor2D;
  yTrain: tf.Tensor1D;
  xTest: tf.Tensor2D;
  yTest: tf.Tensor1D;
}

export function datasetTensors(ds: Dataset2d): DatasetTensors {
  const train = labelledTensors(pointSet(ds.xTrain, ds.yTrain));
  const test = labelledTensors(pointSet(ds.xTest, ds.yTest));
  return { xTrain: train.x as tf.Tensor2D, yTrain: train.y, xTest: test.x as tf.Tensor2D, yTest: test.y };
}

export function disposeDataset(t: DatasetTensors): void {
  tf.dispose([t.xTrain, t.yTrain, t.xTest, t.yTest]);
}

export function imageTensors(ds: ImageDataset): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const { x, y } = labelledTensors(imageSet(ds));
  return { x: x as tf.Tensor4D, y };
}

/**
 * The one model builder: the backbone over the input shape with K + M logits (M abstain classes
 * for IBP's abstain training), Rectified Rejection's auxiliary head for the RR methods and
 * SelectiveNet's heads for SelectiveNet (models/heads.ts); the classifier's layers and initial
 * weights are the same either way.
 */
function buildClassifier(backbone: BackboneConfig, training: Parameters<typeof abstainOutputsOf>[0]): tf.LayersModel {
  return createModelWithHeads(methodHeads(training.method), { ...backbone, numClasses: backbone.numClasses + abstainOutputsOf(training) });
}

/** The 2-D config's MLP for data with numClasses classes. */
export function buildModel(config: ExperimentConfig, numClasses: number): tf.LayersModel {
  return buildClassifier({ kind: 'mlp', inputDim: 2, numClasses, ...config.model, seed: config.seed }, config.training);
}

/** The image config's CNN (optionally with a Normalize layer from the training images' statistics) or MLP. */
export function buildImageModel(config: ImageExperimentConfig, train: ImageDataset): tf.LayersModel {
  const m = config.model;
  const numClasses = train.numClasses;
  if (m.kind === 'cnn') {
    const { convLayers, filters, dense } = m;
    return buildClassifier({ kind: 'cnn', inputShape: train.shape, numClasses, convLayers, filters, dense, normalize: m.normalize ? channelStats(train) : null, seed: config.seed }, config.training);
  }
  if (m.normalize) throw new Error('The MLP has no Normalize layer here: use the CNN, or turn normalisation off.');
  return buildClassifier({ kind: 'mlp', inputDim: imageSize(train.shape), inputShape: train.shape, numClasses, depth: m.depth, width: m.width, seed: config.seed }, config.training);
}

/** The one training path: trains `model` on a training set (and reports the test set). */
async function trainOn(
  model: tf.LayersModel,
  trainSet: LabelledSet,
  testSet: LabelledSet | null,
  config: Parameters<typeof train>[2],
  onProgress?: (p: TrainProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
  resume?: TrainResume,
): Promise<TrainResult> {
  const tr = labelledTensors(trainSet);
  const te = testSet ? labelledTensors(testSet) : null;
  try {
    return await train(model, { x: tr.x, y: tr.y, xTest: te?.x, yTest: te?.y }, config, onProgress, signal, resume);
  } finally {
    tf.dispose([tr.x, tr.y, ...(te ? [te.x, te.y] : [])]);
  }
}

/** Generates the 2-D data, builds the model (unless given) and trains it. The caller owns the returned model. */
export async function runTraining(
  config: ExperimentConfig,
  onProgress?: (p: TrainProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
  model?: tf.LayersModel,
  resume?: TrainResume,
): Promise<{ dataset: Dataset2d; model: tf.LayersModel; result: TrainResult }> {
  const dataset = makeDataset2d(config.data);
  const m = model ?? buildModel(config, dataset.numClasses);
  const result = await trainOn(m, pointSet(dataset.xTrain, dataset.yTrain), pointSet(dataset.xTest, dataset.yTest), trainConfigOf(config), onProgress, signal, resume);
  return { dataset, model: m, result };
}

/** Trains `model` (or a new one) on the selected training images. */
export async function trainImageModel(
  config: ImageExperimentConfig,
  trainSet: ImageDataset,
  testSet: ImageDataset | null,
  onProgress?: (p: TrainProgress) => void | Promise<void>,
  signal?: AbortSignal | null,
  model?: tf.LayersModel,
  resume?: TrainResume,
): Promise<{ model: tf.LayersModel; result: TrainResult }> {
  const m = model ?? buildImageModel(config, trainSet);
  const result = await trainOn(m, imageSet(trainSet), testSet ? imageSet(testSet) : null, { ...config.training, seed: config.seed }, onProgress, signal, resume);
  return { model: m, result };
}

/** The records the config asks for (all, the first N, or N/numClasses per class by seed). */
export function selectRecords(ds: ImageDataset, limit: number, config: ImageExperimentConfig): ImageDataset {
  if (!limit || limit >= ds.labels.length) return ds;
  if (config.data.subset === 'per-class') return subsetPerClass(ds, Math.max(1, Math.floor(limit / ds.numClasses)), config.data.seed);
  return subsetFirst(ds, limit);
}

/** Per-channel mean and std of a dataset's pixels. */
export function channelStats(ds: ImageDataset): { mean: number[]; std: number[] } {
  const c = ds.shape[2];
  const sum = new Float64Array(c);
  const sq = new Float64Array(c);
  for (let i = 0; i < ds.images.length; i++) {
    const v = ds.images[i];
    sum[i % c] += v;
    sq[i % c] += v * v;
  }
  const n = ds.images.length / c;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, k) => Math.max(1e-3, Math.sqrt(Math.max(0, s / n - mean[k] ** 2))));
  return { mean, std };
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

export interface AdversarialExample {
  index: number;
  label: number;
  /** Clean and adversarial images, NHWC pixels in [0, 1]. */
  clean: Float32Array;
  adversarial: Float32Array;
  prediction: number;
  confidence: number;
  adversarialPrediction: number;
  adversarialConfidence: number;
  /** Norm of the perturbation in the attack's norm. */
  perturbationNorm: number;
}

export interface ImageAttackResult {
  split: Omit<RobustnessSplit, 'adversarial'>;
  examples: AdversarialExample[];
}

/**
 * Attacks the first `config.evaluation.count` images of `testSet`: the 4-way split (robust
 * accuracy among it) and `exampleCount` examples, the non-robust ones first.
 */
export async function attackImages(
  model: tf.LayersModel,
  testSet: ImageDataset,
  config: ImageExperimentConfig,
  control: RunControl = {},
  exampleCount = 8,
): Promise<ImageAttackResult> {
  const ds = subsetFirst(testSet, Math.min(config.evaluation.count, testSet.labels.length));
  const { x, y } = imageTensors(ds);
  const attack = { ...config.evaluation.attack, seed: (config.seed + 7919) >>> 0 };
  let xAdv: tf.Tensor | null = null;
  try {
    const [pClean, pred] = tf.tidy(() => {
      const p = tf.softmax(logits(model, x));
      return [p, tf.argMax(p, 1) as tf.Tensor1D];
    });
    xAdv = await runAttack(model, x, pred, attack, control);
    const pAdv = tf.tidy(() => tf.softmax(logits(model, xAdv!)));
    const [pc, pa, clean, adv] = await Promise.all([pClean.data(), pAdv.data(), x.data(), xAdv.data()]);
    tf.dispose([pClean, pred, pAdv]);
    const k = ds.numClasses;
    const n = ds.labels.length;
    const argmax = (p: Float32Array | Int32Array | Uint8Array, i: number) => {
      let best = 0;
      for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
      return best;
    };
    const predictions = Int32Array.from({ length: n }, (_, i) => argmax(pc, i));
    const adversarialPredictions = Int32Array.from({ length: n }, (_, i) => argmax(pa, i));
    const { adversarial: _omit, ...split } = splitFromPredictions(ds.labels, predictions, adversarialPredictions, new Float32Array(0));
    const size = imageSize(ds.shape);
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => Number(split.categories[a] < 2) - Number(split.categories[b] < 2) || a - b);
    const examples = order.slice(0, exampleCount).map((i) => {
      const c = clean.slice(i * size, (i + 1) * size) as Float32Array;
      const a = adv.slice(i * size, (i + 1) * size) as Float32Array;
      let norm = 0;
      for (let j = 0; j < size; j++) {
        const d = Math.abs(a[j] - c[j]);
        norm = attack.norm === 'linf' ? Math.max(norm, d) : norm + d * d;
      }
      return {
        index: i,
        label: ds.labels[i],
        clean: c,
        adversarial: a,
        prediction: predictions[i],
        confidence: pc[i * k + predictions[i]],
        adversarialPrediction: adversarialPredictions[i],
        adversarialConfidence: pa[i * k + adversarialPredictions[i]],
        perturbationNorm: attack.norm === 'linf' ? norm : Math.sqrt(norm),
      };
    });
    return { split, examples };
  } finally {
    tf.dispose([x, y]);
    xAdv?.dispose();
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
